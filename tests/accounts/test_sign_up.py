"""Sign-up does not tell whether an address has an account: the same "check your email" page
either way (``accounts.services.sign_up_request``); the address's owner gets either the link
that creates the account or a note that someone tried, with the sign-in and reset links."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client, override_settings

from microcred.accounts.models import User
from tests.factories import PASSWORD, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox() -> Iterator[None]:
    with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}):
        mail.outbox.clear()
        yield


def sign_up(client: Client, email: str, name: str = "Grace",
            password: str = "a long passphrase 42", **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/sign-up/", {"display_name": name, "email": email,
                                              "password": password}, **headers)


def emailed_link() -> str:
    """The path of the sign-up link in the last email."""
    url = re.search(r"https?://\S+/accounts/sign-up/\S+",
                    mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    return urlsplit(url).path


def _page(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account() -> None:
    taken = user(email="taken@example.test")
    new = sign_up(Client(), "new@example.test")
    existing = sign_up(Client(), "TAKEN@example.test")
    assert new.status_code == existing.status_code == 200
    assert _page(new).replace("new@example.test", "X") == _page(existing).replace(
        "TAKEN@example.test", "X")
    assert "already" not in _page(existing)
    # Each owner is told by email, and only them.
    assert [m.to for m in mail.outbox] == [["new@example.test"], ["taken@example.test"]]
    assert "/accounts/sign-up/" in mail.outbox[0].body
    holder = mail.outbox[1].body
    assert "/accounts/sign-in/" in holder and "/accounts/password-reset/" in holder
    assert "/accounts/sign-up/" not in holder
    taken.refresh_from_db()
    assert taken.check_password(PASSWORD) and taken.display_name != "Grace"  # untouched


def test_a_weak_password_is_refused_the_same_way_for_both() -> None:
    user(email="taken@example.test")
    for email in ("new@example.test", "taken@example.test"):
        response = sign_up(Client(), email, password="short1")
        assert response.status_code == 200 and "too short" in response.content.decode()
    assert not mail.outbox


@override_settings(PUBLIC_URL="https://badges.example.org", ALLOWED_HOSTS=["*"])
def test_the_emailed_links_are_on_the_public_url() -> None:
    user(email="taken@example.test")
    sign_up(Client(), "new@example.test", HTTP_HOST="attacker.example")
    sign_up(Client(), "taken@example.test", HTTP_HOST="attacker.example")
    for message in mail.outbox:
        assert "https://badges.example.org/accounts/" in message.body
        assert "attacker.example" not in message.body


def test_the_link_creates_the_account_once_and_signs_in() -> None:
    client = Client(headers={"accept-language": "es"})
    sign_up(client, "lucia@example.test", name="Lucía")
    link = emailed_link()
    assert client.post(link).status_code == 302
    lucia = User.objects.get(email="lucia@example.test")
    assert lucia.language == "es" and lucia.display_name == "Lucía"
    again = Client().post(link)
    assert again.status_code == 400 and User.objects.filter(email="lucia@example.test").count() == 1


def test_a_damaged_or_old_link_creates_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    sign_up(client, "late@example.test")
    link = emailed_link()
    damaged = link[:-6] + ("AAAAA" if not link.endswith("AAAAA/") else "BBBBB") + "/"
    assert client.post(damaged).status_code == 400
    later = time.time() + 25 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.test").exists()
