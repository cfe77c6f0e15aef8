"""Proving the profile's DID (DID Authentication): a presentation signed by that DID for the
platform's challenge and domain proves it; anything else is refused with a sentence saying why,
and only then does the DID tie credentials from elsewhere to the account (finding 5)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from microcred.audit.models import AuditEvent
from microcred.issuance.did_auth import (
    CHALLENGE_LIFETIME,
    DidProofRefused,
    did_challenge_issue,
    learner_did_prove,
)
from microcred.issuance.models import DidChallenge, LearnerProfile
from microcred.issuance.services import learner_profile_update
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, did_key_proven, did_presentation, user

pytestmark = pytest.mark.django_db


def _with_did(learner: Any) -> tuple[Ed25519Multikey, DidChallenge]:
    """A new did:key typed on ``learner``'s profile (not proven), and the challenge shown."""
    key = Ed25519Multikey.generate()
    learner_profile_update(actor=learner, did=key.did, handle=None, public=False)
    challenge = did_challenge_issue(actor=learner)
    assert challenge is not None
    return key, challenge


def _prove(learner: Any, presentation: dict[str, Any]) -> LearnerProfile:
    return learner_did_prove(actor=learner, presentation=json.dumps(presentation))


def _refused(learner: Any, presentation: dict[str, Any] | str) -> DidProofRefused:
    data = presentation if isinstance(presentation, str) else json.dumps(presentation)
    with pytest.raises(DidProofRefused) as refused:
        learner_did_prove(actor=learner, presentation=data)
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.did_proven_at is None
    return refused.value


def _profile(learner: Any) -> LearnerProfile:
    return LearnerProfile.objects.get(user=learner)


# -- the service --------------------------------------------------------------------------------


def test_a_presentation_signed_by_the_did_for_the_challenge_proves_it(world: World) -> None:
    key, challenge = _with_did(world.learner)
    assert challenge.did == key.did
    assert challenge.expires_at - timezone.now() > CHALLENGE_LIFETIME - timedelta(minutes=1)
    profile = _prove(world.learner, did_presentation(key=key, challenge=challenge.nonce))
    assert profile.did_proven_at is not None and _profile(world.learner).did_proven_at
    challenge.refresh_from_db()
    assert challenge.used_at is not None
    assert did_challenge_issue(actor=world.learner) is None  # nothing left to prove
    event = AuditEvent.objects.get(action="learner_profile.did_proven")
    assert key.did not in json.dumps(event.data) + event.target  # the log never names the DID


def test_the_challenge_shown_stays_the_same_until_it_nears_its_end(world: World) -> None:
    _key, challenge = _with_did(world.learner)
    assert did_challenge_issue(actor=world.learner) == challenge
    DidChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() + timedelta(minutes=2))
    fresh = did_challenge_issue(actor=world.learner)
    assert fresh is not None and fresh.nonce != challenge.nonce


def test_a_challenge_this_platform_did_not_give_is_refused(world: World) -> None:
    key, _challenge = _with_did(world.learner)
    error = _refused(world.learner, did_presentation(key=key, challenge="made-up-by-the-wallet"))
    assert error.code == "challenge_unknown"
    assert "signed for a challenge this platform did not give you" in error.message


def test_another_accounts_challenge_is_refused(world: World) -> None:
    key, _mine = _with_did(world.learner)
    maya = user("Maya")
    _maya_key, theirs = _with_did(maya)
    error = _refused(world.learner, did_presentation(key=key, challenge=theirs.nonce))
    assert error.code == "challenge_unknown"


def test_an_expired_challenge_is_refused(world: World) -> None:
    key, challenge = _with_did(world.learner)
    DidChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    error = _refused(world.learner, did_presentation(key=key, challenge=challenge.nonce))
    assert error.code == "challenge_expired"
    assert "This challenge expired at" in error.message
    assert "good for 30 minutes" in error.message


def test_a_used_challenge_does_not_prove_again(world: World) -> None:
    key, challenge = _with_did(world.learner)
    presentation = did_presentation(key=key, challenge=challenge.nonce)
    _prove(world.learner, presentation)
    # Changing the DID and typing it back clears the proof; the old answer does not restore it.
    learner_profile_update(actor=world.learner, did="did:example:other", handle=None,
                           public=False)
    learner_profile_update(actor=world.learner, did=key.did, handle=None, public=False)
    error = _refused(world.learner, presentation)
    assert error.code == "challenge_used"
    assert "already been used" in error.message


def test_a_challenge_given_for_another_did_does_not_prove_the_new_one(world: World) -> None:
    _old_key, old = _with_did(world.learner)
    new_key = Ed25519Multikey.generate()
    learner_profile_update(actor=world.learner, did=new_key.did, handle=None, public=False)
    error = _refused(world.learner, did_presentation(key=new_key, challenge=old.nonce))
    assert error.code == "challenge_other_did"


def test_a_presentation_signed_by_another_did_is_refused(world: World) -> None:
    """Jordan types Maya's DID; his own key cannot answer for it."""
    maya_key = Ed25519Multikey.generate()
    learner_profile_update(actor=world.learner, did=maya_key.did, handle=None, public=False)
    challenge = did_challenge_issue(actor=world.learner)
    assert challenge is not None
    jordan_key = Ed25519Multikey.generate()
    # Naming himself as holder: the holder is not the profile's DID.
    error = _refused(world.learner, did_presentation(key=jordan_key, challenge=challenge.nonce))
    assert error.code == "holder_not_did"
    assert f"held by {jordan_key.did}, not by your DID {maya_key.did}" in error.message
    # Naming Maya as holder: the signer is not her.
    error = _refused(world.learner, did_presentation(key=jordan_key, challenge=challenge.nonce,
                                                     holder=maya_key.did))
    assert error.code == "signer_not_did"
    assert f"signed with a key of {jordan_key.did}" in error.message


def test_an_unsigned_presentation_is_refused(world: World) -> None:
    key, challenge = _with_did(world.learner)
    signed = did_presentation(key=key, challenge=challenge.nonce)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    error = _refused(world.learner, unsigned)
    assert error.code == "presentation_unsigned"
    assert "not signed (it has no proof)" in error.message and key.did in error.message


def test_a_proof_without_a_challenge_is_refused(world: World) -> None:
    key, _challenge = _with_did(world.learner)
    error = _refused(world.learner, did_presentation(key=key, challenge=None))
    assert error.code == "challenge_missing"


def test_a_presentation_for_another_domain_is_refused(world: World) -> None:
    key, challenge = _with_did(world.learner)
    error = _refused(world.learner, did_presentation(key=key, challenge=challenge.nonce,
                                                     domain="wallet-phisher.example"))
    assert error.code == "presentation_not_verified"
    assert "made for another domain" in error.message
    assert error.report is not None and error.report.check("proof").outcome == "failed"
    assert DidChallenge.objects.get(pk=challenge.pk).used_at is None  # it can still be answered


def test_why_a_proof_is_refused_reads_in_the_readers_language(world: World) -> None:
    """The check's sentence is the verifier's, in the reader's language (plain text, no
    markup: it is a form error)."""
    key, challenge = _with_did(world.learner)
    with translation.override("es"):
        error = _refused(world.learner, did_presentation(key=key, challenge=challenge.nonce,
                                                         domain="wallet-phisher.example"))
    assert error.message.startswith("La firma de la presentación no demuestra tu DID: ")
    assert "se hizo para otro dominio" in error.message and "<span" not in error.message


def test_a_presentation_changed_after_signing_is_refused(world: World) -> None:
    key, challenge = _with_did(world.learner)
    signed = did_presentation(key=key, challenge=challenge.nonce)
    error = _refused(world.learner, {**signed, "id": "urn:uuid:something-else"})
    assert error.code == "presentation_not_verified"


@pytest.mark.parametrize("data", ["", "not json", "[]", '{"type": "VerifiableCredential"}'])
def test_what_is_not_a_presentation_is_refused(world: World, data: str) -> None:
    _with_did(world.learner)
    assert _refused(world.learner, data).code == "not_a_presentation"


def test_nothing_to_prove_without_a_did(world: World) -> None:
    assert did_challenge_issue(actor=world.learner) is None
    with pytest.raises(DidProofRefused) as refused:
        learner_did_prove(actor=world.learner, presentation="{}")
    assert refused.value.code == "no_did"


def test_changing_the_did_clears_the_proof(world: World) -> None:
    key = did_key_proven(world.learner)
    assert _profile(world.learner).did_proven_at is not None
    # Saving the profile without changing the DID keeps it.
    learner_profile_update(actor=world.learner, did=key.did, handle="jordan", public=True)
    assert _profile(world.learner).did_proven_at is not None
    learner_profile_update(actor=world.learner, did="did:example:new", handle="jordan",
                           public=True)
    assert _profile(world.learner).did_proven_at is None
    update = AuditEvent.objects.filter(action="learner_profile.updated").latest("id")
    assert update.data["did_proof_cleared"] is True
    learner_profile_update(actor=world.learner, did="", handle="jordan", public=True)
    assert _profile(world.learner).did_proven_at is None


def test_two_accounts_cannot_both_prove_one_did(world: World) -> None:
    key = did_key_proven(world.learner)
    second = user("Same person, second account")
    learner_profile_update(actor=second, did=key.did, handle=None, public=False)
    challenge = did_challenge_issue(actor=second)
    assert challenge is not None
    error = _refused(second, did_presentation(key=key, challenge=challenge.nonce))
    assert error.code == "did_proven_elsewhere"
    assert f"Another account has already proven control of {key.did}" in error.message
    # The database holds the line too.
    with pytest.raises(IntegrityError), transaction.atomic():
        LearnerProfile.objects.filter(user=second).update(did_proven_at=timezone.now())


# -- the page -----------------------------------------------------------------------------------


def test_the_profile_page_shows_the_challenge_and_domain_until_proven(client: Client,
                                                                      world: World) -> None:
    from django.conf import settings

    client.force_login(world.learner)
    assert "did-challenge" not in client.get(reverse("issuance:profile_edit")).content.decode()
    key = Ed25519Multikey.generate()
    saved = client.post(reverse("issuance:profile_edit"), {"did": key.did, "handle": ""})
    assert saved.status_code == 302
    html = client.get(reverse("issuance:profile_edit")).content.decode()
    challenge = DidChallenge.objects.get(profile__user=world.learner)
    assert "Not yet proven" in html
    assert f'<code id="did-challenge">{challenge.nonce}</code>' in html
    assert f'<code id="did-domain">{settings.PUBLIC_HOST}</code>' in html
    assert f'action="{reverse("issuance:did_prove")}"' in html

    proof = did_presentation(key=key, challenge=challenge.nonce)
    response = client.post(reverse("issuance:did_prove"), {"presentation": json.dumps(proof)})
    assert response.status_code == 302
    assert response["Location"] == reverse("issuance:profile_edit")
    assert _profile(world.learner).did_proven_at is not None
    html = client.get(reverse("issuance:profile_edit")).content.decode()
    assert "Your DID is proven" in html and "Proven" in html
    assert "Not yet proven" not in html and "did-challenge" not in html


def test_the_presentation_can_be_uploaded_as_a_file(client: Client, world: World) -> None:
    key, challenge = _with_did(world.learner)
    client.force_login(world.learner)
    upload = SimpleUploadedFile("vp.json", json.dumps(did_presentation(
        key=key, challenge=challenge.nonce)).encode(), "application/json")
    response = client.post(reverse("issuance:did_prove"), {"presentation_file": upload})
    assert response.status_code == 302
    assert _profile(world.learner).did_proven_at is not None


def test_a_refused_presentation_is_a_400_that_says_why(client: Client, world: World) -> None:
    maya_key = Ed25519Multikey.generate()
    learner_profile_update(actor=world.learner, did=maya_key.did, handle=None, public=False)
    challenge = did_challenge_issue(actor=world.learner)
    assert challenge is not None
    client.force_login(world.learner)
    forged = did_presentation(key=Ed25519Multikey.generate(), challenge=challenge.nonce,
                              holder=maya_key.did)
    response = client.post(reverse("issuance:did_prove"), {"presentation": json.dumps(forged)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not with a key of your DID" in html
    assert challenge.nonce in html  # the challenge is still there to answer
    assert _profile(world.learner).did_proven_at is None
    empty = client.post(reverse("issuance:did_prove"), {})
    assert empty.status_code == 400
    assert "Paste the presentation or choose its file." in empty.content.decode()


def test_the_proof_page_is_post_only_and_for_the_signed_in(client: Client, world: World) -> None:
    assert client.post(reverse("issuance:did_prove"), {}).status_code == 302  # to sign in
    client.force_login(world.learner)
    assert client.get(reverse("issuance:did_prove")).status_code == 405


def test_the_proof_is_in_the_export_and_goes_with_the_deleted_account(world: World) -> None:
    import io
    import zipfile

    from microcred.ops.privacy import account_delete, account_export
    from tests.factories import PASSWORD

    key = did_key_proven(world.learner)
    data = json.loads(zipfile.ZipFile(io.BytesIO(account_export(user=world.learner)))
                      .read("data.json"))
    assert data["learner_profile"]["did"] == key.did
    assert data["learner_profile"]["did_proven"]
    account_delete(user=world.learner, confirm_password=PASSWORD)
    assert not LearnerProfile.objects.filter(did=key.did).exists()
    assert not DidChallenge.objects.filter(did=key.did).exists()
