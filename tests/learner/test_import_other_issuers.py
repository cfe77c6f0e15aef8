"""A learner imports an authentic credential another issuer signed, when it names them (issue 24).

The credentials are signed here with keys generated for the test, by the spec-written signers
of :mod:`tests.vc.interop_signers` (suites microcred verifies but does not sign with:
Ed25519Signature2020 as the DCC's tools issue it, ecdsa-rdfc-2019) and as a VC-JWT whose key is
a did:jwk. What decides keeping one is that it is authentic (every proof valid, by a key of its
issuer) and not invalid now; a structure that does not fully conform is kept and shown, a
status list out of reach does not block, and a credential without an ``id`` (VC 2.0 makes it
optional) is keyed on the hash of its text.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.learner.models import HeldCredential
from microcred.learner.services import CredentialRefused, held_credential_upsert
from microcred.vc import openbadges as ob
from microcred.vc.jose import sign_jwt
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, did_key_proven
from tests.vc import interop_signers as signers

pytestmark = pytest.mark.django_db

ED25519_2020 = signers.Suite("Ed25519Signature2020", None, "Ed25519")
ECDSA_RDFC_P256 = signers.Suite("DataIntegrityProof", "ecdsa-rdfc-2019", "P-256")
UNIVERSITY = "Example State University"


def badge(*, issuer: str, subject_id: str | None = None,
          identifier: list[dict[str, Any]] | None = None, name: str = "Data Literacy",
          number: int = 1) -> dict[str, Any]:
    """An Open Badges 3.0 credential from an issuer that is not on this platform."""
    achievement = ob.achievement(
        id=f"https://university.example/achievements/{number}", name=name,
        description="Reads and questions the numbers in a news story.",
        criteria_narrative="Passed the course's final project.")
    return ob.open_badge_credential(
        id=f"urn:uuid:8f0c2d7e-1b3a-4c5d-9e6f-{number:012d}",
        issuer=ob.profile(id=issuer, name=UNIVERSITY), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id=subject_id,
                                       identifier=identifier or ()),
        valid_from="2025-06-01T12:00:00Z")


def dcc_style(document: dict[str, Any]) -> dict[str, Any]:
    """The shape the DCC's issuing tools gave Ed25519Signature2020 credentials: VC 1.1 with
    ``issuanceDate``, and the suite's own context."""
    document["@context"] = [signers.VC_V1, *document["@context"][1:],
                            signers.ED25519_2020_CONTEXT]
    document["issuanceDate"] = document.pop("validFrom")
    return document


def signed(document: dict[str, Any], suite: signers.Suite, key: Any) -> dict[str, Any]:
    return signers.sign(document, suite, key, verification_method=key.verification_method(
        "did:key"))


def dcc_credential(world: World, *, subject_id: str | None = None,
                   achievement: bool = True, with_id: bool = True) -> dict[str, Any]:
    """An Ed25519Signature2020 credential from an outside issuer, naming ``subject_id``
    (default: the learner's DID, which they prove here by DID Authentication)."""
    if subject_id is None:
        subject_id = did_key_proven(world.learner).did
    key = ED25519_2020.new_key()
    document = dcc_style(badge(issuer=key.issuer("did:key"), subject_id=subject_id))
    if not achievement:
        del document["credentialSubject"]["achievement"]
    if not with_id:
        del document["id"]
    return signed(document, ED25519_2020, key)


def email_identity(world: World) -> list[dict[str, Any]]:
    return [ob.identity_object(value=world.learner.email)]


def did_jwk_token(document_for: Any) -> str:
    """A VC-JWT (EdDSA) whose ``kid`` is a did:jwk (W3C CCG did:jwk), the issuer that did."""
    key = Ed25519Multikey.generate()
    did = signers.did_jwk({"kty": "OKP", "crv": "Ed25519",
                           "x": signers.b64url(key.public_bytes)})
    return sign_jwt(document_for(did), key=key, verification_method=f"{did}#0")


def import_page(client: Client, world: World, text: str) -> Any:
    client.force_login(world.learner)
    return client.post(reverse("learner:import"), {"credential_text": text}, follow=True)


# -- kept: authentic and naming the learner --------------------------------------------------------


def test_a_dcc_credential_for_the_learners_proven_did_is_kept_with_its_issuer_as_claimed(
        world: World) -> None:
    credential = dcc_credential(world)
    text = json.dumps(credential)
    held, created = held_credential_upsert(actor=world.learner, data=text)
    assert created and held.owner == world.learner
    assert held.text == text and held.format == "json"
    assert held.credential_id == credential["id"]
    assert held.title == "Data Literacy"
    # Not an organization of this platform: the name is the credential's claim, unconfirmed.
    assert (held.issuer_name, held.issuer_confirmed) == (UNIVERSITY, False)
    assert held.issued_on is not None and held.issued_on.year == 2025
    assert held.conformance_problems == []
    assert AuditEvent.objects.filter(action="held_credential.created").count() == 1


def test_an_ecdsa_credential_naming_the_learners_email_by_its_hash_is_kept(
        world: World) -> None:
    key = ECDSA_RDFC_P256.new_key()
    credential = signed(badge(issuer=key.issuer("did:key"), identifier=email_identity(world)),
                        ECDSA_RDFC_P256, key)
    assert "@" not in json.dumps(credential["credentialSubject"])  # the address is hashed
    held, created = held_credential_upsert(actor=world.learner, data=json.dumps(credential))
    assert created and held.issuer_name == UNIVERSITY and not held.issuer_confirmed


def test_a_vc_jwt_signed_with_a_did_jwk_key_is_kept_as_the_token(world: World) -> None:
    token = did_jwk_token(lambda did: badge(issuer=did, identifier=email_identity(world)))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["kid"].startswith("did:jwk:")
    held, created = held_credential_upsert(actor=world.learner, data=token)
    assert created and held.format == "jws" and held.text == token
    assert held.title == "Data Literacy" and not held.issuer_confirmed
    assert held.issuer_name == UNIVERSITY


def test_a_status_list_out_of_reach_does_not_block_keeping_it(world: World) -> None:
    """``valid_now`` is unknown (the outside list cannot be fetched: the network is off in
    tests), not failed: the credential is kept."""
    key = ECDSA_RDFC_P256.new_key()
    document = badge(issuer=key.issuer("did:key"), identifier=email_identity(world))
    list_url = "https://status.university.example/lists/1"
    document["credentialStatus"] = {
        "id": f"{list_url}#42", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "42",
        "statusListCredential": list_url}
    held, created = held_credential_upsert(actor=world.learner,
                                           data=json.dumps(signed(document, ECDSA_RDFC_P256, key)))
    assert created and held.owner == world.learner


def test_a_credential_that_does_not_conform_is_kept_with_its_problems(world: World) -> None:
    credential = dcc_credential(world, achievement=False)
    held, _created = held_credential_upsert(actor=world.learner, data=json.dumps(credential))
    [problem] = held.conformance_problems
    assert problem["path"] == "$.credentialSubject.achievement"
    assert "required" in problem["message"]
    assert problem["section"].startswith("https://www.imsglobal.org/spec/ob/v3p0/")


def test_a_credential_without_an_id_is_keyed_on_the_hash_of_its_text(world: World) -> None:
    credential = dcc_credential(world, with_id=False)
    assert "id" not in credential
    text = json.dumps(credential)
    held, created = held_credential_upsert(actor=world.learner, data=f"\n{text}\n")
    assert created and held.text == text
    assert held.credential_id == f"urn:sha256:{hashlib.sha256(text.encode()).hexdigest()}"
    # The same credential added again is the same row, not a second one.
    again, created = held_credential_upsert(actor=world.learner, data=text)
    assert not created and again.pk == held.pk
    assert HeldCredential.objects.count() == 1


# -- refused --------------------------------------------------------------------------------------


def test_a_credential_naming_someone_else_is_refused(world: World) -> None:
    did_key_proven(world.learner)
    someone_else = Ed25519Multikey.generate().did
    credential = dcc_credential(world, subject_id=someone_else)
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(credential))
    assert refused.value.code == "recipient_mismatch"
    assert someone_else in refused.value.message
    token = did_jwk_token(lambda did: badge(
        issuer=did, identifier=[ob.identity_object(value="maya@example.test")]))
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=token)
    assert refused.value.code == "recipient_mismatch"
    assert not HeldCredential.objects.exists()


@pytest.mark.parametrize("how", ["changed after signing", "signed by another key"])
def test_a_credential_whose_proof_fails_is_refused(world: World, how: str) -> None:
    key = ECDSA_RDFC_P256.new_key()
    document = badge(issuer=key.issuer("did:key"), identifier=email_identity(world))
    if how == "changed after signing":
        credential = signed(document, ECDSA_RDFC_P256, key)
        credential["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    else:  # a valid proof, but by a key that is not the issuer's
        credential = signed(document, ECDSA_RDFC_P256, ECDSA_RDFC_P256.new_key())
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(credential))
    assert refused.value.code == "credential_not_verified"
    assert refused.value.report.answers["authentic"] == "failed"
    assert not HeldCredential.objects.exists()


def test_an_expired_credential_is_refused(world: World) -> None:
    key = ECDSA_RDFC_P256.new_key()
    document = badge(issuer=key.issuer("did:key"), identifier=email_identity(world))
    document["validUntil"] = "2025-07-01T12:00:00Z"
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner,
                               data=json.dumps(signed(document, ECDSA_RDFC_P256, key)))
    assert refused.value.report.answers == {
        "authentic": "passed", "valid_now": "failed", "conformant": "passed"}
    assert not HeldCredential.objects.exists()


# -- the page -------------------------------------------------------------------------------------


def test_the_page_keeps_a_dcc_credential_and_lists_its_issuer_as_claimed(
        client: Client, world: World) -> None:
    response = import_page(client, world, json.dumps(dcc_credential(world)))
    assert response.redirect_chain[-1][0] == reverse("learner:my_credentials")
    html = response.content.decode()
    assert "“Data Literacy” is now in your account." in html
    assert f"Issuer calls itself “{UNIVERSITY}”; not confirmed" in html
    assert "conformance-problems" not in html


def test_the_page_keeps_a_nonconforming_credential_and_shows_its_problem(
        client: Client, world: World) -> None:
    response = import_page(client, world, json.dumps(dcc_credential(world, achievement=False)))
    assert response.redirect_chain[-1][0] == reverse("learner:my_credentials")
    html = response.content.decode()
    assert "is now in your account" in html
    assert "Its structure does not fully follow the standard" in html
    assert "<code>$.credentialSubject.achievement</code>" in html
    assert 'href="https://www.imsglobal.org/spec/ob/v3p0/' in html


def test_the_page_keeps_a_credential_without_an_id(client: Client, world: World) -> None:
    response = import_page(client, world, json.dumps(dcc_credential(world, with_id=False)))
    assert response.redirect_chain[-1][0] == reverse("learner:my_credentials")
    assert "“Data Literacy” is now in your account." in response.content.decode()
    assert HeldCredential.objects.get().credential_id.startswith("urn:sha256:")


def test_the_page_refuses_a_credential_whose_proof_fails(client: Client, world: World) -> None:
    credential = dcc_credential(world)
    credential["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    response = import_page(client, world, json.dumps(credential))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The credential did not verify" in html
    assert "outcome-failed" in html and "is now in your account" not in html
    assert not HeldCredential.objects.exists()


def test_the_page_refuses_a_credential_naming_someone_else(client: Client,
                                                           world: World) -> None:
    token = did_jwk_token(lambda did: badge(
        issuer=did, identifier=[ob.identity_object(value="maya@example.test")]))
    response = import_page(client, world, token)
    assert response.status_code == 400
    assert "This credential was issued to someone else" in response.content.decode()
    assert not HeldCredential.objects.exists()
