"""The load test (issue 8): learners autosaving and submitting, assessors scoring and public
visitors verifying, all at once, on PostgreSQL; then a check that nothing acknowledged was lost.

A throwaway deployment: database ``microcred_bench_load`` (created, then dropped), migrate, the
demo (for a signed credential to verify), ``load_seed.py`` (learners with attempts in progress,
assessors with submissions waiting), ``microcred serve`` with its task worker and ``--workers``
gunicorn sync workers, Redis for the cache when ``MICROCRED_BENCH_REDIS_URL`` is set. Locust, in
a second process on loopback, runs ``locustfile_load.py`` headless.

Rate limits stay on but are raised out of reach (``MICROCRED_RATE_LIMIT_*=1000000/m``): 200
users from one loopback address would otherwise trip the per-address sign-in and verify limits
within seconds, which would measure the limiter, not the site.

After the run, in the database: every autosave acknowledged with a 200 is stored (each writes a
token unique to the learner and the request, numbered in the order the learner sent them: the
stored text must be the last one acknowledged, or a later one whose answer never arrived, which
is counted apart); every acknowledged submission is submitted; every acknowledged scoring has
exactly one primary assessment, and no attempt has two. Writes ``benchmarks/load.json``.

    python benchmarks/load.py [--users 200] [--seconds 60] [--workers 4]

Targets: no failed request, no lost write, aggregate p99 under 500 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import BIN, _credential, _free_port, _postgres, _run, _wait  # noqa: E402

HERE = Path(__file__).resolve().parent
DB_NAME = "microcred_bench_load"
RATE_LIMITS = ("SIGN_IN", "SIGN_UP", "PASSWORD_RESET", "VERIFY", "API")

CHECK = """
import json, re, sys
from microcred.assessment.models import Assessment
from microcred.earning.models import Answer, Attempt
from django.db.models import Count
ledger = json.load(open(sys.argv[-1]))
lost = []
superseded = 0
def seq(text):
    found = re.search(r" draft (\\d+) ", text or "")
    return int(found.group(1)) if found else -1
for public_id, text in ledger["autosaves"].items():
    stored = Answer.objects.filter(attempt__public_id=public_id, prompt__required=True,
                                   prompt__kind="text").values_list("text", flat=True).first()
    if stored == text:
        continue
    if seq(stored) > seq(text):
        superseded += 1  # a later save committed, its answer lost to a timeout or a kill
    else:
        lost.append(public_id)
not_submitted = [p for p in ledger["submitted"] if Attempt.objects.get(public_id=p).status
                 in ("draft", "returned")]
scored_wrong = [p for p in ledger["scored"] if Assessment.objects.filter(
    attempt__public_id=p, kind="primary").count() != 1]
doubles = Assessment.objects.values("attempt", "kind").annotate(n=Count("id")).filter(
    n__gt=1, kind="primary").count()
print("CHECK:" + json.dumps({
    "autosaves_acknowledged": len(ledger["autosaves"]), "autosaves_lost": len(lost),
    "autosaves_superseded_by_a_later_unacknowledged_save": superseded,
    "submissions_acknowledged": len(ledger["submitted"]), "submissions_lost": len(not_submitted),
    "scorings_acknowledged": len(ledger["scored"]), "scorings_not_exactly_once": len(scored_wrong),
    "attempts_with_two_primary_assessments": doubles}))
"""


def _stats(prefix: Path) -> dict[str, dict[str, Any]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {(row["Name"] if row["Name"] == "Aggregated" else row["Name"]): {
        "method": row["Type"], "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]), "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
        "max_ms": float(row["Max Response Time"]),
    } for row in rows}


def _percentiles(timings: list[list[Any]], seconds: float) -> dict[str, dict[str, Any]]:
    """Exact percentiles per request name, overall, and overall without sign-in (whose cost
    is Argon2id by design, paid once per session)."""
    groups: dict[str, list[list[Any]]] = {}
    for row in timings:
        groups.setdefault(row[0], []).append(row)
    groups["all requests"] = timings
    groups["all but sign-in"] = [r for r in timings if not r[0].startswith("sign-in")]

    def pick(values: list[float], q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else 0.0

    out = {}
    for name, rows in groups.items():
        ms = sorted(r[1] for r in rows)
        out[name] = {"requests": len(rows), "failures": sum(1 for r in rows if r[2]),
                     "rps": round(len(rows) / seconds, 1), "p50_ms": pick(ms, 0.50),
                     "p95_ms": pick(ms, 0.95), "p99_ms": pick(ms, 0.99),
                     "max_ms": round(ms[-1], 1) if ms else 0.0}
    return out


def _table(stats: dict[str, dict[str, Any]]) -> None:
    print(f"  {'request':20} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} "
          f"{'p99':>6} {'max':>6}")
    for name, r in sorted(stats.items(), key=lambda kv: kv[0].startswith("all ")):
        print(f"  {name:20} {r['requests']:7d} {r['failures']:5d} {r['rps']:7.1f} "
              f"{r['p50_ms']:6.0f} {r['p95_ms']:6.0f} {r['p99_ms']:6.0f} {r['max_ms']:6.0f}")


def deployment_env(work: Path, host: str, database_url: str) -> dict[str, str]:
    """The environment of a throwaway deployment: its own data directory and database, the
    public URL, no verifier network, and the rate limits raised out of reach (see above)."""
    env = {**os.environ, "MICROCRED_DATA_DIR": str(work / "data"), "MICROCRED_PUBLIC_URL": host,
           "MICROCRED_VERIFIER_NETWORK": "0", "DATABASE_URL": database_url,
           **{f"MICROCRED_RATE_LIMIT_{name}": "1000000/m" for name in RATE_LIMITS}}
    env.pop("REDIS_URL", None)
    return env


def seed(env: dict[str, str], learners: int, assessors: int, uploaders: int = 0) -> dict[str, Any]:
    """Runs load_seed.py in the deployment; returns its SEED document."""
    argv = [sys.executable, str(HERE / "load_seed.py"), str(learners), str(assessors)]
    if uploaders:
        argv.append(str(uploaders))
    seed_run = subprocess.run(  # noqa: S603 - a fixed argv
        argv, env={**env, "DJANGO_SETTINGS_MODULE": "microcred.settings"}, capture_output=True,
        text=True, timeout=900, check=False)
    if seed_run.returncode != 0:
        raise SystemExit(f"seeding failed:\n{seed_run.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(next(
        line for line in seed_run.stdout.splitlines() if line.startswith("SEED:")
    ).removeprefix("SEED:"))
    return found


def locust_timeout(users: int, spawn_rate: float, seconds: int) -> int:
    """Locust's own run limit: the ramp, the steady window and room for slow sign-ins (the
    steady window ends the run; this only stops a run that never reaches it)."""
    return seconds + int(users / spawn_rate) + 240


def locust_argv(host: str, locustfile: Path, prefix: Path, users: int, spawn_rate: float,
                seconds: int) -> list[str]:
    return [str(BIN / "locust"), "-f", str(locustfile), "--headless", "--host", host,
            "-u", str(users), "-r", str(spawn_rate),
            "-t", f"{locust_timeout(users, spawn_rate, seconds)}s", "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]


def locust_env(work: Path, learners: int, assessors: int, visitors: int,
               seconds: int) -> dict[str, str]:
    """The locustfile's inputs: the seed, where to write the ledger, how many of each user,
    how long the steady window lasts."""
    return {**os.environ, "LOAD_SEED": str(work / "seed.json"),
            "LOAD_LEDGER": str(work / "ledger.json"), "LOAD_LEARNERS": str(learners),
            "LOAD_ASSESSORS": str(assessors), "LOAD_VISITORS": str(visitors),
            "LOAD_STEADY_SECONDS": str(seconds)}


def ledger_percentiles(ledger: dict[str, Any], seconds: int) -> tuple[
        dict[str, dict[str, Any]], dict[str, dict[str, Any]], float]:
    """Percentiles over the whole run and over the steady window, and the run's length."""
    steady_from = ledger.get("steady_from") or float("inf")
    run_seconds = max(r[3] for r in ledger["timings"]) - min(r[3] for r in ledger["timings"])
    whole = _percentiles(ledger["timings"], run_seconds)
    stats = _percentiles([r for r in ledger["timings"] if r[3] >= steady_from], seconds)
    return whole, stats, run_seconds


def writes_check(env: dict[str, str], ledger_path: Path) -> dict[str, int]:
    """CHECK against the deployment's database: what the ledger says was acknowledged."""
    out = _run(env, "shell", "-c", CHECK.replace("sys.argv[-1]", repr(str(ledger_path))))
    found: dict[str, int] = json.loads(next(
        line for line in out.splitlines() if line.startswith("CHECK:")).removeprefix("CHECK:"))
    return found


def writes_lost(check: dict[str, int]) -> bool:
    return bool(check["autosaves_lost"] or check["submissions_lost"]
                or check["scorings_not_exactly_once"]
                or check["attempts_with_two_primary_assessments"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="learners+assessors+visitors")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--spawn-rate", type=float, default=5,
                        help="users started (and signed in) per second")
    parser.add_argument("--out", type=Path, default=HERE / "load.json")
    args = parser.parse_args(argv)
    learners = round(args.users * 0.75)
    assessors = round(args.users * 0.15)
    visitors = args.users - learners - assessors

    work = Path(tempfile.mkdtemp(prefix="microcred-bench-load-"))
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    pg = os.environ.get("MICROCRED_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
    env = deployment_env(work, host, pg + DB_NAME)
    if redis := os.environ.get("MICROCRED_BENCH_REDIS_URL"):
        env["REDIS_URL"] = redis
    _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _postgres(pg, f"CREATE DATABASE {DB_NAME}")
    server = None
    try:
        _run(env, "migrate")
        _run(env, "demo")
        started = time.monotonic()
        seeded = seed(env, learners, assessors)
        seeded_in = time.monotonic() - started
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "microcred"), "serve", "--port", str(port), "--workers",
             str(args.workers)], env=env, stdout=subprocess.DEVNULL,
            stderr=open(work / "server.log", "w"))  # noqa: SIM115
        _wait(f"{host}/healthz", log=work / "server.log")
        public_id, signed = _credential(env)
        seeded.update(credential_id=public_id, credential=json.loads(signed))
        (work / "seed.json").write_text(json.dumps(seeded))
        prefix = work / "load"
        load_before = os.getloadavg()[0]
        locust = subprocess.run(  # noqa: S603 - a fixed argv
            locust_argv(host, HERE / "locustfile_load.py", prefix, args.users, args.spawn_rate,
                        args.seconds),
            env=locust_env(work, learners, assessors, visitors, args.seconds),
            capture_output=True, text=True, check=False,
            timeout=locust_timeout(args.users, args.spawn_rate, args.seconds) + 120)
        load_after = os.getloadavg()[0]
        locust_stats = _stats(prefix)
        ledger = json.loads((work / "ledger.json").read_text())
        whole, stats, run_seconds = ledger_percentiles(ledger, args.seconds)
        failures_csv = Path(f"{prefix}_failures.csv")
        failure_lines = failures_csv.read_text().splitlines()[1:11] if failures_csv.exists() \
            else []
        check = writes_check(env, work / "ledger.json")
        errors_logged = sum(1 for line in (work / "server.log").read_text().splitlines()
                            if "Traceback" in line)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        keep = os.environ.get("MICROCRED_BENCH_KEEP")
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    agg = stats["all requests"]
    agg_failures = whole["all requests"]["failures"]
    print(f"load test: PostgreSQL, {args.users} users ({learners} learners, {assessors} "
          f"assessors, {visitors} visitors), {args.seconds} s, {args.workers} gunicorn sync "
          f"workers, Locust on loopback, {os.cpu_count()} CPUs; seeded in {seeded_in:.0f} s; "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"whole run ({run_seconds:.0f} s: everyone signing in at {args.spawn_rate}/s, then the "
          f"steady window), per request (ms):")
    _table(whole)
    print(f"steady window ({args.seconds} s, every user signed in), per request (ms):")
    _table(stats)
    for line in failure_lines:
        print("failure:", line[:300])
    print("writes:", json.dumps(check))
    print(f"tracebacks in the server log: {errors_logged}")
    if locust.returncode not in (0, 1):
        print(locust.stderr[-2000:])
    report = {"database": "postgresql", "users": args.users, "learners": learners,
              "assessors": assessors, "visitors": visitors, "seconds": args.seconds,
              "workers": args.workers, "cpus": os.cpu_count(), "spawn_rate": args.spawn_rate,
              "steady_window": stats, "whole_run": whole,
              "locust_aggregated": locust_stats.get("Aggregated"),
              "load_average": [load_before, load_after],
              "writes": check, "server_tracebacks": errors_logged}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    ok = agg_failures == 0 and not writes_lost(check) and agg["p99_ms"] < 500 and errors_logged == 0
    print("targets (no failures, no lost writes, steady-window aggregate p99 < 500 ms):",
          "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
