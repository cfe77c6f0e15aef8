"""The cluster test (issue 22): two web nodes and two task workers on one PostgreSQL, one Redis
and one S3 server, under the load test, with a worker and a web node killed mid-run.

A throwaway deployment, every process with its own data directory (as on separate machines)
and the one secret key passed in the environment:

- PostgreSQL: database ``microcred_cluster`` on ``MICROCRED_BENCH_POSTGRES_URL`` (default
  postgres://postgres@127.0.0.1:5432/), created, then dropped;
- Redis: ``MICROCRED_CLUSTER_REDIS_URL`` (default redis://127.0.0.1:6379/12, a database number
  of its own, emptied before and after) for the page cache and the rate-limit and lockout counts;
- S3: ``moto_server`` on a free port with one private bucket (``MICROCRED_STORAGE=s3``);
- web nodes A and B: ``microcred serve --no-task-worker`` (gunicorn, ``--web-workers`` each)
  on two ports, behind a round-robin TCP proxy in this script (what a load balancer does: each
  new connection to the next node, a refused one to the other);
- task workers 1 and 2: ``microcred worker``.

Then load.py's Locust users (learners autosaving and submitting, assessors scoring, visitors
verifying) plus learners attaching files (locustfile_cluster.py), through the proxy.

While the users start (the ramp is load too; sign-ins are Argon2 and slow under load), the
shared limits are probed on A and B directly: password reset (5 per address, the production
count, over a day so its fixed window cannot end before the check on the restarted node)
alternately on A and B must refuse the sixth request wherever it lands; ten failed sign-ins for
one account, alternately on A and B, must lock it on both; and ten failed sign-ins for another
address sent at once (how many more it takes to lock is recorded: the count is shared, but is
it exact?). The window (``--seconds``) opens when every user has signed in and the probes are
done, and the script ends the run when it closes (``LOAD_STOP_FILE``):

- at 1/3, worker 1 is killed with SIGKILL, aimed at a moment it has a task claimed (the rows of
  django_tasks_db are polled; a kill while idle proves nothing); it is not restarted;
- at 1/2, web node B is killed with SIGKILL (its whole process group: the gunicorn master and
  its workers, as when a machine dies), and restarted ``--restart-web-after`` seconds later (as a
  supervisor would); after the run the limits are probed again on the new B.

After the run the surviving worker drains the queue. django_tasks_db marks a task RUNNING
when a worker claims it and nothing ever hands it back: a task claimed by a killed worker stays
RUNNING forever. Those are counted and named; the credentials they left pending are recovered
the documented way (``microcred credentials retry-pending``, then the queue drained again).

Checks (exit 1 if any fails; ``benchmarks/cluster.json`` gets the figures either way): every
acknowledged write is stored (load.py's check); one credential per passed attempt, all issued,
no credential id, status list index or ``credential.issued`` audit entry twice, each signed
status index the one allocated; every acknowledged file upload is the file stored, and every
file the database names is in the bucket; ``microcred audit verify`` passes; the limits were
shared as above, and still are on the restarted node; no request failed except in the seconds
after the web node was killed (time-outs of an overloaded machine are counted apart); the
restarted node served requests in the window.

    python benchmarks/cluster.py [--users 200] [--seconds 60] [--web-workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    _stats,
    _table,
    deployment_env,
    ledger_percentiles,
    locust_argv,
    locust_env,
    locust_timeout,
    seed,
    writes_check,
    writes_lost,
)

from web import BIN, _credential, _free_port, _postgres, _run, _wait  # noqa: E402

HERE = Path(__file__).resolve().parent
DB_NAME = "microcred_cluster"
BUCKET = "microcred-cluster"
S3_KEY, S3_SECRET, S3_REGION = "microcred-cluster", "microcred-cluster-secret", "us-east-1"
LOCKED = "Too many failed sign-in attempts"
RESET_RATE = "5/d"
# A request in flight on the killed node fails; so may one the proxy had just handed to it.
KILL_WINDOW_SECONDS = 10.0

# -- the round-robin proxy ---------------------------------------------------------------------


class RoundRobinProxy:
    """A TCP proxy on loopback: each new connection goes to the next backend in turn, and to
    the one after when a backend refuses (a killed node). gunicorn's sync workers close the
    connection after each response, so this spreads requests, not just connections."""

    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.port = _free_port()
        self.connections: Counter[int] = Counter()
        self.refused: Counter[int] = Counter()
        self._turn = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="proxy")

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise SystemExit("the proxy did not start")

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port, backlog=1024))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            index = self._turn % len(self.backends)
            self._turn += 1
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.backends[index])
            except OSError:
                self.refused[index] += 1
                continue
            self.connections[index] += 1
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
            return
        writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


# -- processes ---------------------------------------------------------------------------------


@dataclass
class Node:
    """One process of the deployment, with its own data directory and log."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    killed_at: float | None = None
    history: list[str] = field(default_factory=list)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            # Its own session: killing the group kills gunicorn's workers with their master.
            self.process = subprocess.Popen(  # noqa: S603 - a fixed argv
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.history.append(f"started pid {self.process.pid}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.killed_at = time.time()
        self.process.wait(timeout=10)
        self.history.append(f"SIGKILL pid {self.process.pid} (process group)")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def requests_served(self, since_last_start: bool = False) -> int:
        """Requests in gunicorn's access log (one line each: '"GET /path HTTP/1.1" 200'), in
        all or since the process last started listening; the harness's /healthz not counted."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        if since_last_start:
            text = text.rsplit("Listening at:", 1)[-1]
        return len(re.findall(r'"(?:GET|POST|HEAD) /(?!healthz)[^"]*" \d{3} ', text))

    def tracebacks(self) -> int:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count("Traceback")


def _worker_id(node: Node, seconds: float = 60) -> str:
    """django_tasks_db's worker id, from the worker's first log line."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        match = re.search(r"worker_id=(\S+)", node.log.read_text(errors="replace"))
        if match:
            return match.group(1)
        time.sleep(0.2)
    raise SystemExit(f"{node.name} did not log its worker id:\n{node.log.read_text()[-2000:]}")


# -- a small HTTP client for the probes --------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Cookies and CSRF tokens across both nodes (one host name, two ports: one cookie jar),
    no redirects followed, every status returned rather than raised."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError) as error:
            return 0, str(error)

    def post_form(self, base: str, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """GET the form (for its CSRF token), then POST it."""
        _status, page = self.request(base + path)
        match = _CSRF.search(page)
        return self.request(base + path, {**fields, "csrfmiddlewaretoken":
                                          match.group(1) if match else ""})


def _sign_in_outcome(status: int, body: str) -> str:
    if status == 302:
        return "signed in"
    if LOCKED in body:
        return "locked"
    return f"refused ({status})" if status == 200 else f"HTTP {status}"


# -- the probes: rate limits and lockouts across nodes -----------------------------------------


def probe_rate_limit(nodes: dict[str, str], limit: int, extra: int = 2) -> dict[str, Any]:
    """Password reset ``limit + extra`` times, alternating the nodes: with one count shared
    by every node the first ``limit`` are accepted (302) and the rest refused (429) wherever
    they land; with a count per node each node would accept ``limit``."""
    browser = Browser()
    names = list(nodes)
    answers = []
    for i in range(limit + extra):
        name = names[i % len(names)]
        status, _body = browser.post_form(nodes[name], "/accounts/password-reset/",
                                          {"email": "nobody@cluster.example.test"})
        answers.append([name, status])
    expected = [302] * limit + [429] * extra
    return {"endpoint": "POST /accounts/password-reset/", "limit": RESET_RATE,
            "window_ends_at": _rate_limit_window(),
            "answers": answers, "shared": [s for _n, s in answers] == expected}


def sign_in(base: str, email: str, password: str) -> str:
    status, body = Browser().post_form(base, "/accounts/sign-in/",
                                       {"username": email, "password": password})
    return _sign_in_outcome(status, body)


def _rate_limit_window() -> int:
    """When django-ratelimit's current window for the probes' address ends (its own function:
    the windows are fixed, offset per key)."""
    from django_ratelimit.core import _get_window, _split_rate

    return int(_get_window("127.0.0.1", _split_rate(RESET_RATE)[1]))


def probe_lockout(nodes: dict[str, str], email: str, password: str,
                  failures: int) -> dict[str, Any]:
    """``failures`` wrong passwords for one account, alternating the nodes; then the right
    password on every node must be refused as locked."""
    browser = Browser()
    names = list(nodes)
    wrong = []
    for i in range(failures):
        name = names[i % len(names)]
        status, body = browser.post_form(nodes[name], "/accounts/sign-in/",
                                         {"username": email, "password": "wrong password 1"})
        wrong.append([name, _sign_in_outcome(status, body)])
    right = {name: sign_in(nodes[name], email, password) for name in names}
    expected = ["refused (200)"] * (failures - 1) + ["locked"]
    return {"email": email, "failures_allowed": failures, "wrong_password": wrong,
            "right_password_afterwards": right,
            "shared": [o for _n, o in wrong] == expected
            and all(o == "locked" for o in right.values())}


def probe_lockout_parallel(nodes: dict[str, str], failures: int) -> dict[str, Any]:
    """``failures`` wrong passwords for one address sent at once, spread over the nodes; then
    one at a time until the address is locked. With an exact shared count the batch itself
    locks it; each further failure needed is a count lost to two processes updating it at
    once."""
    email = "parallel-probe@cluster.example.test"
    names = list(nodes)
    browsers = [(Browser(), names[i % len(names)]) for i in range(failures)]
    tokens = []
    for browser, name in browsers:
        _status, page = browser.request(nodes[name] + "/accounts/sign-in/")
        match = _CSRF.search(page)
        tokens.append(match.group(1) if match else "")
    start = threading.Barrier(failures)

    def attempt(i: int) -> str:
        browser, name = browsers[i]
        start.wait()
        status, body = browser.request(nodes[name] + "/accounts/sign-in/", {
            "username": email, "password": "wrong password 2", "csrfmiddlewaretoken": tokens[i]})
        return _sign_in_outcome(status, body)

    with ThreadPoolExecutor(max_workers=failures) as pool:
        outcomes = list(pool.map(attempt, range(failures)))
    further = 0
    locked = "locked" in outcomes
    while not locked and further < failures * 2:
        further += 1
        status, body = Browser().post_form(nodes[names[further % len(names)]],
                                           "/accounts/sign-in/",
                                           {"username": email, "password": "wrong password 3"})
        locked = _sign_in_outcome(status, body) == "locked"
    return {"email": email, "sent_at_once": failures, "outcomes": outcomes,
            "further_failures_until_locked": further,
            "wrong_passwords_accepted_before_lock": failures + further - 1,
            "exact": further == 0}


# -- after the run: the queue and the database -------------------------------------------------


def _tasks(pg: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(pg + DB_NAME, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]


def drain(pg: str, seconds: float = 300) -> float:
    """Waits until no task is waiting (READY); returns how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        waiting = _tasks(pg, "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                             "WHERE status = %s", "READY")[0][0]
        if waiting == 0:
            return time.monotonic() - started
        time.sleep(1)
    raise SystemExit(f"the queue did not drain in {seconds:.0f} s")


def aim_and_kill(node: Node, worker_id: str, pg: str, seconds: float) -> dict[str, Any]:
    """Kills ``node`` while it holds a claimed task, if one comes within ``seconds``."""
    import psycopg

    deadline = time.monotonic() + seconds
    task = None
    polls = 0
    with psycopg.connect(pg + DB_NAME, autocommit=True) as conn:
        while time.monotonic() < deadline and task is None:
            polls += 1
            task = conn.execute(
                "SELECT id, task_path FROM django_tasks_database_dbtaskresult WHERE status = %s "
                "AND worker_ids ->> -1 = %s", ("RUNNING", worker_id)).fetchone()
            if task is None:
                time.sleep(0.002)
        node.kill()
    return {"worker": node.name, "worker_id": worker_id, "at": node.killed_at, "polls": polls,
            "task_claimed_when_polled": {"id": str(task[0]), "task": task[1]} if task else None}


CREDENTIALS_CHECK = """
import json
from collections import Counter
from microcred.audit.models import AuditEvent
from microcred.earning.models import Attempt
from microcred.issuance.models import Credential, StatusEntry
passed = set(Attempt.objects.filter(status="passed").values_list("id", flat=True))
per_attempt = Counter(Credential.objects.filter(renews=None, attempt__isnull=False)
                      .values_list("attempt_id", flat=True))
ids = Counter(c for c in Credential.objects.exclude(credential_id="")
              .values_list("credential_id", flat=True))
entries = Counter(StatusEntry.objects.values_list("status_list_id", "index"))
issued_events = Counter(AuditEvent.objects.filter(action="credential.issued")
                        .values_list("target", flat=True))
allocated = {}
for credential_pk, index in StatusEntry.objects.values_list("credential_id", "index"):
    allocated.setdefault(credential_pk, set()).add(index)
signed_indexes = Counter()
not_the_allocated = 0
for pk, text in Credential.objects.filter(status="issued").values_list("id", "signed_json"):
    status = json.loads(text).get("credentialStatus")
    for entry in (status if isinstance(status, list) else [status] if status else []):
        signed_indexes[(entry["statusListCredential"], entry["statusListIndex"])] += 1
        if int(entry["statusListIndex"]) not in allocated.get(pk, set()):
            not_the_allocated += 1
print("CREDENTIALS:" + json.dumps({
    "passed_attempts": len(passed),
    "credentials": Credential.objects.count(),
    "issued": Credential.objects.filter(status="issued").count(),
    "pending": Credential.objects.filter(status="pending").count(),
    "passed_attempts_without_credential": len(passed - set(per_attempt)),
    "attempts_with_two_credentials": sum(1 for n in per_attempt.values() if n > 1),
    "credentials_for_attempts_not_passed": len(set(per_attempt) - passed),
    "credential_ids_twice": sum(1 for n in ids.values() if n > 1),
    "status_indexes_twice": sum(1 for n in entries.values() if n > 1),
    "signed_status_indexes_twice": sum(1 for n in signed_indexes.values() if n > 1),
    "signed_index_not_the_allocated": not_the_allocated,
    "credentials_issued_twice_in_audit_log": sum(1 for n in issued_events.values() if n > 1),
}))
"""

FILES_CHECK = """
import json
from microcred.catalog.models import MicroCredential, Resource
from microcred.earning.models import Answer
ledger = json.load(open(LEDGER))
stored = {}
for public_id in ledger.get("uploads", {}):
    answer = Answer.objects.filter(attempt__public_id=public_id).exclude(file="").first()
    stored[public_id] = answer.file.name if answer else None
names = [n for n in Answer.objects.exclude(file="").values_list("file", flat=True)]
names += [n for n in MicroCredential.objects.exclude(badge_image="")
          .values_list("badge_image", flat=True)]
names += [n for n in Resource.objects.exclude(file="").values_list("file", flat=True)]
print("FILES:" + json.dumps({"uploads": stored, "named": sorted(set(names))}))
"""


def _upload_seq(text: str | None) -> int:
    """The number locustfile_cluster.py gives each upload of a learner, in sending order."""
    found = re.search(r" notes (\d+) ", text or "")
    return int(found.group(1)) if found else -1


def files_check(env: dict[str, str], ledger_path: Path, endpoint: str) -> dict[str, Any]:
    """Every acknowledged upload is the file stored for its attempt, with the last content
    acknowledged, in the bucket; every file the database names is in the bucket."""
    import boto3

    out = _run(env, "shell", "-c", FILES_CHECK.replace("LEDGER", repr(str(ledger_path))))
    found = json.loads(next(line for line in out.splitlines()
                            if line.startswith("FILES:")).removeprefix("FILES:"))
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION,
                      aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET)
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys.update(item["Key"] for item in page.get("Contents", []))
    ledger = json.loads(ledger_path.read_text())
    lost, superseded = [], 0
    for public_id, text in ledger.get("uploads", {}).items():
        name = found["uploads"].get(public_id)
        body = (s3.get_object(Bucket=BUCKET, Key=name)["Body"].read().decode()
                if name in keys else None)
        if body == text:
            continue
        if _upload_seq(body) > _upload_seq(text):
            superseded += 1  # a later upload committed, its answer lost to a time-out or a kill
        else:
            lost.append(public_id)
    missing = [name for name in found["named"] if name not in keys]
    return {"uploads_acknowledged": len(ledger.get("uploads", {})), "uploads_lost": len(lost),
            "uploads_superseded_by_a_later_unacknowledged_upload": superseded,
            "files_named_by_the_database": len(found["named"]),
            "files_missing_from_the_bucket": len(missing), "missing_sample": missing[:5],
            "objects_in_the_bucket": len(keys),
            "objects_no_row_names": len(keys - set(found["named"]))}


def _failures(ledger: dict[str, Any], killed_at: float | None,
              messages: dict[str, str]) -> dict[str, Any]:
    """Failed requests: those in the seconds after the web node was killed, those that timed
    out (Locust gave up after 60 s: the machine, not the cluster, was out of capacity), and the
    rest, which should be none."""
    failed = [r for r in ledger["timings"] if r[2]]
    near = [r for r in failed if killed_at is not None
            and killed_at - 1 <= r[3] <= killed_at + KILL_WINDOW_SECONDS]
    timed_out = [r for r in failed if r not in near and "timed out" in messages.get(r[0], "")]
    other = [r for r in failed if r not in near and r not in timed_out]
    return {"total": len(failed), "within_kill_window": len(near),
            "kill_window_seconds": KILL_WINDOW_SECONDS, "timed_out_elsewhere": len(timed_out),
            "elsewhere": len(other),
            "elsewhere_sample": [[r[0], round(r[3] - (killed_at or 0), 1)] for r in other[:10]],
            "by_request": dict(Counter(r[0] for r in failed))}


def _failure_messages(prefix: Path) -> dict[str, str]:
    """Locust's failure messages, joined per request name (to tell time-outs apart)."""
    path = Path(f"{prefix}_failures.csv")
    found: dict[str, str] = {}
    if path.exists():
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                found[row["Name"]] = found.get(row["Name"], "") + " | " + row["Error"][:200]
    return found


class Sampler:
    """PostgreSQL's view of the window: commits, rollbacks and deadlocks of the database,
    and the most connections it had at once (sampled every second)."""

    def __init__(self, pg: str) -> None:
        self.pg = pg
        self.connections_max = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="sampler")

    def _stats(self) -> tuple[int, int, int]:
        row = _tasks(self.pg, "SELECT xact_commit, xact_rollback, deadlocks "
                              "FROM pg_stat_database WHERE datname = %s", DB_NAME)[0]
        return int(row[0]), int(row[1]), int(row[2])

    def _sample(self) -> None:
        while not self._stop.wait(1):
            count = _tasks(self.pg, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                           DB_NAME)[0][0]
            self.connections_max = max(self.connections_max, int(count))

    def start(self) -> None:
        self.before = self._stats()
        self.began = time.time()
        self._thread.start()

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join(timeout=5)
        after = self._stats()
        seconds = time.time() - self.began
        commits, rollbacks, deadlocks = (b - a for a, b in zip(self.before, after, strict=True))
        return {"commits_per_second": round(commits / seconds, 1),
                "rollbacks_per_second": round(rollbacks / seconds, 2), "deadlocks": deadlocks,
                "connections_max": self.connections_max}


def _per_second(pg: str, sql: str, since: float, until: float) -> dict[str, float]:
    """Rows per second in the window, by the query's first column."""
    rows = _tasks(pg, sql, since, until)
    return {str(name): round(int(count) / (until - since), 2) for name, count in rows}


def _s3_requests(log: Path) -> dict[str, int]:
    """Requests moto's server logged, by method (the whole run, the demo's files included)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return dict(Counter(re.findall(r'"(GET|HEAD|PUT|POST|DELETE) /', text)))


# -- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - one run, in order
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200,
                        help="learners+uploaders+assessors+visitors")
    parser.add_argument("--seconds", type=int, default=60, help="the steady window")
    parser.add_argument("--web-workers", type=int, default=2,
                        help="gunicorn sync workers per web node")
    parser.add_argument("--spawn-rate", type=float, default=2,
                        help="users started (and signed in) per second (Argon2: two web nodes "
                             "on two shared cores sign in about that many at once)")
    parser.add_argument("--restart-web-after", type=float, default=5,
                        help="seconds before the killed web node is started again")
    parser.add_argument("--out", type=Path, default=HERE / "cluster.json")
    args = parser.parse_args(argv)
    learners = round(args.users * 0.65)
    uploaders = round(args.users * 0.10)
    assessors = round(args.users * 0.15)
    visitors = args.users - learners - uploaders - assessors

    pg = os.environ.get("MICROCRED_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
    redis_url = os.environ.get("MICROCRED_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/12")
    work = Path(tempfile.mkdtemp(prefix="microcred-cluster-"))
    ports = {"A": _free_port(), "B": _free_port()}
    proxy = RoundRobinProxy([("127.0.0.1", ports["A"]), ("127.0.0.1", ports["B"])])
    host = f"http://127.0.0.1:{proxy.port}"
    s3_port = _free_port()
    s3_endpoint = f"http://127.0.0.1:{s3_port}"
    base_env = deployment_env(work / "admin", host, pg + DB_NAME)
    # The limit probed: password reset's production count (5), over a day instead of 15
    # minutes, so that its fixed window cannot end between the probe and the check on the
    # restarted node minutes later (django-ratelimit counts in fixed windows).
    base_env["MICROCRED_RATE_LIMIT_PASSWORD_RESET"] = RESET_RATE
    base_env.update({
        "REDIS_URL": redis_url, "MICROCRED_SECRET_KEY": secrets.token_urlsafe(48),
        "MICROCRED_STORAGE": "s3", "MICROCRED_S3_BUCKET": BUCKET,
        "MICROCRED_S3_ENDPOINT_URL": s3_endpoint, "MICROCRED_S3_REGION": S3_REGION,
        "MICROCRED_S3_ACCESS_KEY_ID": S3_KEY, "MICROCRED_S3_SECRET_ACCESS_KEY": S3_SECRET,
        "PYTHONUNBUFFERED": "1"})
    reset_limit = int(RESET_RATE.split("/")[0])
    lockout_failures = int(os.environ.get("MICROCRED_LOCKOUT_FAILURES", "10"))

    def node(name: str, *command: str) -> Node:
        env = {**base_env, "MICROCRED_DATA_DIR": str(work / name / "data")}
        return Node(name, [str(BIN / "microcred"), *command], env, work / f"{name}.log")

    web = {name: node(f"web-{name}", "serve", "--no-task-worker", "--port", str(port),
                      "--workers", str(args.web_workers)) for name, port in ports.items()}
    workers = [node("worker-1", "worker"), node("worker-2", "worker")]
    s3 = Node("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
              dict(os.environ), work / "s3.log")
    direct = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    report: dict[str, Any] = {
        "command": "python benchmarks/cluster.py " + " ".join(argv or sys.argv[1:]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(), "users": args.users, "learners": learners,
        "uploaders": uploaders, "assessors": assessors, "visitors": visitors,
        "seconds": args.seconds, "web_nodes": 2, "gunicorn_workers_per_node": args.web_workers,
        "task_workers": 2, "redis": redis_url, "database": f"postgresql {DB_NAME}",
        "storage": "s3 (moto_server)"}
    locust = None
    _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _postgres(pg, f"CREATE DATABASE {DB_NAME}")
    _redis_flush(redis_url)
    try:
        s3.start()
        _s3_bucket(s3_endpoint)
        _run(base_env, "migrate")
        _run(base_env, "demo")
        started = time.monotonic()
        seeded = seed(base_env, learners, assessors, uploaders)
        report["seeded_in_seconds"] = round(time.monotonic() - started, 1)
        # The demo's issuer registry file is configuration each machine gets (DATA_DIR).
        for each in [*web.values(), *workers]:
            shutil.copytree(work / "admin" / "data" / "registries",
                            Path(each.env["MICROCRED_DATA_DIR"]) / "registries")
        for each in workers:
            each.start()
        worker_ids = [_worker_id(each) for each in workers]
        for each in web.values():
            each.start()
        proxy.start()
        for name, each in web.items():
            _wait(f"{direct[name]}/healthz", log=each.log)
        _wait(f"{host}/healthz")
        public_id, signed = _credential(base_env)
        seeded.update(credential_id=public_id, credential=json.loads(signed))
        (work / "seed.json").write_text(json.dumps(seeded))
        steady_file, stop_file = work / "steady", work / "stop"
        load_before = os.getloadavg()[0]
        with open(work / "locust.log", "wb") as locust_log:
            # The harness ends the run (LOAD_STOP_FILE); Locust's own limit is only a backstop.
            locust = subprocess.Popen(  # noqa: S603 - a fixed argv
                locust_argv(host, HERE / "locustfile_cluster.py", work / "load", args.users,
                            args.spawn_rate, args.seconds + 1200),
                env={**locust_env(work, learners, assessors, visitors, args.seconds),
                     "LOAD_UPLOADERS": str(uploaders), "LOAD_STEADY_FILE": str(steady_file),
                     "LOAD_STOP_FILE": str(stop_file)},
                stdout=locust_log, stderr=subprocess.STDOUT)
        locust_started = time.time()
        # The probes need both nodes and sign in many times (Argon2, slow under load): they
        # start with the load (the ramp is load too), and the window with the kills opens when
        # every user has signed in and the probes are done.
        probes: dict[str, Any] = {}

        def probe(name: str, run: Any, *probe_args: Any) -> None:
            began = time.time()
            try:
                probes[name] = run(*probe_args)
            except Exception as error:  # recorded; the checks then fail
                probes[name] = {"error": repr(error)}
            probes[name]["seconds"] = round(time.time() - began, 1)

        def sequential_probes() -> None:
            probe("rate_limit", probe_rate_limit, direct, reset_limit)
            probe("lockout", probe_lockout, direct, seeded["admin"], seeded["password"],
                  lockout_failures)

        probers = [threading.Thread(target=sequential_probes, name="probes"),
                   threading.Thread(target=probe, name="parallel probe", args=(
                       "lockout_parallel", probe_lockout_parallel, direct, lockout_failures))]
        time.sleep(5)
        for thread in probers:
            thread.start()
        deadline = time.monotonic() + locust_timeout(args.users, args.spawn_rate, args.seconds)
        while not steady_file.exists():
            if locust.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Locust stopped before every user signed in:\n"
                                 + (work / "locust.log").read_text()[-3000:])
            time.sleep(0.2)
        for thread in probers:
            thread.join()
        window_from = time.time()
        ramp = round(float(steady_file.read_text()) - locust_started, 1)
        print(f"every user signed in after {ramp} s, probes done after "
              f"{window_from - locust_started:.0f} s: the window opens")

        def at(fraction: float) -> None:
            time.sleep(max(0.0, window_from + fraction * args.seconds - time.time()))

        sampler = Sampler(pg)
        sampler.start()
        at(1 / 3)
        report["worker_killed"] = aim_and_kill(workers[0], worker_ids[0], pg, args.seconds / 6)
        report["worker_killed"]["seconds_into_window"] = round(
            report["worker_killed"]["at"] - window_from, 1)
        print(f"worker 1 killed at {report['worker_killed']['seconds_into_window']} s")
        at(1 / 2)
        web["B"].kill()
        killed_at = web["B"].killed_at
        print(f"web node B killed at {killed_at - window_from:.1f} s")
        time.sleep(args.restart_web_after)
        web["B"].start()
        _wait(f"{direct['B']}/healthz", log=web["B"].log)
        back_at = time.time()
        print(f"web node B serving again at {back_at - window_from:.1f} s")
        at(1)
        report["web_killed"] = {
            "node": "B", "at": killed_at, "seconds_into_window": round(killed_at - window_from, 1),
            "restarted_after_seconds": args.restart_web_after,
            "serving_again_after_seconds": round(back_at - killed_at, 1),
            "requests_served_after_restart_in_the_window": web["B"].requests_served(
                since_last_start=True)}
        stop_file.touch()
        window_until = time.time()
        window_seconds = window_until - window_from
        report["database_in_the_window"] = sampler.stop()
        report["audit_entries_per_second_in_the_window"] = _per_second(
            pg, "SELECT action, count(*) FROM audit_auditevent WHERE created_at "
                "BETWEEN to_timestamp(%s) AND to_timestamp(%s) GROUP BY action ORDER BY 2 DESC",
            window_from, window_until)
        report["tasks_enqueued_per_second_in_the_window"] = _per_second(
            pg, "SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult WHERE "
                "enqueued_at BETWEEN to_timestamp(%s) AND to_timestamp(%s) GROUP BY task_path",
            window_from, window_until)
        locust.wait(timeout=300)
        # The shared counts outlive the node: the new B, started after they were made, sees
        # them (Redis keeps them, not the process).
        status, _body = Browser().post_form(direct["B"], "/accounts/password-reset/",
                                            {"email": "nobody@cluster.example.test"})
        probes["after_restart"] = {
            "password_reset_on_new_B": status,
            "same_rate_limit_window": _rate_limit_window() == probes.get(
                "rate_limit", {}).get("window_ends_at"),
            "right_password_on_new_B": sign_in(direct["B"], seeded["admin"],
                                               seeded["password"])}
        report["ramp_seconds"] = ramp
        report["window_opened_after_seconds"] = round(window_from - locust_started, 1)
        report["probes"] = probes
        report["window_seconds"] = round(window_seconds, 1)
        load_after = os.getloadavg()[0]
        ledger = json.loads((work / "ledger.json").read_text())
        ledger["steady_from"] = window_from  # the window is the harness's (see above)
        whole, stats, run_seconds = ledger_percentiles(ledger, round(window_seconds))

        # The queue: what the surviving worker drains, and what nobody ever will.
        drained_in = drain(pg)
        stuck = _tasks(pg, "SELECT id, task_path, worker_ids "
                           "FROM django_tasks_database_dbtaskresult WHERE status = %s", "RUNNING")
        pending_before = _run(base_env, "shell", "-c", "from microcred.issuance.models import "
                              "Credential; print('N:%d' % Credential.objects.filter("
                              "status='pending').count())")
        pending = int(re.search(r"N:(\d+)", pending_before).group(1))  # type: ignore[union-attr]
        recovery = _run(base_env, "credentials", "retry-pending").strip()
        recovered_in = drain(pg)
        by_worker = Counter(row[0] for row in _tasks(
            pg, "SELECT worker_ids ->> -1 FROM django_tasks_database_dbtaskresult "
                "WHERE status = %s", "SUCCESSFUL"))
        report["tasks"] = {
            "drained_after_the_run_seconds": round(drained_in, 1),
            "successful_by_worker": {name: by_worker.get(wid, 0)
                                     for name, wid in zip(("worker-1", "worker-2"), worker_ids,
                                                          strict=True)},
            "failed": _tasks(pg, "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                 "WHERE status = %s", "FAILED")[0][0],
            "stuck_running_after_drain": [
                {"task": path, "worker": "worker-1" if ids[-1] == worker_ids[0] else ids[-1]}
                for _id, path, ids in stuck],
            "credentials_pending_after_drain": pending,
            "recovery": f"microcred credentials retry-pending: {recovery}",
            "recovery_drained_in_seconds": round(recovered_in, 1),
        }

        report["writes"] = writes_check(base_env, work / "ledger.json")
        report["credentials"] = _credentials_check(base_env)
        report["files"] = files_check(base_env, work / "ledger.json", s3_endpoint)
        audit = subprocess.run(  # noqa: S603 - a fixed argv
            [str(BIN / "microcred"), "audit", "verify"], env=base_env, capture_output=True,
            text=True, timeout=600, check=False)
        report["audit_verify"] = {"exit": audit.returncode,
                                  "output": (audit.stdout + audit.stderr).strip()[-500:]}
        report["failures"] = _failures(ledger, killed_at, _failure_messages(work / "load"))
        report["requests_by_node"] = {each.name: each.requests_served()
                                      for each in web.values()}
        report["proxy"] = {"connections": {name: proxy.connections[i]
                                           for i, name in enumerate(ports)},
                           "refused_then_sent_to_the_other": {
                               name: proxy.refused[i] for i, name in enumerate(ports)}}
        report["s3_requests"] = _s3_requests(s3.log)
        report["tracebacks"] = {each.name: each.tracebacks()
                                for each in [*web.values(), *workers]}
        report["steady_window"] = stats
        report["whole_run"] = whole
        report["whole_run_seconds"] = round(run_seconds, 1)
        report["load_average"] = [load_before, load_after]
        prefix = work / "load"
        report["locust_aggregated"] = _stats(prefix).get("Aggregated")
        report["locust_exceptions"] = _exceptions(prefix)
    finally:
        if locust is not None and locust.poll() is None:
            locust.terminate()
            locust.wait(timeout=30)
        for each in [*web.values(), *workers]:
            each.stop()
        proxy.stop()
        s3.stop()
        if not os.environ.get("MICROCRED_BENCH_KEEP"):
            _postgres(pg, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            _redis_flush(redis_url)
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}, the database {DB_NAME} and {redis_url}")

    checks = _checks(report)
    report["checks"] = checks
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    _print(report, args)
    return 0 if all(checks.values()) else 1


def _exceptions(prefix: Path) -> list[dict[str, Any]]:
    """Exceptions raised in the Locust users' own code (Locust's CSV of them)."""
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return [{"count": int(row["Count"]), "message": row["Message"],
                 "where": row["Traceback"].strip().splitlines()[-2:]}
                for row in csv.DictReader(handle)]


def _credentials_check(env: dict[str, str]) -> dict[str, int]:
    out = _run(env, "shell", "-c", CREDENTIALS_CHECK)
    found: dict[str, int] = json.loads(next(
        line for line in out.splitlines() if line.startswith("CREDENTIALS:")
    ).removeprefix("CREDENTIALS:"))
    return found


def _checks(report: dict[str, Any]) -> dict[str, bool]:
    c = report["credentials"]
    probes = report["probes"]
    return {
        "no acknowledged write lost": not writes_lost(report["writes"]),
        "one credential per passed attempt, all issued": (
            c["passed_attempts_without_credential"] == c["attempts_with_two_credentials"]
            == c["credentials_for_attempts_not_passed"] == c["pending"] == 0),
        "nothing issued twice": (
            c["credential_ids_twice"] == c["status_indexes_twice"]
            == c["signed_status_indexes_twice"] == c["signed_index_not_the_allocated"]
            == c["credentials_issued_twice_in_audit_log"] == 0),
        "every acknowledged upload in the bucket": report["files"]["uploads_lost"] == 0,
        "every file the database names in the bucket":
            report["files"]["files_missing_from_the_bucket"] == 0,
        "audit chain verifies": report["audit_verify"]["exit"] == 0,
        "rate limit shared by the nodes": probes.get("rate_limit", {}).get("shared", False),
        "lockout shared by the nodes": probes.get("lockout", {}).get("shared", False),
        "limits survive a node restart": (
            (probes["after_restart"]["password_reset_on_new_B"] == 429
             or not probes["after_restart"]["same_rate_limit_window"])
            and probes["after_restart"]["right_password_on_new_B"] == "locked"),  # noqa: S105
        "no request failed outside the web kill, but by timing out":
            report["failures"]["elsewhere"] == 0,
        "no exception in the load's users": not report["locust_exceptions"],
        "the restarted web node served load in the window":
            report["web_killed"]["requests_served_after_restart_in_the_window"] > 0,
        "both web nodes and both workers served": (
            all(report["requests_by_node"].values())
            and all(report["tasks"]["successful_by_worker"].values())),
        "no task failed": report["tasks"]["failed"] == 0,
    }


def _print(report: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"every user signed in after {report['ramp_seconds']} s; the window (kills and "
          f"figures) opened after {report['window_opened_after_seconds']} s and lasted "
          f"{report['window_seconds']} s")
    print(f"cluster test: 2 web nodes x {args.web_workers} gunicorn workers, 2 task workers, "
          f"PostgreSQL, Redis, S3 (moto); {args.users} users ({report['learners']} learners, "
          f"{report['uploaders']} uploaders, {report['assessors']} assessors, "
          f"{report['visitors']} visitors), steady window {args.seconds} s, "
          f"{os.cpu_count()} CPUs, load average {report['load_average'][0]:.1f} before, "
          f"{report['load_average'][1]:.1f} after")
    print("steady window, per request (ms):")
    _table(report["steady_window"])
    print("requests by node:", json.dumps(report["requests_by_node"]),
          "proxy:", json.dumps(report["proxy"]))
    print("worker killed:", json.dumps(report["worker_killed"]))
    print("web node killed:", json.dumps(report["web_killed"]))
    print("tasks:", json.dumps(report["tasks"]))
    for key in ("database_in_the_window", "audit_entries_per_second_in_the_window",
                "tasks_enqueued_per_second_in_the_window", "s3_requests"):
        print(key.replace("_", " ") + ":", json.dumps(report[key]))
    print("failures:", json.dumps(report["failures"]))
    print("writes:", json.dumps(report["writes"]))
    print("credentials:", json.dumps(report["credentials"]))
    print("files:", json.dumps(report["files"]))
    print("audit verify:", json.dumps(report["audit_verify"]))
    print("probes:", json.dumps(report["probes"]))
    for name, ok in report["checks"].items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")


def _redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _s3_bucket(endpoint: str, seconds: float = 60) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION,
                      aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET)
    deadline = time.monotonic() + seconds
    while True:
        try:
            s3.create_bucket(Bucket=BUCKET)
            return
        except Exception:  # the server is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
