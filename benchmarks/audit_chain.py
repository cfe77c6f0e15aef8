"""Audited writes per second (issue 22): how many transactions that each write an audit event
commit per second when N writer processes run at once, on PostgreSQL and on SQLite.

Every audited write inserts its entry pending, with no shared lock
(``microcred.audit.services.audit_record``); a hasher (``audit_chain_extend``) chains committed
entries afterwards under the chain-head lock, which writers never take. (Before issue 22's
redesign every writer locked the ``AuditChainHead`` row with ``SELECT ... FOR UPDATE`` until it
committed; run this script from that commit to measure it.) On SQLite every write transaction
still queues on the database's write lock, taken at ``BEGIN IMMEDIATE``. This measures the
ceiling audited writes have, with the hasher running beside the writers.

The write is a real service: ``accounts.services.user_set_language`` (update the person's own
row, record ``user.language_set``, one transaction), each writer process on its own user,
alternating two languages, so the only table the writers share is the audit log. Beside it,
the same update without the audit entry (mode ``unaudited``) is the database's own rate for
that write and commit: the difference is what the audit entry costs.

For each database: a throwaway database (PostgreSQL: ``--database-name``, default
``microcred_bench_audit``, on the server of ``MICROCRED_BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432/``, created and dropped; SQLite: a file in a temporary
directory, in the settings' WAL mode), the ``accounts`` and ``audit`` migrations (the tables
written, their indexes and the audit triggers; the other apps' tables are not touched by this
write), one user per writer. Then, for each mode and
each number of writers, that many processes start, wait on a common start time, write for a
fixed time and report every transaction's latency, split into the parts below; three rounds by
default, interleaved, of which the fastest is kept (the machine may be shared):

- *lock wait*: the statement that takes a serializing lock, if any (SQLite: the ``BEGIN
  IMMEDIATE``; PostgreSQL before the redesign: the chain-head ``FOR UPDATE``);
- *lock held*: from holding it to the end of ``COMMIT`` (what every other writer waits for);
- *commit*: the ``COMMIT`` itself (the WAL flush).

In mode ``audited`` one hasher process runs ``audit_chain_extend()`` every
``--hasher-interval`` seconds (default 1) while the writers write, and once more after they
stop; its passes, the entries it chained, the most it left waiting and its CPU are reported
(``--hasher-interval 0``: no hasher beside the writers, everything is chained at the check).

Afterwards ``audit_chain_verify()`` (what ``microcred audit verify`` runs) must pass with
nothing pending, every writer's committed writes must be in the log (one
``user.language_set`` entry each, per user) and every user's row must hold the last language
its writer committed.

Writes benchmarks/audit_chain.json and prints a table.

    python benchmarks/audit_chain.py [--seconds 5] [--rounds 3] [--writers 1,2,4,8,16]
        [--sqlite-writers 1,4,16] [--databases postgresql,sqlite] [--modes audited,unaudited]
        [--hasher-interval 1] [--database-name microcred_bench_audit] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve()
DB_NAME = "microcred_bench_audit"
MODES = ("audited", "unaudited")
LANGUAGES = ("es", "en")
ACTION = "user.language_set"
TARGET_PER_SECOND = 500  # issue 22's line


# ---------------------------------------------------------------- inside a Django process


def _serializing(vendor: str, sql: str) -> bool:
    """The statement at which a writer queues behind the others."""
    if vendor == "postgresql":
        return "audit_auditchainhead" in sql and "FOR UPDATE" in sql
    return sql.startswith("BEGIN")


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) of a process on this machine, from /proc: the PostgreSQL
    backend serving a writer (0 where it cannot be read)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _database_facts() -> dict[str, Any]:
    from django.db import connection

    facts: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("server_version", "synchronous_commit", "fsync", "wal_sync_method",
                         "commit_delay", "max_connections", "shared_buffers"):
                cursor.execute(f"SHOW {name}")
                facts[name] = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            facts["sqlite_version"] = cursor.fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout"):
                cursor.execute(f"PRAGMA {name}")
                facts[name] = cursor.fetchone()[0]
    return facts


def _role_setup(plan_path: str) -> None:
    """Migrate the tables the write touches, make one user per writer, and write one audited
    entry so the chain head exists before the writers start."""
    import django

    django.setup()
    from django.core.management import call_command

    from microcred.accounts.models import User
    from microcred.accounts.services import user_set_language

    call_command("migrate", "accounts", verbosity=0)
    call_command("migrate", "audit", verbosity=0)
    emails = json.loads(Path(plan_path).read_text())
    for email in emails:
        User.objects.create_user(email, None, display_name="Bench writer")
    setup_user = User.objects.create_user("setup@bench.example.test", None,
                                          display_name="Bench setup")
    user_set_language(actor=setup_user, language="en")
    print("RESULT:" + json.dumps(_database_facts()), flush=True)


def _role_worker(mode: str, email: str) -> None:
    """One writer: ready, wait for ``GO start deadline`` on stdin, write until the deadline."""
    import django

    django.setup()
    from django.db import DatabaseError, connection, transaction

    from microcred.accounts.models import User
    from microcred.accounts.services import user_set_language

    user = User.objects.get(email=email)
    vendor = connection.vendor
    marks: dict[str, float] = {}

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ended = time.perf_counter()
            if "lock_end" in marks:
                marks["held_sql"] = marks.get("held_sql", 0.0) + ended - started
            elif _serializing(vendor, sql):
                marks["lock_start"], marks["lock_end"] = started, ended
            marks["last_end"] = ended

    backend = None
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    print("READY", flush=True)
    _go, start, deadline = sys.stdin.readline().split()
    time.sleep(max(0.0, float(start) - time.time()))
    cpu_before, backend_before = time.process_time(), _cpu_seconds(backend)
    latencies: list[float] = []
    waits: list[float] = []
    held: list[float] = []
    commits: list[float] = []
    held_sql: list[float] = []
    errors: list[str] = []
    writes, last_language = 0, None
    with connection.execute_wrapper(timed):
        while time.time() < float(deadline):
            language = LANGUAGES[(writes + len(errors)) % 2]
            marks.clear()
            began = time.perf_counter()
            try:
                if mode == "audited":
                    user_set_language(actor=user, language=language)
                else:
                    with transaction.atomic():
                        user.language = language
                        user.save(update_fields=["language"])
            except DatabaseError as exc:
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            done = time.perf_counter()
            writes, last_language = writes + 1, language
            latencies.append(done - began)
            commits.append(done - marks.get("last_end", done))
            if "lock_end" in marks:
                waits.append(marks["lock_end"] - marks["lock_start"])
                held.append(done - marks["lock_end"])
                held_sql.append(marks.get("held_sql", 0.0))
    ended_at = time.time()
    cpu = time.process_time() - cpu_before
    backend_cpu = _cpu_seconds(backend) - backend_before if backend else 0.0

    def ms(values: list[float]) -> list[float]:
        return [round(v * 1000, 3) for v in values]

    print("RESULT:" + json.dumps({
        "email": email, "writes": writes, "last_language": last_language,
        "ended_at": ended_at, "latency_ms": ms(latencies), "lock_wait_ms": ms(waits),
        "lock_held_ms": ms(held), "held_statements_ms": ms(held_sql),
        "commit_ms": ms(commits), "errors": errors[:5], "error_count": len(errors),
        "cpu_seconds": round(cpu, 4), "backend_cpu_seconds": round(backend_cpu, 4),
    }), flush=True)


def _role_hasher(interval: float) -> None:
    """The background hasher: ready, wait for ``GO start deadline``, then chain every
    ``interval`` seconds until ``STOP`` arrives on stdin; one last pass, and its figures."""
    import django

    django.setup()
    from django.db import connection

    from microcred.audit.services import audit_chain_extend

    with connection.cursor() as cursor:
        backend = None
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    print("READY", flush=True)
    _go, start, _deadline = sys.stdin.readline().split()
    time.sleep(max(0.0, float(start) - time.time()))
    cpu_before, backend_before = time.process_time(), _cpu_seconds(backend)
    passes: list[tuple[float, int, int]] = []  # (seconds, chained, left waiting)
    stop = False
    while True:
        began = time.perf_counter()
        done = audit_chain_extend()
        passes.append((time.perf_counter() - began, done.chained, done.waiting))
        if stop:
            break
        ready, _w, _x = select.select([sys.stdin], [], [],
                                      max(0.0, interval - (time.perf_counter() - began)))
        if ready:
            line = sys.stdin.readline()
            stop = line.strip() == "STOP" or not line  # or the orchestrator is gone
    cpu = time.process_time() - cpu_before
    backend_cpu = _cpu_seconds(backend) - backend_before if backend else 0.0
    chained = sum(p[1] for p in passes)
    print("RESULT:" + json.dumps({
        "passes": len(passes),
        "chained": chained,
        "final_pass_chained": passes[-1][1],
        "pass_mean_ms": round(1000 * sum(p[0] for p in passes) / len(passes), 2),
        "pass_max_ms": round(1000 * max(p[0] for p in passes), 2),
        "waiting_max": max(p[2] for p in passes[:-1]) if len(passes) > 1 else 0,
        "waiting_after": passes[-1][2],
        "cpu_ms_per_entry": round(1000 * cpu / chained, 3) if chained else 0.0,
        "cpu_ms_per_entry_server": round(1000 * backend_cpu / chained, 3) if chained else 0.0,
    }), flush=True)


def _role_check(expected_path: str) -> None:
    """The chain verifies, and every committed write is there."""
    import django

    django.setup()
    from django.db.models import Count

    from microcred.accounts.models import User
    from microcred.audit.chain import ChainBroken
    from microcred.audit.models import AuditEvent
    from microcred.audit.services import audit_chain_verify

    expected: dict[str, dict[str, Any]] = json.loads(Path(expected_path).read_text())
    started = time.perf_counter()
    try:
        report = audit_chain_verify()
        chain: dict[str, Any] = {"intact": True, "entries": report.entries,
                                 "pending": report.pending,
                                 "head_sequence": report.head_sequence}
    except ChainBroken as exc:
        chain = {"intact": False, "error": str(exc), "sequence": exc.sequence}
    chain["verify_seconds"] = round(time.perf_counter() - started, 2)
    users = {u.email: u for u in User.objects.filter(email__in=list(expected))}
    logged = dict(AuditEvent.objects.filter(action=ACTION).values_list("actor_id")
                  .annotate(n=Count("id")).values_list("actor_id", "n"))
    missing_entries: list[str] = []
    extra_entries: list[str] = []
    wrong_rows: list[str] = []
    for email, want in expected.items():
        user = users[email]
        have = logged.get(user.pk, 0)
        if want["mode"] == "audited" and have < want["writes"]:
            missing_entries.append(email)
        if have > (want["writes"] if want["mode"] == "audited" else 0):
            extra_entries.append(email)
        if want["last_language"] is not None and user.language != want["last_language"]:
            wrong_rows.append(email)
    audited = sum(w["writes"] for w in expected.values() if w["mode"] == "audited")
    print("RESULT:" + json.dumps({
        "chain": chain,
        "audited_writes_committed": audited,
        "entries_expected": audited + 1,  # + setup's one entry
        "writers_with_missing_entries": missing_entries,
        "writers_with_extra_entries": extra_entries,
        "users_without_their_last_write": wrong_rows,
    }), flush=True)


# ---------------------------------------------------------------- the orchestrating process


def _child(role: str, *args: str) -> list[str]:
    return [sys.executable, str(SCRIPT), "--role", role, *args]


def _result(stdout: str) -> dict[str, Any]:
    line = next(x for x in stdout.splitlines() if x.startswith("RESULT:"))
    return json.loads(line[len("RESULT:"):])


def _run_role(role: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = subprocess.run(_child(role, *args), env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{role} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return _result(proc.stdout)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def _level(env: dict[str, str], mode: str, emails: list[str], seconds: float,
           scratch: Path, hasher_interval: float) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """N writers at once (and, audited, the hasher beside them); their merged figures, and
    each writer's own report."""
    procs = []
    hasher = None
    if mode == "audited" and hasher_interval > 0:
        log = (scratch / f"hasher-{len(emails)}.log").open("w")
        hasher = (subprocess.Popen(  # noqa: S603
            _child("hasher", "--hasher-interval", str(hasher_interval)), env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True), log)
    for i, email in enumerate(emails):
        log = (scratch / f"{mode}-{len(emails)}-{i}.log").open("w")
        procs.append((subprocess.Popen(  # noqa: S603
            _child("worker", "--mode", mode, "--email", email), env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True), log))
    everyone = procs + ([hasher] if hasher else [])
    hashing: dict[str, Any] | None = None
    try:
        for proc, log in everyone:
            if proc.stdout is None or proc.stdout.readline().strip() != "READY":
                proc.wait()
                log.close()
                raise SystemExit(f"a writer did not start:\n{Path(log.name).read_text()[-3000:]}")
        start = time.time() + 0.3
        for proc, _log in everyone:
            assert proc.stdin is not None
            proc.stdin.write(f"GO {start} {start + seconds}\n")
            proc.stdin.flush()
        time.sleep(max(0.0, start - time.time()))
        busy_before = _machine_busy()
        reports = []
        for proc, log in procs:
            stdout, _ = proc.communicate(timeout=seconds + 120)
            log.close()
            if proc.returncode:
                raise SystemExit(f"a writer failed:\n{Path(log.name).read_text()[-3000:]}")
            reports.append(_result(stdout))
        if hasher:
            proc, log = hasher
            stdout, _ = proc.communicate("STOP\n", timeout=120)
            log.close()
            if proc.returncode:
                raise SystemExit(f"the hasher failed:\n{Path(log.name).read_text()[-3000:]}")
            hashing = _result(stdout)
        busy_after = _machine_busy()
    finally:
        for proc, log in everyone:
            if proc.poll() is None:
                proc.kill()
            log.close()
    window = max(r["ended_at"] for r in reports) - start
    latency = [v for r in reports for v in r["latency_ms"]]
    waits = [v for r in reports for v in r["lock_wait_ms"]]
    held = [v for r in reports for v in r["lock_held_ms"]]
    commits = [v for r in reports for v in r["commit_ms"]]
    held_sql = [v for r in reports for v in r["held_statements_ms"]]
    writes = sum(r["writes"] for r in reports)
    total_ms = sum(latency)
    figures = {
        "mode": mode,
        "writers": len(emails),
        "writes": writes,
        "seconds": round(window, 2),
        "writes_per_second": round(writes / window, 1) if window > 0 else 0.0,
        "p50_ms": _percentile(latency, 0.50),
        "p95_ms": _percentile(latency, 0.95),
        "p99_ms": _percentile(latency, 0.99),
        "mean_ms": _mean(latency),
        "lock_wait_mean_ms": _mean(waits),
        "lock_wait_p95_ms": _percentile(waits, 0.95),
        "lock_held_mean_ms": _mean(held),
        # What the time held is made of: the statements after the lock (INSERT the entry,
        # UPDATE the head), the COMMIT, and the rest (Python: timestamp, JCS, SHA-256, ORM).
        "held_statements_mean_ms": _mean(held_sql),
        "commit_mean_ms": _mean(commits),
        # Work outside the lock: everything before the lock statement.
        "before_lock_mean_ms": round(_mean(latency) - _mean(waits) - _mean(held), 3)
        if held else _mean(latency),
        # Of all the time writers spent in transactions, the share spent queuing for the lock.
        "lock_wait_share": round(sum(waits) / total_ms, 3) if total_ms else 0.0,
        # The rate the lock allows if writers queue back to back: 1 / time held.
        "serial_ceiling_per_second": round(1000 / _mean(held)) if held and _mean(held) else None,
        # CPU per committed write: the writer processes (Django, the service, hashing) and
        # their PostgreSQL backends (0 on SQLite, which runs inside the writer); and how busy
        # the whole machine was (1.0: every core busy).
        "cpu_ms_per_write_client": round(1000 * sum(r["cpu_seconds"] for r in reports)
                                         / writes, 3) if writes else 0.0,
        "cpu_ms_per_write_server": round(1000 * sum(r["backend_cpu_seconds"] for r in reports)
                                         / writes, 3) if writes else 0.0,
        "machine_cpu_busy": round((busy_after[0] - busy_before[0])
                                  / max(1, busy_after[1] - busy_before[1]), 2),
        "errors": sum(r["error_count"] for r in reports),
        "error_samples": [e for r in reports for e in r["errors"]][:3],
        "hasher": hashing,
    }
    return figures, reports


def _emails(mode: str, writers: int) -> list[str]:
    return [f"{mode}-{writers}-{i}@bench.example.test" for i in range(writers)]


def _run_database(name: str, env: dict[str, str], levels: list[int], modes: list[str],
                  seconds: float, rounds: int, scratch: Path,
                  hasher_interval: float) -> dict[str, Any]:
    plan = scratch / f"{name}-users.json"
    plan.write_text(json.dumps([e for m in modes for n in levels for e in _emails(m, n)]))
    Path(env["MICROCRED_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    setup_started = time.monotonic()
    facts = _run_role("setup", env, "--plan", str(plan))
    best: dict[tuple[str, int], dict[str, Any]] = {}
    expected: dict[str, dict[str, Any]] = {}
    print(f"== {name}: setup {time.monotonic() - setup_started:.1f} s", flush=True)
    # Rounds interleaved, the best kept: on a shared machine a round can lose to someone
    # else's burst, never gain from it (each round's rate and how busy the machine was stay
    # in the results).
    for round_number in range(1, rounds + 1):
        for mode in modes:
            for writers in levels:
                figures, reports = _level(env, mode, _emails(mode, writers), seconds, scratch,
                                          hasher_interval)
                print(_row(figures) + f"  round {round_number}", flush=True)
                key = (mode, writers)
                seen = best.get(key, {}).get("rounds", [])
                this = {"writes_per_second": figures["writes_per_second"],
                        "machine_cpu_busy": figures["machine_cpu_busy"]}
                if key not in best or figures["writes_per_second"] > best[key][
                        "writes_per_second"]:
                    best[key] = figures
                best[key]["rounds"] = [*seen, this]
                for report in reports:
                    want = expected.setdefault(report["email"], {
                        "mode": mode, "writes": 0, "last_language": None})
                    want["writes"] += report["writes"]
                    if report["writes"]:
                        want["last_language"] = report["last_language"]
    runs = [best[(mode, writers)] for mode in modes for writers in levels]
    expected_path = scratch / f"{name}-expected.json"
    expected_path.write_text(json.dumps(expected))
    check = _run_role("check", env, "--expected", str(expected_path))
    audited = [r for r in runs if r["mode"] == "audited"]
    ceiling = max((r["writes_per_second"] for r in audited), default=0.0)
    return {
        "database": facts,
        "runs": runs,
        "check": check,
        "ok": (check["chain"]["intact"] and check["chain"]["entries"] == check["entries_expected"]
               and check["chain"]["pending"] == 0
               and not check["writers_with_missing_entries"]
               and not check["writers_with_extra_entries"]
               and not check["users_without_their_last_write"]
               and not any(r["errors"] for r in runs)),
        "audited_ceiling_per_second": ceiling,
        "below_target": ceiling < TARGET_PER_SECOND,
    }


HEADER = (f"  {'mode':9} {'writers':>7} {'writes':>7} {'writes/s':>9} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'wait ms':>8} {'held ms':>8} {'commit':>7} {'wait %':>6}")


def _row(r: dict[str, Any]) -> str:
    hasher = r.get("hasher")
    return (f"  {r['mode']:9} {r['writers']:7d} {r['writes']:7d} {r['writes_per_second']:9.1f} "
            f"{r['p50_ms']:7.2f} {r['p95_ms']:7.2f} {r['lock_wait_mean_ms']:8.3f} "
            f"{r['lock_held_mean_ms']:8.3f} {r['commit_mean_ms']:7.3f} "
            f"{100 * r['lock_wait_share']:6.1f}"
            + (f"  hasher: {hasher['passes']} passes, at most {hasher['waiting_max']} waiting, "
               f"{hasher['pass_max_ms']:.0f} ms longest pass" if hasher else ""))


def _env(extra: dict[str, str], *, drop: tuple[str, ...] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_SECRET_KEY": os.environ.get("MICROCRED_SECRET_KEY", "bench-audit-" + "x" * 40),
        **extra,
    })
    env.pop("REDIS_URL", None)
    return env


def _psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("give writer counts like 1,2,4")
    return levels


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5,
                        help="per round, mode and writer count")
    parser.add_argument("--rounds", type=int, default=3, help="the best round is kept")
    parser.add_argument("--writers", type=_levels, default=[1, 2, 4, 8, 16],
                        help="PostgreSQL writer processes, e.g. 1,2,4,8,16")
    parser.add_argument("--sqlite-writers", type=_levels, default=[1, 4, 16])
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--server", default=os.environ.get(
        "MICROCRED_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/"))
    parser.add_argument("--hasher-interval", type=float, default=1.0,
                        help="seconds between the hasher's passes while writers write "
                             "(0: no hasher beside them)")
    parser.add_argument("--database-name", default=DB_NAME,
                        help="the throwaway PostgreSQL database (created, then dropped)")
    parser.add_argument("--keep", action="store_true", help="leave the PostgreSQL database")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "audit_chain.json")
    # The child processes' parts (not for people).
    parser.add_argument("--role", choices=("setup", "worker", "hasher", "check"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--expected", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--email", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "setup":
        _role_setup(args.plan)
        return {}
    if args.role == "worker":
        _role_worker(args.mode, args.email)
        return {}
    if args.role == "hasher":
        _role_hasher(args.hasher_interval)
        return {}
    if args.role == "check":
        _role_check(args.expected)
        return {}

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if set(databases) - {"postgresql", "sqlite"} or set(modes) - set(MODES) or not modes:
        parser.error("--databases takes postgresql,sqlite and --modes audited,unaudited")
    if args.rounds < 1 or args.seconds <= 0:
        parser.error("--rounds and --seconds must be positive")
    if args.hasher_interval < 0:
        parser.error("--hasher-interval must be 0 or more")
    if not args.database_name.replace("_", "").isalnum():
        parser.error("--database-name takes letters, digits and _")
    db_name = args.database_name
    server = args.server if args.server.endswith("/") else args.server + "/"
    shown = list(argv if argv is not None else sys.argv[1:])
    result: dict[str, Any] = {
        "command": shlex.join(["python", "benchmarks/audit_chain.py", *shown]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "write": "accounts.services.user_set_language (UPDATE own user row + audit_record)",
        "target_per_second": TARGET_PER_SECOND,
        "hasher_interval_seconds": args.hasher_interval,
        "databases": {},
    }
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="microcred-bench-audit-") as scratch_dir:
        scratch = Path(scratch_dir)
        if "postgresql" in databases:
            _psql(server, f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            _psql(server, f"CREATE DATABASE {db_name}")
            env = _env({"DATABASE_URL": server + db_name,
                        "MICROCRED_DATA_DIR": str(scratch / "pg-data")})
            try:
                result["databases"]["postgresql"] = _run_database(
                    "postgresql", env, args.writers, modes, args.seconds, args.rounds, scratch,
                    args.hasher_interval)
            finally:
                if not args.keep:
                    _psql(server, f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        if "sqlite" in databases:
            env = _env({"MICROCRED_DATA_DIR": str(scratch / "sqlite-data")},
                       drop=("DATABASE_URL",))
            result["databases"]["sqlite"] = _run_database(
                "sqlite", env, args.sqlite_writers, modes, args.seconds, args.rounds, scratch,
                args.hasher_interval)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name, outcome in result["databases"].items():
        check = outcome["check"]
        print(f"{name}: audited ceiling {outcome['audited_ceiling_per_second']:.0f}/s "
              f"({'below' if outcome['below_target'] else 'at or above'} "
              f"{TARGET_PER_SECOND}/s); chain {'intact' if check['chain']['intact'] else 'BROKEN'}"
              f" ({check['chain'].get('entries')} entries, {check['entries_expected']} expected);"
              f" lost: {len(check['writers_with_missing_entries'])} writers' entries, "
              f"{len(check['users_without_their_last_write'])} rows", flush=True)
    if not all(o["ok"] for o in result["databases"].values()):
        raise SystemExit("the chain does not verify, a write was lost, or a write failed")
    return result


if __name__ == "__main__":
    main()
