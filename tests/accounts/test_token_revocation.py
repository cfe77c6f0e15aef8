"""What proves who a person is changes, and their OAuth tokens go: a password reset, a password
change, two-factor sign-in turned on or off (``accounts.services.oauth_tokens_revoke``). Also:
the reset link is built from MICROCRED_PUBLIC_URL, never from the request's Host header."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)

from microcred.accounts import two_factor
from tests.factories import PASSWORD, user

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
NEW_PASSWORD = "a brand new passphrase 7"
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _tokens_for(person) -> str:  # type: ignore[no-untyped-def]
    app = get_application_model().objects.create(
        name="Wallet", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris="https://wallet.example/cb")
    value = f"access-{person.pk}"
    access = AccessToken.objects.create(
        user=person, application=app, token=value, expires=timezone.now() + timedelta(hours=1),
        scope="https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly")
    RefreshToken.objects.create(user=person, application=app, token=f"refresh-{person.pk}",
                                access_token=access)
    return value


def _api_works(value: str) -> bool:
    response = Client().get("/ims/ob/v3p0/profile", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code in {200, 401}
    return response.status_code == 200


def _assert_gone(person, value: str) -> None:  # type: ignore[no-untyped-def]
    assert not AccessToken.objects.filter(user=person).exists()
    assert not RefreshToken.objects.filter(user=person).exists()
    assert not _api_works(value)


def _reset_link(client: Client, email: str, **headers: str) -> str:
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": email}, **headers)
    assert len(mail.outbox) == 1
    return re.search(r"https?://\S+", mail.outbox[0].body).group(0)  # type: ignore[union-attr]


@override_settings(MAILERS=LOCMEM)
def test_a_password_reset_revokes_the_tokens(client: Client) -> None:
    person = user()
    value = _tokens_for(person)
    assert _api_works(value)
    link = _reset_link(client, person.email)
    form = client.get(urlsplit(link).path, follow=True)  # Django moves the token to the session
    assert form.status_code == 200 and form.redirect_chain
    response = client.post(form.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    _assert_gone(person, value)


@override_settings(MAILERS=LOCMEM, PUBLIC_URL="https://badges.example.org", ALLOWED_HOSTS=["*"])
def test_the_reset_link_is_on_the_public_url_whatever_the_host_header(client: Client) -> None:
    person = user()
    link = _reset_link(client, person.email, HTTP_HOST="attacker.example")
    assert link.startswith("https://badges.example.org/accounts/password-reset/"), link
    assert "attacker.example" not in mail.outbox[0].body


def test_a_password_change_revokes_the_tokens(client: Client) -> None:
    person = user()
    value = _tokens_for(person)
    client.force_login(person)
    assert client.get("/accounts/me/password/").status_code == 200
    wrong = client.post("/accounts/me/password/", {
        "old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and _api_works(value)  # nothing changed
    response = client.post("/accounts/me/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert client.get("/accounts/me/").status_code == 200  # this session stays signed in
    _assert_gone(person, value)


def test_turning_two_factor_on_and_off_revokes_the_tokens() -> None:
    person = user()
    value = _tokens_for(person)
    secret = two_factor.new_secret()
    two_factor.device_enable(actor=person, secret=secret, code=pyotp.TOTP(secret).now())
    _assert_gone(person, value)
    value = _tokens_for(person)
    assert _api_works(value)
    two_factor.device_disable(actor=person, password=PASSWORD)
    _assert_gone(person, value)


def test_a_wrong_password_when_turning_two_factor_off_keeps_the_tokens() -> None:
    person = user()
    secret = two_factor.new_secret()
    two_factor.device_enable(actor=person, secret=secret, code=pyotp.TOTP(secret).now())
    value = _tokens_for(person)
    with pytest.raises(Exception, match="password"):
        two_factor.device_disable(actor=person, password="not it")
    assert _api_works(value)
