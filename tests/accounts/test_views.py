import pytest
from django.test import Client
from django.urls import reverse

from microcred.accounts.models import User
from tests.factories import PASSWORD, user

pytestmark = pytest.mark.django_db


def test_sign_up_creates_account_and_signs_in(client: Client) -> None:
    """A new address: "check your email", then the emailed link creates the account."""
    from tests.accounts.test_sign_up import emailed_link, sign_up

    response = sign_up(client, "grace@example.test")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert not User.objects.filter(email="grace@example.test").exists()
    page = client.get(emailed_link())
    assert page.status_code == 200 and "grace@example.test" in page.content.decode()
    assert not User.objects.filter(email="grace@example.test").exists()  # a GET creates nothing
    response = client.post(emailed_link())
    assert response.status_code == 302
    grace = User.objects.get(email="grace@example.test")
    assert grace.display_name == "Grace" and grace.check_password("a long passphrase 42")
    assert client.get(reverse("pages:home")).context["user"].is_authenticated


def test_sign_up_error_is_next_to_the_field(client: Client) -> None:
    response = client.post(reverse("accounts:sign_up"), {
        "display_name": "Grace", "email": "grace@example.test", "password": "short"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password_helptext id_password_error"' in html


def test_sign_in_with_email_and_password(client: Client) -> None:
    person = user()
    response = client.post(reverse("accounts:sign_in"),
                           {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    response = Client().post(reverse("accounts:sign_in"),
                             {"username": person.email, "password": "wrong"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
