"""Rate limits: 429 with Retry-After in the platform's error shapes, counted in the embedded
default's database cache (shared by every worker process: two processes count together) and
(when MICROCRED_TEST_REDIS_URL names a server) in Redis, as production does."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings

from microcred.web.rate_limits import client_ip

REDIS_URL = os.environ.get("MICROCRED_TEST_REDIS_URL", "")
# Hour-long windows: a window ends at a moment fixed per key, and a test whose requests straddle
# that moment starts counting again (with one-minute windows a slow machine did, now and then).
LOW = {"sign_in": "2/h", "sign_up": "2/h", "password_reset": "2/h", "verify": "2/h",
       "api": "2/h"}


def _redis_unreachable() -> str | None:
    if not REDIS_URL:
        return "MICROCRED_TEST_REDIS_URL is not set (CI sets it to the local Redis)"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} is not reachable: {exc}"
    return None


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def low_limits(request: pytest.FixtureRequest) -> Iterator[str]:
    """Low limits, counted in the embedded default's database cache or in Redis."""
    redis_caches = None
    if request.param == "redis":
        reason = _redis_unreachable()
        if reason:
            pytest.skip(reason)
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        redis_caches = {"default": redis, "throttle": redis}
    prefix = f"rl-test-{uuid.uuid4().hex}:"  # each test counts from zero, even in a shared Redis
    overrides = {"RATE_LIMITS": LOW, "RATELIMIT_CACHE_PREFIX": prefix}
    if redis_caches:
        overrides["CACHES"] = redis_caches
    with override_settings(**overrides):
        yield request.param
        if request.param == "local":
            caches["throttle"].clear()


def _sign_in(client: Client, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/sign-in/", {"username": "nobody@example.test",
                                              "password": "wrong password"}, **headers)


@pytest.mark.django_db
def test_sign_in_over_the_limit_is_429_with_retry_after(client: Client, low_limits: str) -> None:
    assert _sign_in(client).status_code == 200
    assert _sign_in(client).status_code == 200
    response = _sign_in(client)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "rate_limited" in html and "Too many" in html
    # Reading the page is not limited, only trying passwords.
    assert client.get("/accounts/sign-in/").status_code == 200


@pytest.mark.django_db
def test_the_429_is_json_for_json_clients(client: Client, low_limits: str) -> None:
    for _ in range(2):
        _sign_in(client)
    response = _sign_in(client, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response["Retry-After"]
    assert response.json()["error"]["code"] == "rate_limited"


@pytest.mark.django_db
def test_sign_up_and_password_reset_are_limited(client: Client, low_limits: str) -> None:
    for path in ("/accounts/sign-up/", "/accounts/password-reset/"):
        codes = [client.post(path, {"email": "x@example.test"}).status_code for _ in range(3)]
        assert codes[-1] == 429 and 429 not in codes[:2], (path, codes)


@pytest.mark.django_db
def test_public_verification_is_limited(client: Client, low_limits: str) -> None:
    codes = [client.post("/verify/", {"credential_json": "{}"}).status_code for _ in range(3)]
    assert codes[-1] == 429 and 429 not in codes[:2]
    body = json.dumps({"verifiableCredential": {}})
    codes = [client.post("/credentials/verify", body, content_type="application/json")
             for _ in range(3)]
    assert codes[-1].status_code == 429
    assert codes[-1].json()["error"]["code"] == "rate_limited"


@pytest.mark.django_db
def test_the_open_badges_api_answers_429_as_imsx(client: Client, low_limits: str) -> None:
    for _ in range(2):
        assert client.get("/ims/ob/v3p0/discovery").status_code == 200
    response = client.get("/ims/ob/v3p0/discovery")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    minor = body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert minor == "server_busy"


@pytest.mark.django_db
def test_each_address_has_its_own_count(client: Client, low_limits: str) -> None:
    for _ in range(3):
        _sign_in(client)
    other = _sign_in(client, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


@pytest.mark.django_db
def test_limits_can_be_turned_off(client: Client, low_limits: str) -> None:
    with override_settings(RATELIMIT_ENABLE=False):
        assert all(_sign_in(client).status_code == 200 for _ in range(4))


def test_client_address_from_the_proxy_header() -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4",
                                   REMOTE_ADDR="10.0.0.1")
    with override_settings(CLIENT_IP_HEADER="X-Forwarded-For"):
        # The last entry is the one the proxy added; the first could be made up by the client.
        assert client_ip(request) == "198.51.100.4"
    with override_settings(CLIENT_IP_HEADER="HTTP_X_REAL_IP"):
        assert client_ip(RequestFactory().get("/", HTTP_X_REAL_IP="203.0.113.5")) == "203.0.113.5"
