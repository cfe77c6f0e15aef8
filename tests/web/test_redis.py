"""The Redis cache that REDIS_URL selects, against a real Redis server.

Runs whenever MICROCRED_TEST_REDIS_URL names a reachable server (CI sets it); otherwise it skips
and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("MICROCRED_TEST_REDIS_URL", "")

pytestmark = pytest.mark.redis


def _reachable() -> str | None:
    if not REDIS_URL:
        return "MICROCRED_TEST_REDIS_URL is not set (CI sets it to the local Redis)"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} is not reachable: {exc}"
    return None


@pytest.fixture(scope="module")
def redis_url() -> str:
    reason = _reachable()
    if reason:
        pytest.skip(reason)
    return REDIS_URL


def test_redis_url_makes_the_cache_live_in_redis(redis_url: str, tmp_path: Path) -> None:
    """A process configured only by the environment writes through Django's cache into Redis."""
    import redis

    key = f"microcred-test-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MICROCRED_", "DATABASE_URL"))}
    env.update(
        MICROCRED_DATA_DIR=str(tmp_path),
        MICROCRED_SECRET_KEY="s" * 50,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="microcred.settings",
        PYTHONPATH="src",
    )
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        f"cache.set({key!r}, 'kept in redis', 60); print(cache.get({key!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        cwd=Path(__file__).parents[2], timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kept in redis"
    client = redis.Redis.from_url(redis_url)
    stored = [k for k in client.scan_iter(f"*{key}*")]
    assert stored, "the value is not in Redis"
    client.delete(*stored)
