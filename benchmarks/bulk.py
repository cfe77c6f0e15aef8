"""Bulk issuance benchmark (issue 7): one `microcred credentials issue-bulk` command issuing
100,000 credentials against PostgreSQL, timed and measured.

Creates a throwaway database (``microcred_bench_bulk`` on the server of
``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``), migrates it, makes an
organization, its administrator and a published micro-credential through the site's own
services, writes a CSV of N new learners, then runs the command as a child process and records:

- wall time of the command (validation, account creation, signing, storage, email tasks);
- peak RSS of the command process and of its signing workers (VmHWM sampled from /proc; the
  kernel's own figure for the whole process tree from ``getrusage(RUSAGE_CHILDREN)`` too);
- counts: credentials, status entries per purpose, notifications and email task rows;
- a sample of the credentials checked with the platform's verifier
  (``verification.services.credential_verify``: proof, status, ...).

Writes benchmarks/bulk.json. ``--keep`` leaves the database for inspection.

    python benchmarks/bulk.py [--rows 100000] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "microcred_bench_bulk"


def _psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        conn.execute(sql)


def _env(server: str, data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": server + DB_NAME,
        "MICROCRED_DATA_DIR": data_dir,
        "MICROCRED_SECRET_KEY": env.get("MICROCRED_SECRET_KEY", "bench-bulk-" + "x" * 40),
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    })
    return env


def _microcred() -> list[str]:
    return [sys.executable, "-c", "import sys; from microcred.cli import main; sys.exit(main())"]


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["email", "name", "awarded_date", "evidence_url", "note"])
        for i in range(rows):
            writer.writerow([
                f"bulk.learner{i}@bench.example.test", f"Learner {i}",
                "2026-06-30" if i % 2 else "",
                f"https://portfolio.bench.example.test/{i}" if i % 3 == 0 else "",
                "Completed the summer institute." if i % 5 == 0 else "",
            ])


SETUP = """
import django, json
django.setup()
from microcred.accounts.models import User
from microcred.catalog.services import CriterionSpec, PromptSpec, micro_credential_create, \\
    micro_credential_publish
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant, organization_create
admin = User.objects.create_user("admin@bench.example.test", None, display_name="Admin")
org = organization_create(actor=SYSTEM, name="Bench College", slug="bench-college",
                          url="https://bench.example.test")
membership_grant(actor=SYSTEM, organization=org, user=admin, role=Role.ADMIN)
membership_grant(actor=SYSTEM, organization=org, user=admin, role=Role.AUTHOR)
mc = micro_credential_create(
    actor=admin, organization=org, title="Checking for Understanding",
    competency="Uses checks for understanding to adjust instruction.",
    key_method="Three planned checks at decision points.",
    prompts=[PromptSpec("text", "Describe the lesson and your checks for understanding.")],
    criteria=[CriterionSpec("Planned checks", "Three checks at decision points.", "Fewer."),
              CriterionSpec("Adjustment", "A specific adjustment is explained.", "None.")])
mc = micro_credential_publish(actor=admin, micro_credential_id=mc.pk)
print("SETUP:" + json.dumps({"slug": mc.slug, "admin": admin.email}))
"""

VERIFY = """
import django, json, random, sys
django.setup()
from django.db import connection
from microcred.issuance.models import Credential, StatusEntry
from microcred.notifications.models import Notification
from microcred.verification.services import credential_verify
sample = int(sys.argv[1])
counts = {
    "credentials": Credential.objects.filter(bulk_job__isnull=False).count(),
    "distinct_rows": Credential.objects.filter(bulk_job__isnull=False)
        .values("bulk_row").distinct().count(),
    "revocation_entries": StatusEntry.objects.filter(purpose="revocation").count(),
    "suspension_entries": StatusEntry.objects.filter(purpose="suspension").count(),
    "status_lists": sorted(StatusEntry.objects.values_list("status_list_id", flat=True)
        .distinct()),
    "notifications": Notification.objects.filter(kind="credential.issued").count(),
}
with connection.cursor() as c:
    c.execute("SELECT count(*), coalesce(sum(jsonb_array_length(args_kwargs->'args'->0)), 0) "
              "FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
              ["%bulk_issuance_emails"])
    counts["email_tasks"], counts["emails_enqueued"] = c.fetchone()
ids = list(Credential.objects.filter(bulk_job__isnull=False).values_list("pk", flat=True))
random.seed(7)
failures = []
for pk in random.sample(ids, min(sample, len(ids))):
    report = credential_verify(data=Credential.objects.get(pk=pk).signed_json)
    if report.verdict != "passed":
        failures.append({"pk": pk, "checks": {c.name: c.outcome for c in report.checks}})
counts["verified_sample"] = min(sample, len(ids))
counts["verify_failures"] = failures[:5]
counts["status_lists"] = len(counts["status_lists"])
print("VERIFY:" + json.dumps(counts))
"""


def _run_python(code: str, env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,  # noqa: S603
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    return out.stdout


def _tagged(output: str, tag: str) -> dict:
    line = next(x for x in output.splitlines() if x.startswith(tag))
    return json.loads(line[len(tag):])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="credentials to verify")
    parser.add_argument("--server", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "bulk.json"))
    args = parser.parse_args()
    server = args.server if args.server.endswith("/") else args.server + "/"

    _psql(server, f"DROP DATABASE IF EXISTS {DB_NAME}")
    _psql(server, f"CREATE DATABASE {DB_NAME}")
    with tempfile.TemporaryDirectory(prefix="microcred-bench-bulk-") as data_dir:
        env = _env(server, data_dir)
        try:
            subprocess.run([*_microcred(), "migrate", "-v0"], env=env, cwd=ROOT,  # noqa: S603
                           check=True)
            setup = _tagged(_run_python(SETUP, env), "SETUP:")
            csv_path = Path(data_dir) / "learners.csv"
            _write_csv(csv_path, args.rows)
            command = [*_microcred(), "credentials", "issue-bulk", "--csv", str(csv_path),
                       "--micro-credential", setup["slug"], "--as", setup["admin"]]
            print(f"running: microcred credentials issue-bulk ({args.rows:,} rows)", flush=True)
            started = time.monotonic()
            child = subprocess.Popen(command, env=env, cwd=ROOT,  # noqa: S603
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            peak_main = peak_workers = 0
            while child.poll() is None:
                peak_main = max(peak_main, _hwm_kb(child.pid))
                for worker in _children(child.pid):
                    peak_workers = max(peak_workers, _hwm_kb(worker))
                time.sleep(0.1)
            wall = time.monotonic() - started
            stdout, stderr = child.communicate()
            if child.returncode != 0:
                sys.exit(f"issue-bulk failed ({child.returncode}):\n{stderr}")
            tree_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            verify = _tagged(_run_python(VERIFY, env, str(args.sample)), "VERIFY:")
        finally:
            if not args.keep:
                _psql(server, f"DROP DATABASE IF EXISTS {DB_NAME}")
    progress_lines = [x for x in stderr.splitlines() if x.startswith("[")]
    result = {
        "rows": args.rows,
        "wall_seconds": round(wall, 1),
        "credentials_per_second": round(args.rows / wall),
        "peak_rss_mb_command": round(peak_main / 1024, 1),
        "peak_rss_mb_signing_worker": round(peak_workers / 1024, 1),
        "peak_rss_mb_largest_process_getrusage": round(tree_peak / 1024, 1),
        "cpu_count": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "command_output": stdout.strip().splitlines()[-1:],
        "progress_last": progress_lines[-1:] if progress_lines else [],
        **verify,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ok = (verify["credentials"] == args.rows == verify["distinct_rows"]
          == verify["revocation_entries"] == verify["suspension_entries"]
          == verify["notifications"] == verify["emails_enqueued"]
          and not verify["verify_failures"])
    if not ok:
        sys.exit("counts or verification do not match")


if __name__ == "__main__":
    main()
