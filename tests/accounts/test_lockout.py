"""Account lockout after repeated failed sign-ins, its expiry, and password rules on sign-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from microcred.accounts import lockout
from tests.factories import PASSWORD, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_strikes() -> Iterator[None]:
    with override_settings(SIGN_IN_LOCKOUT_FAILURES=3, SIGN_IN_LOCKOUT_WINDOW=900,
                           SIGN_IN_LOCKOUT_SECONDS=900):
        caches["throttle"].clear()
        yield
        caches["throttle"].clear()


def _sign_in(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def test_repeated_failures_lock_the_account_even_for_the_right_password(client: Client) -> None:
    person = user()
    for _ in range(2):
        response = _sign_in(client, person.email, "wrong password!")
        assert "Too many failed" not in response.content.decode()
    locked = _sign_in(client, person.email, "wrong password!").content.decode()
    assert "Too many failed sign-in attempts" in locked and "Try again in 15 minutes" in locked
    response = _sign_in(client, person.email, PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_lock_message_is_the_same_for_an_unknown_address(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One instant for both addresses: the message names the minute the lock ends, and a run
    # that crossed a minute boundary between them would differ by that alone.
    frozen = lockout.now()
    monkeypatch.setattr(lockout, "now", lambda: frozen)
    person = user()
    errors = {}
    for email in (person.email, "no-such-person@example.test"):
        for _ in range(3):
            response = _sign_in(client, email, "wrong password!")
        errors[email] = list(response.context["form"].non_field_errors())
    known, unknown = errors.values()
    assert "Too many failed sign-in attempts" in unknown[0]
    assert known == unknown

def test_the_lock_expires(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    person = user()
    for _ in range(3):
        _sign_in(client, person.email, "wrong password!")
    with pytest.raises(lockout.Locked):
        lockout.check(person.email)
    real_now = lockout.now()
    monkeypatch.setattr(lockout, "now", lambda: real_now + 901)
    lockout.check(person.email)  # no longer locked
    response = _sign_in(client, person.email, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_failures_outside_the_window_do_not_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    start = lockout.now()
    for offset in (0, 100, 1000, 1100):  # the window (900 s) restarts at the third failure
        monkeypatch.setattr(lockout, "now", lambda o=offset: start + o)
        lockout.record_failure("someone@example.test")
    with pytest.raises(lockout.Locked):
        monkeypatch.setattr(lockout, "now", lambda: start + 1200)
        lockout.record_failure("someone@example.test")


def test_a_successful_sign_in_resets_the_count(client: Client) -> None:
    person = user()
    for _ in range(2):
        _sign_in(client, person.email, "wrong password!")
    assert _sign_in(client, person.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _sign_in(client, person.email, "wrong password!")
    assert _sign_in(client, person.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("short1", "too short"),
    ("password123", "too common"),
    ("8473629105738", "entirely numeric"),
    ("ana.lopez.teacher", "too similar"),
])
def test_weak_passwords_are_refused_inline(client: Client, password: str, message: str) -> None:
    response = client.post("/accounts/sign-up/", {
        "display_name": "Ana Lopez", "email": "ana.lopez.teacher@example.test",
        "password": password})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    form = response.context["form"]
    assert form.errors.get("password"), "the error belongs next to the password field"
    assert 'aria-invalid="true"' in html


def test_password_validators_are_configured(settings) -> None:  # type: ignore[no-untyped-def]
    names = {v["NAME"].rsplit(".", 1)[1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert set(names) == {"UserAttributeSimilarityValidator", "MinimumLengthValidator",
                          "CommonPasswordValidator", "NumericPasswordValidator"}
    assert names["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 10


@override_settings(CACHES={**settings.CACHES, "throttle": {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lockout-threads"}})
def test_every_failure_counts_when_they_arrive_together() -> None:
    """The count is one atomic increment: failures from many processes at once all add up (the
    read-increment-write it replaced lost some under `make cluster`; Redis, shared by every
    process, in tests/accounts/test_shared_counts.py). Threads here, on a cache whose increment
    is atomic as Redis's is."""
    import threading

    email = "together@example.test"
    locked = []
    barrier = threading.Barrier(3)

    def fail() -> None:
        barrier.wait()
        try:
            lockout.record_failure(email)
        except lockout.Locked:
            locked.append(True)

    threads = [threading.Thread(target=fail) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert locked == [True]  # the third of three failures locked it, whichever came third
    with pytest.raises(lockout.Locked):
        lockout.check(email)
