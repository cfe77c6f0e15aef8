"""The sign-in lockout and the rate limits count across worker processes.

Each gunicorn worker is its own process: with a per-process cache an attacker got the whole
limit again from every worker. The embedded default keeps the counts in Django's database cache
(the ``throttle`` alias, table created by accounts migration 0004); with ``REDIS_URL`` in Redis.
Here separate Python processes, configured only by the environment as a worker is, share one
count."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("MICROCRED_TEST_REDIS_URL", "")

# One worker's turn: count failures for an address (lockout) and requests from an address
# (django-ratelimit, as the middleware counts them), then print what it saw.
_WORKER = """
import sys, django
django.setup()
from django.test import RequestFactory
from django_ratelimit.core import get_usage
from microcred.accounts import lockout
email, failures, requests, group = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
seen = []
for _ in range(failures):
    try:
        lockout.record_failure(email)
        seen.append("counted")
    except lockout.Locked:
        seen.append("locked")
try:
    lockout.check(email)
    seen.append("open")
except lockout.Locked:
    seen.append("still-locked")
request = RequestFactory().post("/accounts/sign-in/", REMOTE_ADDR="203.0.113.50")
for _ in range(requests):
    usage = get_usage(request, group=group, key="ip", rate="3/h",
                      method="POST", increment=True)
    seen.append("limited" if usage["should_limit"] else "allowed")
print(" ".join(seen))
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MICROCRED_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))}
    env.update(MICROCRED_DATA_DIR=str(tmp_path), MICROCRED_SECRET_KEY="s" * 50,
               MICROCRED_LOCKOUT_FAILURES="3", DJANGO_SETTINGS_MODULE="microcred.settings",
               PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def _two_workers(env: dict[str, str]) -> None:
    run = uuid.uuid4().hex  # a shared Redis keeps counts between test runs
    email, group = f"victim-{run}@example.test", f"microcred.test.{run}"
    first = _run(env, "-c", _WORKER, email, "2", "2", group)
    assert first.split() == ["counted", "counted", "open", "allowed", "allowed"]
    # Another process: the third failure is the one that locks (three allowed), and the fourth
    # request is over the limit of three, because it sees the first process's counts.
    second = _run(env, "-c", _WORKER, email, "1", "2", group)
    assert second.split() == ["locked", "still-locked", "allowed", "limited"]


def test_the_embedded_default_shares_counts_between_processes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    # The table the workers share; `microcred migrate` creates it (see the next test), the
    # cache command makes the same table without migrating everything else.
    _run(env, "-m", "django", "createcachetable")
    _two_workers(env)


@pytest.mark.redis
def test_redis_shares_counts_between_processes(tmp_path: Path) -> None:
    if not REDIS_URL:
        pytest.skip("MICROCRED_TEST_REDIS_URL is not set (CI sets it to the local Redis)")
    _two_workers(_env(tmp_path, REDIS_URL=REDIS_URL))


@pytest.mark.django_db
def test_migrating_creates_the_shared_table() -> None:
    assert settings.CACHES["throttle"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["throttle"]["LOCATION"] in connection.introspection.table_names()
    assert settings.RATELIMIT_USE_CACHE == "throttle"
