"""VC-API: /credentials/issue (authenticated), /credentials/verify, /presentations/verify."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from microcred.actors import SYSTEM
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
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
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
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
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
    assert set(ok.json()["checks"]) == {"format", "schema", "proof", "holder", "credentials"}
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


# -- issue 14: the VC-API issuer, verifier and status endpoint --------------------------------

EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def _admin_of(org):  # type: ignore[no-untyped-def]
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=org, user=admin, role=Role.ADMIN)
    return admin, token_for(admin, "vc.issue")


def _did(org) -> str:  # type: ignore[no-untyped-def]
    from microcred.issuance import identity
    from microcred.issuance.issuer_keys import issuer_key_get_or_create

    return identity.issuer_did(issuer_key_get_or_create(organization=org))


def plain_vc(issuer: object) -> dict:
    """A plain VC 2.0 credential, as the W3C vc-data-model-2.0 test suite sends them."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": "The School of Examples"},
    }


def _issue(client: Client, tok: str, credential: object, **options: object):  # type: ignore[no-untyped-def]
    body: dict[str, object] = {"credential": credential}
    if options:
        body["options"] = options
    return client.post("/credentials/issue", data=json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tok}")


def _verify(client: Client, vc: object):  # type: ignore[no-untyped-def]
    return client.post("/credentials/verify", data=json.dumps({"verifiableCredential": vc}),
                       content_type="application/json")


def test_issue_keeps_a_string_issuer_and_the_callers_fields(client: Client, world: World) -> None:
    """Finding 11: a string issuer stays a string (no OB Profile without the OB context)."""
    _admin, tok = _admin_of(world.org)
    did = _did(world.org)
    sent = plain_vc(did)
    issued = _issue(client, tok, sent)
    assert issued.status_code == 201, issued.json()
    vc = issued.json()["verifiableCredential"]
    assert vc["issuer"] == did
    for name in ("@context", "type", "validFrom", "credentialSubject"):
        assert vc[name] == sent[name]
    verified = _verify(client, vc)
    assert verified.status_code == 200, verified.json()


def test_issue_keeps_an_object_issuer_with_the_organizations_profile(
    client: Client, world: World,
) -> None:
    """Finding 11 and finding 6 (VC-API half): the issuer profile comes from the organization.
    A name or description the caller sends is checked for shape (VC 2.0 section 4.6) and then
    replaced by the organization's own, so an admin of one organization cannot sign "Org B"."""
    _admin, tok = _admin_of(world.org)
    did = _did(world.org)
    issued = _issue(client, tok, plain_vc({"id": did, "name": world.org.name}))
    assert issued.status_code == 201, issued.json()
    assert issued.json()["verifiableCredential"]["issuer"] == {"id": did, "name": world.org.name}
    borrowed = _issue(client, tok, plain_vc(
        {"id": did, "name": {"@value": "Org B", "@language": "en"}, "description": "Org B's"}))
    assert borrowed.status_code == 201, borrowed.json()
    issuer = borrowed.json()["verifiableCredential"]["issuer"]
    assert issuer["name"] == world.org.name
    assert issuer.get("description", world.org.description) == world.org.description
    malformed = _issue(client, tok, plain_vc(
        {"id": did, "name": {"@value": "Org B", "@language": "en", "extra": 1}}))
    assert malformed.status_code == 400, malformed.json()
    extra = _issue(client, tok, plain_vc({"id": did, "url": "https://org-b.example"}))
    assert extra.status_code == 400 and any("issuer.url" in e for e in extra.json()["errors"])
    assert not Credential.objects.filter(via_vc_api=True, signed_json__contains="Org B").exists()


def test_a_vc_1_1_credential_is_signed_without_a_status_entry(
    client: Client, world: World,
) -> None:
    """The W3C Data Integrity suites issue a VC 1.1 credential: it is signed as sent (the 1.1
    context defines no Bitstring Status List terms), and asking for a status entry is refused."""
    _admin, tok = _admin_of(world.org)
    did = _did(world.org)
    v1 = {"@context": ["https://www.w3.org/2018/credentials/v1"],
          "type": ["VerifiableCredential"], "issuer": did,
          "issuanceDate": "2020-03-16T22:37:26.544Z",
          "credentialSubject": {"id": "did:example:subject"}}
    issued = _issue(client, tok, v1)
    assert issued.status_code == 201, issued.json()
    vc = issued.json()["verifiableCredential"]
    assert "credentialStatus" not in vc and vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert _verify(client, vc).status_code == 200
    refused = _issue(client, tok, v1, credentialStatus={"type": "BitstringStatusListEntry"})
    assert refused.status_code == 400
    assert any("VC 1.1" in e for e in refused.json()["errors"])


def test_issue_refuses_another_organizations_issuer(client: Client, world: World) -> None:
    from tests.factories import organization

    _admin, tok = _admin_of(world.org)
    other = organization()
    other_did = _did(other)
    for issuer in (other_did, {"id": other_did}, "https://elsewhere.example/issuer"):
        refused = _issue(client, tok, plain_vc(issuer))
        assert refused.status_code == 400, issuer
        assert any("not an issuer you may sign as" in e for e in refused.json()["errors"])
    assert not Credential.objects.filter(via_vc_api=True).exists()


@pytest.mark.parametrize(("change", "named"), [
    ({"credentialSubject": None}, "credentialSubject"),
    ({"credentialSubject": {}}, "credentialSubject"),
    ({"credentialSubject": []}, "credentialSubject"),
    ({"validFrom": "Sat 25 Feb 2023 07:16:31 PM CST"}, "validFrom"),
    ({"validUntil": "2022-01-01T00:00:00Z"}, "validUntil"),
    ({"credentialStatus": {"id": "https://status.example/1"}}, "credentialStatus.type"),
    ({"evidence": [{"id": "https://evidence.example/1"}]}, "evidence[0].type"),
    ({"termsOfUse": {"id": "https://terms.example/1"}}, "termsOfUse.type"),
    ({"refreshService": {"id": "https://refresh.example/1"}}, "refreshService.type"),
    ({"credentialSchema": {"id": "https://schema.example/1"}}, "credentialSchema.type"),
    ({"relatedResource": [{"id": "https://x.example/a.png"}]}, "digestSRI or digestMultibase"),
    ({"relatedResource": {"digestSRI": "sha384-abc"}}, "relatedResource.id"),
    ({"issuer": {"id": None}}, "issuer.id"),
    ({"@context": [EXAMPLES, "https://www.w3.org/ns/credentials/v2"]}, "@context"),
    ({"type": ["ExampleAlumniCredential"]}, "VerifiableCredential"),
    ({"id": "not a url"}, "$.id"),
    ({"name": 7}, "$.name"),
])
def test_issue_refuses_what_vc2_forbids(client: Client, world: World, change: dict,
                                        named: str) -> None:
    """Finding 12: the issuer validates the VC 2.0 data model before signing."""
    _admin, tok = _admin_of(world.org)
    credential = plain_vc(_did(world.org))
    for key, value in change.items():
        if value is None and key == "credentialSubject":
            del credential[key]
        else:
            credential[key] = value
    refused = _issue(client, tok, credential)
    assert refused.status_code == 400, refused.json()
    assert any(named in e for e in refused.json()["errors"]), refused.json()
    assert not Credential.objects.filter(via_vc_api=True).exists()


def test_issue_names_every_problem_not_only_the_first(client: Client, world: World) -> None:
    _admin, tok = _admin_of(world.org)
    credential = {**plain_vc({"id": None}), "validFrom": "yesterday", "credentialSubject": {},
                  "evidence": {"id": "https://e.example"}}
    errors = _issue(client, tok, credential).json()["errors"]
    for named in ("issuer.id", "validFrom", "credentialSubject", "evidence"):
        assert any(named in e for e in errors), (named, errors)


def test_issue_accepts_language_names_and_related_resources(client: Client,
                                                            world: World) -> None:
    _admin, tok = _admin_of(world.org)
    credential = {**plain_vc(_did(world.org)),
                  "name": [{"@value": "Alumni", "@language": "en"},
                           {"@value": "Alumnos", "@language": "es"}],
                  "relatedResource": [{"id": "https://x.example/a.png",
                                       "digestSRI": "sha384-" + "A" * 64}]}
    issued = _issue(client, tok, credential)
    assert issued.status_code == 201, issued.json()


def test_verify_refuses_a_secured_document_that_is_not_a_map(client: Client) -> None:
    """Finding 13: a string is not a secured credential or presentation."""
    badge = outside_credential()
    as_text = client.post("/credentials/verify",
                          data=json.dumps({"verifiableCredential": json.dumps(badge)}),
                          content_type="application/json")
    assert as_text.status_code == 400
    assert "verifiableCredential must be a JSON object" in as_text.json()["errors"][0]
    for value in (None, 7, [badge]):
        response = client.post("/credentials/verify",
                               data=json.dumps({"verifiableCredential": value}),
                               content_type="application/json")
        assert response.status_code == 400 and response.json()["errors"]
    vp = client.post("/presentations/verify",
                     data=json.dumps({"verifiablePresentation": json.dumps({"type": "x"})}),
                     content_type="application/json")
    assert vp.status_code == 400
    assert "verifiablePresentation must be a JSON object" in vp.json()["errors"][0]


def test_vc_api_errors_share_one_shape(client: Client, world: World) -> None:
    """401 (no token), 405, a body that is not JSON: all ``{"errors": [...]}``."""
    for path in ("/credentials/issue", "/credentials/status"):
        anonymous = client.post(path, data="{}", content_type="application/json")
        assert anonymous.status_code == 401
        assert anonymous.json() == {"errors": [anonymous.json()["errors"][0]]}
        assert anonymous["WWW-Authenticate"].startswith("Bearer")
        assert client.get(path).json()["errors"]
    _admin, tok = _admin_of(world.org)
    for path in ("/credentials/issue", "/credentials/status", "/credentials/verify",
                 "/presentations/verify"):
        for body in ("not json", "[1, 2]"):
            response = client.post(path, data=body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {tok}")
            assert response.status_code == 400, (path, body)
            assert set(response.json()) == {"errors"} and response.json()["errors"][0]


def test_issued_credentials_are_stored_with_a_status_entry(client: Client, world: World) -> None:
    """Finding 15: stored as signed, with the platform's status entry."""
    _admin, tok = _admin_of(world.org)
    vc = _issue(client, tok, plain_vc(_did(world.org))).json()["verifiableCredential"]
    row = Credential.objects.get(via_vc_api=True)
    assert json.loads(row.signed_json) == vc and row.credential_id == vc["id"]
    assert row.organization == world.org and row.learner is None and row.is_issued
    status = vc["credentialStatus"]
    entries = status if isinstance(status, list) else [status]
    assert entries and all(e["type"] == "BitstringStatusListEntry" for e in entries)
    assert row.status_entries.count() == len(entries)


def test_issue_lets_the_caller_choose_the_status_purpose(client: Client, world: World) -> None:
    _admin, tok = _admin_of(world.org)
    vc = _issue(client, tok, plain_vc(_did(world.org)),
                credentialStatus={"type": "BitstringStatusListEntry",
                                  "statusPurpose": "suspension"}).json()["verifiableCredential"]
    assert vc["credentialStatus"]["statusPurpose"] == "suspension"
    bad = _issue(client, tok, plain_vc(_did(world.org)),
                 credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "gone"})
    assert bad.status_code == 400 and "statusPurpose" in bad.json()["errors"][0]


def test_issue_refuses_an_id_the_platform_uses(client: Client, world: World,
                                               settings) -> None:  # type: ignore[no-untyped-def]
    _admin, tok = _admin_of(world.org)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    platform_id = Credential.objects.get(attempt=attempt).credential_id
    taken = _issue(client, tok, {**plain_vc(_did(world.org)), "id": platform_id})
    assert taken.status_code == 409 and platform_id in taken.json()["errors"][0]
    in_our_space = f"{settings.PUBLIC_URL}/credentials/00000000-0000-4000-8000-000000000000"
    assert _issue(client, tok, {**plain_vc(_did(world.org)),
                                "id": in_our_space}).status_code == 409
    mine = {**plain_vc(_did(world.org)), "id": "urn:uuid:7f3c1e8a-1111-4e2b-9c1d-2a3b4c5d6e7f"}
    assert _issue(client, tok, mine).status_code == 201
    again = _issue(client, tok, mine)
    assert again.status_code == 409
    assert Credential.objects.filter(credential_id=mine["id"]).count() == 1


def _status(client: Client, tok: str, body: object):  # type: ignore[no-untyped-def]
    return client.post("/credentials/status", data=json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tok}")


def test_status_endpoint_suspends_and_revokes(client: Client, world: World) -> None:
    """Finding 15: POST /credentials/status, then the verifier sees the change."""
    from tests.factories import organization

    _admin, tok = _admin_of(world.org)
    vc = _issue(client, tok, plain_vc(_did(world.org))).json()["verifiableCredential"]
    assert _verify(client, vc).status_code == 200
    _other_admin, other_tok = _admin_of(organization())
    stranger = _status(client, other_tok, {"credentialId": vc["id"], "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": "revoked"}]})
    assert stranger.status_code == 404
    suspended = _status(client, tok, {
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
        "status": True})
    assert suspended.status_code == 200, suspended.json()
    assert suspended.json()["suspended"] is True
    assert _verify(client, vc).status_code == 400
    lifted = _status(client, tok, {"credentialId": vc["id"], "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": "active"}]})
    assert lifted.status_code == 200 and lifted.json()["suspended"] is False
    assert _verify(client, vc).status_code == 200
    revoked = _status(client, tok, {"credentialId": vc["id"], "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": "revoked"}]})
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    after = _verify(client, vc)
    assert after.status_code == 400 and any(e.startswith("status") for e in after.json()["errors"])
    final = _status(client, tok, {
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": False})
    assert final.status_code == 409 and final.json()["errors"]
    for bad in ({}, {"credentialId": vc["id"]},
                {"credentialId": vc["id"],
                 "credentialStatus": [{"type": "X", "status": "revoked"}]},
                {"credentialId": vc["id"], "credentialStatus": [
                    {"type": "BitstringStatusListEntry", "status": "gone"}]}):
        response = _status(client, tok, bad)
        assert response.status_code == 400 and response.json()["errors"], bad
