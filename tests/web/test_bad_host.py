"""A Host header outside ALLOWED_HOSTS is refused with 400 in the platform's error shape, not a
500: the error page is rendered before AuthenticationMiddleware has set ``request.user``."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/accounts/password-reset/"])
def test_an_unknown_host_is_a_400_page(path: str) -> None:
    response = Client(raise_request_exception=False).get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "bad_request" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_host_is_a_json_400_for_json_clients() -> None:
    response = Client(raise_request_exception=False).post(
        "/oauth/register/", "{}", content_type="application/json", HTTP_HOST="evil.example",
        HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
