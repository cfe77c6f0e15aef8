import json

import pytest
from django.db import connection
from django.test import override_settings

from microcred.actors import SYSTEM
from microcred.issuance.identity import did_web_document, web_did
from microcred.issuance.issuer_keys import issuer_key_get_or_create, issuer_key_load
from microcred.issuance.models import Credential, IssuerKey
from microcred.issuance.services import credential_request_issue, credential_sign
from microcred.vc.verifier import VerifyOptions, verify_report
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db


def _issued(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


def test_pass_issues_a_signed_open_badge_that_verifies(world: World) -> None:
    credential = _issued(world)
    assert credential.is_issued
    document = json.loads(credential.signed_json)
    assert "OpenBadgeCredential" in document["type"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["issuer"]["name"] == world.org.name
    assert document["credentialSubject"]["achievement"]["name"] == world.mc.title
    assert world.learner.email not in credential.signed_json  # hashed identity only
    report = credential_verify(data=credential.signed_json)  # with our own status lists
    assert report.verdict == "passed", report.as_dict()
    # Without them, the status cannot be checked: never "passed".
    assert verify_report(credential.signed_json, options=VerifyOptions()).verdict == "unknown"
    assert report.check("proof").outcome == "passed"


def test_issuance_is_idempotent(world: World) -> None:
    credential = _issued(world)
    before = credential.signed_json
    again = credential_sign(credential_id=credential.pk)
    assert again.signed_json == before
    assert credential_request_issue(actor=SYSTEM, attempt=credential.attempt) == credential
    assert Credential.objects.count() == 1


def test_key_is_stored_encrypted(world: World) -> None:
    _issued(world)
    row = IssuerKey.objects.get(organization=world.org)
    secret = issuer_key_load(issuer_key=row).secret_multibase
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_secret, public_multibase FROM issuance_issuerkey")
        sealed, public = cursor.fetchone()
    assert secret not in sealed and "secretKeyMultibase" not in sealed
    assert public == row.public_multibase
    assert issuer_key_get_or_create(organization=world.org) == row  # created once


@override_settings(ISSUER_DID_METHOD="web", PUBLIC_URL="https://badges.example.org",
                   PUBLIC_HOST="badges.example.org")
def test_did_web_issuer_verifies_through_the_platform_document(world: World) -> None:
    credential = _issued(world)
    document = json.loads(credential.signed_json)
    assert document["issuer"]["id"] == web_did() == "did:web:badges.example.org"
    did_doc = did_web_document()
    method = did_doc["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["id"] in did_doc["assertionMethod"]
    assert document["proof"]["verificationMethod"] == method["id"]
    report = credential_verify(data=credential.signed_json)
    assert report.verdict == "passed", report.as_dict()
