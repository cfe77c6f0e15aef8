"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) is a 413 in the shape the caller reads: the
OB 3.0 API's Imsx_StatusInfo, the VC-API's errors list, the site's page elsewhere; never a 400
HTML page where a client expects JSON, never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from microcred.actors import SYSTEM
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from tests.api.test_vc_api import token_for
from tests.factories import World, user

pytestmark = pytest.mark.django_db

BIG = b'{"x": "' + b"a" * (2 * 1024 * 1024 + 10) + b'"}'


def test_the_ob_api_answers_413_as_imsx_status_info(world: World) -> None:
    tok = token_for(world.learner, settings.OB_SCOPE + "credential.upsert")
    response = Client().post("/ims/ob/v3p0/credentials", BIG, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {tok}")
    assert response.status_code == 413
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert "too large" in body["imsx_description"]
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == (
        "invalid_data")


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
def test_the_vc_api_answers_413_in_its_shape(path: str) -> None:
    response = Client().post(path, BIG, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"errors": [
        "The request body is too large: at most 2 MB is accepted."]}


def test_vc_issue_answers_413_in_its_shape(world: World) -> None:
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    tok = token_for(admin, "vc.issue")
    response = Client().post("/credentials/issue", BIG, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {tok}")
    assert response.status_code == 413
    assert list(response.json()) == ["errors"]


def test_a_page_answers_413_with_the_site_error_page(world: World) -> None:
    client = Client()
    client.force_login(world.learner)
    response = client.post("/verify/", {"credential_text": "a" * (2 * 1024 * 1024 + 10)})
    assert response.status_code == 413
    html = response.content.decode()
    assert "The request body is too large: at most 2 MB is accepted." in html
    assert "<html" in html
