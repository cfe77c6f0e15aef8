"""The web benchmark: a credential's public page and ``POST /credentials/verify`` under load,
side by side with ``/healthz`` (a view that does nothing: the framework's floor).

A throwaway deployment is set up (migrate, demo content, ``microcred serve`` with its task
worker, so the demo credential is really signed), then Locust, in a second process on loopback,
loads one endpoint at a time with the same number of users for the same time. Reports requests
per second, the median and the 99th percentile, and failures; writes ``benchmarks/web.json``.

    python benchmarks/web.py [--database sqlite|postgres] [--seconds 15] [--users 24]

``--database postgres`` uses ``MICROCRED_BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432/) and a database ``microcred_bench_web`` it creates and drops.
Target (issue 7): the public page reaches at least half the floor's throughput.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DB_NAME = "microcred_bench_web"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([str(BIN / "microcred"), *args], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"microcred {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return proc.stdout


def _postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url + "postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _wait(url: str, seconds: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s\n{tail}")


FIND_CREDENTIAL = """
from microcred.issuance.models import Credential
c = Credential.objects.filter(status="issued").order_by("id").first()
import json
print("BENCH:" + json.dumps([str(c.public_id), c.signed_json] if c else None))
"""


def _credential(env: dict[str, str], seconds: float = 120) -> tuple[str, str]:
    """The demo's issued credential (the server's task worker signs it shortly after start)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        out = _run(env, "shell", "-c", FIND_CREDENTIAL)
        line = next(x for x in out.splitlines() if x.startswith("BENCH:"))
        found = json.loads(line.removeprefix("BENCH:"))
        if found:
            return found[0], found[1]
        time.sleep(1)
    raise SystemExit("no issued credential appeared: is the task worker running?")


def _locust(host: str, target: str, payload: Path, seconds: int, users: int,
            out: Path) -> dict[str, Any]:
    prefix = out / target
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_PAYLOAD": str(payload)}
    subprocess.run(  # noqa: S603 - a fixed argv
        [str(BIN / "locust"), "-f", str(HERE / "locustfile_web.py"), "--headless",
         "--host", host, "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, capture_output=True, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows["Aggregated"]
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--out", type=Path, default=HERE / "web.json")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="microcred-bench-web-"))
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MICROCRED_DATA_DIR": str(work / "data"), "MICROCRED_PUBLIC_URL": host,
           "MICROCRED_VERIFIER_NETWORK": "0",
           # The load comes from one address: the per-address limits would answer 429.
           "MICROCRED_RATE_LIMIT_VERIFY": "100000000/m", "MICROCRED_RATE_LIMIT_API": "100000000/m"}
    env.pop("DATABASE_URL", None)
    pg = os.environ.get("MICROCRED_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
    if args.database == "postgres":
        _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME}")
        _postgres(pg, f"CREATE DATABASE {DB_NAME}")
        env["DATABASE_URL"] = pg + DB_NAME
    server = None
    try:
        _run(env, "migrate")
        _run(env, "demo")
        log = open(work / "server.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "microcred"), "serve", "--port", str(port), "--workers",
             str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=log)
        _wait(f"{host}/healthz", log=work / "server.log")
        public_id, signed = _credential(env)
        payload = work / "payload.json"
        payload.write_text(json.dumps({"public_id": public_id,
                                       "verify": {"verifiableCredential": json.loads(signed)}}))
        results = {}
        for target in ("floor", "page", "verify"):
            results[target] = _locust(host, target, payload, args.seconds, args.users, work)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.database == "postgres":
            _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)
    names = {"floor": "GET /healthz (floor)", "page": "GET /credentials/<id>/ (public page)",
             "verify": "POST /credentials/verify"}
    print(f"web benchmark: {args.database}, {args.users} users, {args.seconds} s each, "
          f"{args.workers} gunicorn workers, Locust on loopback")
    print(f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failures':>9}")
    for target, r in results.items():
        print(f"{names[target]:40} {r['rps']:8.1f} {r['p50_ms']:8.0f} {r['p99_ms']:8.0f} "
              f"{r['failures']:9d}")
    ratio = results["page"]["rps"] / results["floor"]["rps"] if results["floor"]["rps"] else 0
    print(f"public page / floor throughput: {ratio:.2f} (target at least 0.50)")
    report = {"database": args.database, "users": args.users, "seconds": args.seconds,
              "workers": args.workers, "results": results, "page_to_floor": round(ratio, 3),
              "cpus": os.cpu_count()}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    failed = any(r["failures"] for r in results.values())
    return 1 if failed or ratio < 0.5 else 0


if __name__ == "__main__":
    sys.exit(main())
