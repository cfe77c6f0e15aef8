import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from microcred.issuance.models import Credential
from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


def test_pasted_credential_verifies(client: Client, credential: Credential) -> None:
    response = client.post(reverse("verification:verify"),
                           {"credential_text": credential.signed_json})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified: every check passed" in html
    assert credential.micro_credential.title in html


def test_uploaded_credential_verifies(client: Client, credential: Credential) -> None:
    upload = SimpleUploadedFile("c.json", credential.signed_json.encode(), "application/json")
    html = client.post(reverse("verification:verify"),
                       {"credential_file": upload}).content.decode()
    assert "Verified: every check passed" in html


def test_tampered_credential_fails_and_says_so(client: Client, credential: Credential) -> None:
    doc = json.loads(credential.signed_json)
    doc["credentialSubject"]["achievement"]["name"] = "Something else"
    html = client.post(reverse("verification:verify"),
                       {"credential_text": json.dumps(doc)}).content.decode()
    assert "Not verified: a check failed" in html
    assert "outcome-failed" in html


def test_someone_elses_credential_verifies_offline() -> None:
    key = Ed25519Multikey.generate(seed=bytes(32))
    achievement = ob.achievement(id="https://other.example/a/1", name="Other badge",
                                 description="Issued elsewhere.",
                                 criteria_narrative="Did the thing.")
    doc = ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name="Other issuer"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement,
                                       identifier=[ob.identity_object(value="x@y.test")]),
        valid_from=ob.now_iso())
    signed = sign(doc, key=key)
    html = Client().post(reverse("verification:verify"),
                         {"credential_text": json.dumps(signed)}).content.decode()
    assert "Verified: every check passed" in html and "Other issuer" in html


def test_garbage_is_reported_not_crashed(client: Client) -> None:
    response = client.post(reverse("verification:verify"), {"credential_text": "not json"})
    assert response.status_code == 200
    assert "Not verified" in response.content.decode()


def test_empty_form_shows_error(client: Client) -> None:
    response = client.post(reverse("verification:verify"), {})
    assert response.status_code == 400
    assert 'id="id_credential_text_error"' in response.content.decode()


def test_a_verified_credential_shows_no_error_box(client: Client,
                                                  credential: Credential) -> None:
    html = client.post(reverse("verification:verify"),
                       {"credential_text": credential.signed_json}).content.decode()
    assert "error-summary" not in html and "Please correct" not in html
