import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from microcred.issuance.models import Credential
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


def test_learner_sees_it_under_my_credentials(client: Client, world: World,
                                              credential: Credential) -> None:
    client.force_login(world.learner)
    html = client.get(reverse("learner:my_credentials")).content.decode()
    assert world.mc.title in html
    assert reverse("issuance:credential", args=[credential.public_id]) in html


def test_public_page_shows_what_who_when_and_checks(client: Client, world: World,
                                                     credential: Credential) -> None:
    html = client.get(reverse("issuance:credential", args=[credential.public_id])).content.decode()
    assert world.mc.title in html and world.org.name in html
    assert "Verified: every check passed" in html
    for check in ("Proof", "Issuer", "Validity", "Status"):
        assert f"<strong>{check}</strong>" in html


def test_json_download_is_byte_for_byte(client: Client, credential: Credential) -> None:
    response = client.get(reverse("issuance:credential_json", args=[credential.public_id]))
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.content == credential.signed_json.encode("utf-8")
    assert json.loads(response.content)["proof"]["type"] == "DataIntegrityProof"


def test_unknown_credential_is_404_in_both_shapes(client: Client) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/credentials/{missing}/").status_code == 404
    response = client.get(f"/credentials/{missing}.json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_did_json_only_for_did_web(client: Client, credential: Credential) -> None:
    assert client.get("/.well-known/did.json").status_code == 404
    with override_settings(ISSUER_DID_METHOD="web", PUBLIC_URL="https://badges.example.org",
                           PUBLIC_HOST="badges.example.org"):
        doc = client.get("/.well-known/did.json").json()
    assert doc["id"] == "did:web:badges.example.org"
    assert doc["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
