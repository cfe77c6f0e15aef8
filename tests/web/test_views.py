import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_is_accessible_shape(client: Client) -> None:
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert '<html lang="en">' in html
    assert "/static/microcred/htmx.min.js" in html


def test_errors_have_one_html_shape_and_one_json_shape(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    response = client.get("/no-such-page/", HTTP_ACCEPT="application/json")
    assert response.json() == {"error": {"code": "not_found",
                                         "message": "There is nothing at this address."}}


def test_static_files_are_served(client: Client) -> None:
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
