"""VC-API: /credentials/issue (authenticated), /credentials/verify, /presentations/verify."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from microcred.issuance.models import Credential
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from microcred.vc.keys import Ed25519Multikey
from tests.api.test_oauth_flow import outside_credential
from tests.factories import World, pass_attempt, submitted_attempt, user

pytestmark = pytest.mark.django_db


def token_for(person, scope: str) -> str:  # type: ignore[no-untyped-def]
    app = get_application_model().objects.create(
        name="test", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris="https://x.example/cb")
    get_access_token_model().objects.create(
        user=person, application=app, token=f"tok-{person.pk}-{scope}", scope=scope,
        expires=timezone.now() + timedelta(hours=1))
    return f"tok-{person.pk}-{scope}"


def unsigned() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Workshop attendance",
        "credentialSubject": {
            "id": "did:example:ana", "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.org/a/1", "type": ["Achievement"],
                            "name": "Workshop attendance", "description": "Attended.",
                            "criteria": {"narrative": "Was there."}},
        },
    }


def test_issue_needs_an_admin_token_then_signs_as_the_org(client: Client, world: World) -> None:
    response = client.post("/credentials/issue", data=json.dumps({"credential": unsigned()}),
                           content_type="application/json")
    assert response.status_code == 401
    learner_token = token_for(world.learner, "vc.issue")
    refused = client.post("/credentials/issue", data=json.dumps({"credential": unsigned()}),
                          content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {learner_token}")
    assert refused.status_code == 403 and refused.json()["errors"]
    admin = user("Admin")
    membership_grant(actor=None, organization=world.org, user=admin, role=Role.ADMIN)
    tok = token_for(admin, "vc.issue")
    issued = client.post("/credentials/issue", data=json.dumps({"credential": unsigned()}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tok}")
    assert issued.status_code == 201, issued.content
    vc = issued.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["issuer"]["name"] == world.org.name
    verified = client.post("/credentials/verify", data=json.dumps({"verifiableCredential": vc}),
                           content_type="application/json")
    assert verified.status_code == 200, verified.json()
    assert {"proof", "issuer"} <= set(verified.json()["checks"])


def test_verify_refuses_tampered_and_unknown_status(client: Client, world: World) -> None:
    badge = outside_credential()
    ok = client.post("/credentials/verify", data=json.dumps({"verifiableCredential": badge}),
                     content_type="application/json")
    assert ok.status_code == 200
    tampered = {**badge, "name": "Forged"}
    bad = client.post("/credentials/verify", data=json.dumps({"verifiableCredential": tampered}),
                      content_type="application/json")
    assert bad.status_code == 400 and any(e.startswith("proof") for e in bad.json()["errors"])
    assert client.post("/credentials/verify", data="nope",
                       content_type="application/json").status_code == 400


def test_verify_reports_our_revocations(client: Client, world: World) -> None:
    from microcred.issuance.services import credential_revoke

    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    body = json.dumps({"verifiableCredential": json.loads(credential.signed_json)})
    assert client.post("/credentials/verify", data=body,
                       content_type="application/json").status_code == 200
    admin = user("Admin")
    membership_grant(actor=None, organization=world.org, user=admin, role=Role.ADMIN)
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Mistake")
    revoked = client.post("/credentials/verify", data=body, content_type="application/json")
    assert revoked.status_code == 400 and any(e.startswith("status")
                                              for e in revoked.json()["errors"])


def _post_vp(client: Client, vp: dict, **options: object):  # type: ignore[no-untyped-def]
    return client.post("/presentations/verify", data=json.dumps({
        "verifiablePresentation": vp, "options": options}), content_type="application/json")


def test_presentations_verify(client: Client) -> None:
    from microcred.vc.presentation import present

    holder = Ed25519Multikey.generate()
    signed = present([outside_credential()], key=holder)
    ok = _post_vp(client, signed)
    assert ok.status_code == 200, ok.json()
    assert set(ok.json()["checks"]) == {"format", "proof", "holder", "credentials"}
    # A verifier that asks for a challenge refuses a proof without one.
    wrong = _post_vp(client, signed, challenge="c-123")
    assert wrong.status_code == 400
    assert any(e.startswith("proof:") and "c-123" in e for e in wrong.json()["errors"])
    forged = present([{**outside_credential(), "name": "X"}], key=holder)
    bad = _post_vp(client, forged)
    assert bad.status_code == 400 and any("credential 1 proof" in e for e in bad.json()["errors"])
    tampered = {**signed, "holder": "did:example:someone-else"}
    assert _post_vp(client, tampered).status_code == 400


def test_presentations_verify_checks_challenge_and_domain(client: Client) -> None:
    from microcred.vc.presentation import present

    holder = Ed25519Multikey.generate()
    signed = present([outside_credential()], key=holder, challenge="c-123",
                     domain="verifier.example")
    assert _post_vp(client, signed, challenge="c-123", domain="verifier.example"
                    ).status_code == 200
    assert _post_vp(client, signed, challenge="c-123").status_code == 200
    assert _post_vp(client, signed, domain=["other.example", "verifier.example"]
                    ).status_code == 200
    replay = _post_vp(client, signed, challenge="c-456", domain="verifier.example")
    assert replay.status_code == 400
    assert any("another challenge" in e for e in replay.json()["errors"])
    elsewhere = _post_vp(client, signed, challenge="c-123", domain="elsewhere.example")
    assert elsewhere.status_code == 400
    assert any("another domain" in e for e in elsewhere.json()["errors"])
    no_domain = present([outside_credential()], key=holder, challenge="c-123")
    missing = _post_vp(client, no_domain, challenge="c-123", domain="verifier.example")
    assert missing.status_code == 400
    assert any("has no domain" in e for e in missing.json()["errors"])
    # The challenge is signed: editing it to what the verifier wants breaks the proof.
    edited = {**signed, "proof": {**signed["proof"], "challenge": "c-456"}}
    assert _post_vp(client, edited, challenge="c-456").status_code == 400
    assert _post_vp(client, signed, challenge=7).status_code == 400
    assert _post_vp(client, signed, domain=[]).status_code == 400
