"""Two-factor sign-in: turning it on, signing in with a code or a recovery code, replay,
lockout, turning it off, and requiring it for admins and assessors."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from microcred.accounts import two_factor
from microcred.accounts.models import RecoveryCode, TwoFactorDevice, User
from microcred.audit.models import AuditEvent
from tests.factories import PASSWORD, World, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def _code(secret: str, *, steps_ago: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(int(time.time()) // totp.interval - steps_ago)


def _enable(client: Client, person: User) -> tuple[str, list[str]]:
    """Turn it on through the pages; returns the secret and the recovery codes shown."""
    client.force_login(person)
    page = client.get("/accounts/me/two-factor/set-up/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html, "the QR code is shown"
    secret = "".join(page.context["secret_groups"])
    assert " ".join(page.context["secret_groups"]) in html, "the key is shown as text too"
    uri = two_factor.provisioning_uri(user=person, secret=secret)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    done = client.post("/accounts/me/two-factor/set-up/", {"code": _code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    client.logout()
    return secret, codes


def _password_step(client: Client, person: User, next_url: str = ""):  # type: ignore[no-untyped-def]
    path = "/accounts/sign-in/" + (f"?next={next_url}" if next_url else "")
    return client.post(path, {"username": person.email, "password": PASSWORD,
                              "next": next_url})


def test_enabling_stores_a_sealed_secret_and_hashed_recovery_codes(client: Client) -> None:
    person = user()
    secret, codes = _enable(client, person)
    device = TwoFactorDevice.objects.get(user=person)
    assert secret not in device.sealed_secret
    stored = set(RecoveryCode.objects.filter(user=person).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not {c for c in codes} & stored
    assert AuditEvent.objects.filter(action="user.two_factor_enabled").exists()


def test_a_wrong_setup_code_is_refused_inline(client: Client) -> None:
    person = user()
    client.force_login(person)
    client.get("/accounts/me/two-factor/set-up/")
    response = client.post("/accounts/me/two-factor/set-up/", {"code": "000000"})
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert not TwoFactorDevice.objects.filter(user=person).exists()


def test_sign_in_asks_for_the_code(client: Client) -> None:
    person = user()
    secret, _codes = _enable(client, person)
    response = _password_step(client, person, next_url="/me/learning/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/code/"
    assert "_auth_user_id" not in client.session, "not signed in before the second factor"
    assert client.get("/accounts/sign-in/code/").status_code == 200
    wrong = client.post("/accounts/sign-in/code/", {"code": "123456"})
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    # The setup used this time step's code; the next step's is accepted (one step of drift).
    right = client.post("/accounts/sign-in/code/", {"code": _code(secret, steps_ago=-1)})
    assert right.status_code == 302 and right["Location"] == "/me/learning/"
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_code_is_accepted_only_once(client: Client) -> None:
    person = user()
    secret, _codes = _enable(client, person)
    code = _code(secret)
    TwoFactorDevice.objects.filter(user=person).update(last_used_step=0)
    _password_step(client, person)
    assert client.post("/accounts/sign-in/code/", {"code": code}).status_code == 302
    client.logout()
    _password_step(client, person)
    again = client.post("/accounts/sign-in/code/", {"code": code})
    assert again.status_code == 400 and "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client: Client) -> None:
    person = user()
    _secret, codes = _enable(client, person)
    _password_step(client, person)
    response = client.post("/accounts/sign-in/code/", {"code": codes[3].upper()})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)
    assert RecoveryCode.objects.filter(user=person, used_at__isnull=True).count() == 9
    client.logout()
    _password_step(client, person)
    assert client.post("/accounts/sign-in/code/", {"code": codes[3]}).status_code == 400


def test_wrong_codes_count_towards_the_lockout(client: Client) -> None:
    person = user()
    secret, _codes = _enable(client, person)
    with override_settings(SIGN_IN_LOCKOUT_FAILURES=3):
        _password_step(client, person)
        for _ in range(2):
            client.post("/accounts/sign-in/code/", {"code": "000000"})
        locked = client.post("/accounts/sign-in/code/", {"code": "000000"})
        assert "Too many failed sign-in attempts" in locked.content.decode()
        # The pending sign-in is gone and the password step is locked too.
        response = _password_step(client, person)
        assert response.status_code == 200 and "Too many failed" in response.content.decode()


def test_the_pending_sign_in_expires(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    person = user()
    secret, _codes = _enable(client, person)
    _password_step(client, person)
    monkeypatch.setattr(two_factor, "PENDING_SECONDS", -1)
    response = client.post("/accounts/sign-in/code/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_replace_the_old_and_turning_off_needs_the_password(
        client: Client) -> None:
    person = user()
    _secret, codes = _enable(client, person)
    client.force_login(person)
    page = client.post("/accounts/me/two-factor/recovery-codes/", {"password": PASSWORD})
    new = re.findall(r"<code>([a-z0-9-]{19})</code>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(codes)
    client.post("/accounts/me/two-factor/turn-off/", {"password": "not my password"})
    assert TwoFactorDevice.objects.filter(user=person).exists()
    client.post("/accounts/me/two-factor/turn-off/", {"password": PASSWORD})
    assert not TwoFactorDevice.objects.filter(user=person).exists()
    assert not RecoveryCode.objects.filter(user=person).exists()
    client.logout()
    assert _password_step(client, person)["Location"] == "/"


def test_the_pages_are_accessible_text(client: Client) -> None:
    person = user()
    client.force_login(person)
    html = client.get("/accounts/me/two-factor/").content.decode()
    assert "Two-factor sign-in is off" in html
    assert client.get("/accounts/me/").status_code == 200


@override_settings(REQUIRE_2FA_FOR=frozenset({"admin", "assessor"}))
def test_assessors_and_admins_must_set_it_up_first(client: Client, world: World) -> None:
    client.force_login(world.assessor)
    response = client.get("/me/learning/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/me/two-factor/set-up/?next=")
    htmx = client.get("/me/learning/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith("/accounts/me/two-factor/set-up/")
    # A learner is not asked; nor is anyone on the setup page itself.
    client.force_login(world.learner)
    assert client.get("/me/learning/").status_code == 200
    staff = user("Staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/me/learning/").status_code == 302
    secret, _codes = _enable(client, staff)
    client.force_login(staff)
    assert client.get("/me/learning/").status_code == 200
    # It cannot be turned off while the role requires it.
    client.post("/accounts/me/two-factor/turn-off/", {"password": PASSWORD})
    assert TwoFactorDevice.objects.filter(user=staff).exists()


def test_the_setting_reads_roles_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import microcred.settings as s

    monkeypatch.setenv("MICROCRED_REQUIRE_2FA_FOR", "admin, assessor")
    try:
        assert importlib.reload(s).REQUIRE_2FA_FOR == frozenset({"admin", "assessor"})
    finally:
        monkeypatch.delenv("MICROCRED_REQUIRE_2FA_FOR")
        importlib.reload(s)
