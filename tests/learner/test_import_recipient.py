"""Keeping a credential from elsewhere: only one awarded to the account (its DID, or its email
address hashed or not), in the web import and in the OB 3.0 API alike; and bytes that are not a
credential (an image with nothing baked in, binary) are a clear 400, never a 500."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from microcred.audit.models import AuditEvent
from microcred.errors import MicrocredError, ValidationFailed
from microcred.issuance.services import learner_profile_update
from microcred.learner.models import HeldCredential
from microcred.learner.services import CredentialRefused, held_credential_upsert
from microcred.vc import openbadges as ob
from microcred.vc.baking import bake_png
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, did_key_proven, did_proven, user
from tests.profiles import examples

pytestmark = pytest.mark.django_db

OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"


def credential_for(*, subject_id: str | None = None,
                   identifier: list[dict[str, Any]] | None = None,
                   name: str = "Elsewhere badge", number: int = 1) -> dict:
    """A credential signed by an outside issuer, awarded to whoever ``subject_id`` /
    ``identifier`` name."""
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://elsewhere.example/a/1", name=name,
                                 description="Something.", criteria_narrative="Did it.")
    return sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name="Elsewhere College"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id=subject_id,
                                       identifier=identifier or ()),
        valid_from=ob.now_iso(), id=f"urn:uuid:11111111-2222-3333-4444-{number:012d}",
    ), key=key)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, "PNG")
    return out.getvalue()


def _token(owner: Any) -> dict[str, str]:
    from oauth2_provider.models import AccessToken, Application

    app = Application.objects.create(
        name="Wallet", user=owner, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://wallet.example/callback")
    value = f"token-{owner.pk}"
    AccessToken.objects.create(user=owner, application=app, token=value,
                               scope=f"{OB}credential.upsert {OB}credential.readonly",
                               expires=timezone.now() + timedelta(hours=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


# -- the service: whose credential it is -------------------------------------------------------


def test_a_credential_for_another_did_is_refused_and_nothing_is_kept(world: World) -> None:
    maya = credential_for(subject_id="did:example:maya")
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(maya))
    assert refused.value.code == "recipient_mismatch"
    message = refused.value.message
    assert "issued to someone else" in message and "did:example:maya" in message
    assert world.learner.email in message
    recipient = refused.value.report.check("recipient")
    assert recipient.outcome == "failed" and recipient.code == "recipient.not_account"
    assert not HeldCredential.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="held_credential").exists()


def test_a_credential_for_the_learners_own_did_is_kept(world: World) -> None:
    did_proven(world.learner, "did:example:jordan")
    held, created = held_credential_upsert(
        actor=world.learner, data=json.dumps(credential_for(subject_id="did:example:jordan")))
    assert created and held.owner == world.learner
    # ... and a DID on the profile does not open the door to someone else's DID.
    with pytest.raises(CredentialRefused, match="nor your DID \\(did:example:jordan\\)"):
        held_credential_upsert(actor=world.learner, data=json.dumps(
            credential_for(subject_id="did:example:maya", number=2)))
    assert HeldCredential.objects.count() == 1


def test_a_typed_did_that_is_not_proven_does_not_take_someone_elses_credential(
        world: World) -> None:
    """The attack: Jordan types Maya's DID on his profile and imports Maya's credential."""
    maya = credential_for(subject_id="did:example:maya")
    learner_profile_update(actor=world.learner, did="did:example:maya", handle=None,
                           public=False)
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(maya))
    assert refused.value.code == "recipient_did_unproven"
    message = refused.value.message
    assert "names your DID did:example:maya" in message
    assert "has not yet proven that it controls this DID" in message
    assert f"{reverse('issuance:profile_edit')}#did-proof" in message
    assert refused.value.report.check("recipient").outcome == "failed"
    assert not HeldCredential.objects.exists()


def test_an_unproven_did_is_named_as_such_when_the_credential_names_another(
        world: World) -> None:
    learner_profile_update(actor=world.learner, did="did:example:jordan", handle=None,
                           public=False)
    with pytest.raises(CredentialRefused, match=r"nor your DID \(did:example:jordan, not yet "
                                                r"proven\)"):
        held_credential_upsert(actor=world.learner,
                               data=json.dumps(credential_for(subject_id="did:example:maya")))


def test_a_proven_did_key_lets_its_owner_import_a_credential_naming_it(world: World) -> None:
    key = did_key_proven(world.learner)
    held, created = held_credential_upsert(
        actor=world.learner, data=json.dumps(credential_for(subject_id=key.did)))
    assert created and held.owner == world.learner
    # Changing the DID clears the proof: typing it back is not enough.
    learner_profile_update(actor=world.learner, did="did:example:other", handle=None,
                           public=False)
    learner_profile_update(actor=world.learner, did=key.did, handle=None, public=False)
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(
            credential_for(subject_id=key.did, number=2)))
    assert refused.value.code == "recipient_did_unproven"


def test_the_web_import_of_a_credential_for_an_unproven_did_links_to_the_proof(
        client: Client, world: World) -> None:
    learner_profile_update(actor=world.learner, did="did:example:maya", handle=None,
                           public=False)
    client.force_login(world.learner)
    response = client.post(reverse("learner:import"), {"credential_text": json.dumps(
        credential_for(subject_id="did:example:maya"))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "has not yet proven that it controls this DID" in html
    assert "/me/profile/#did-proof" in html
    assert not HeldCredential.objects.exists()


def test_a_hashed_email_is_accepted_only_when_it_is_the_accounts(world: World) -> None:
    mine = ob.identity_object(value=world.learner.email)
    held, _created = held_credential_upsert(
        actor=world.learner, data=json.dumps(credential_for(identifier=[mine])))
    assert held.owner == world.learner
    theirs = ob.identity_object(value="maya@example.test")
    with pytest.raises(CredentialRefused) as refused:
        held_credential_upsert(actor=world.learner, data=json.dumps(
            credential_for(identifier=[theirs], number=2)))
    assert theirs["identityHash"][:20] in refused.value.message
    # The same salt with a hash of another address does not pass either.
    forged = {**mine, "identityHash": theirs["identityHash"]}
    with pytest.raises(CredentialRefused):
        held_credential_upsert(actor=world.learner, data=json.dumps(
            credential_for(identifier=[forged], number=3)))
    assert HeldCredential.objects.count() == 1


def test_a_plain_email_identity_matches_whatever_its_case(world: World) -> None:
    plain = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": False,
             "identityHash": world.learner.email.upper()}
    held, _created = held_credential_upsert(
        actor=world.learner, data=json.dumps(credential_for(identifier=[plain])))
    assert held.owner == world.learner
    other_type = {**plain, "identityType": "userName"}
    with pytest.raises(CredentialRefused, match="userName: "):
        held_credential_upsert(actor=world.learner, data=json.dumps(
            credential_for(identifier=[other_type], number=2)))


def test_replacing_with_someone_elses_copy_keeps_the_one_already_held(world: World) -> None:
    mine = credential_for(identifier=[ob.identity_object(value=world.learner.email)])
    held_credential_upsert(actor=world.learner, data=json.dumps(mine))
    other = credential_for(subject_id="did:example:maya")  # the same id, someone else's
    assert other["id"] == mine["id"]
    with pytest.raises(CredentialRefused):
        held_credential_upsert(actor=world.learner, data=json.dumps(other))
    assert HeldCredential.objects.get().text == json.dumps(mine)


# -- the web import and the OB 3.0 API ---------------------------------------------------------


def test_the_web_import_refuses_a_public_credential_of_someone_else(client: Client,
                                                                    world: World) -> None:
    maya = user("Maya", email="maya@example.test")
    badge = credential_for(identifier=[ob.identity_object(value=maya.email)])
    client.force_login(world.learner)
    response = client.post(reverse("learner:import"), {"credential_text": json.dumps(badge)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This credential was issued to someone else" in html
    assert "is now in your account" not in html
    assert "Recipient" in html and "outcome-failed" in html
    assert not HeldCredential.objects.exists()


def test_the_ob_api_refuses_someone_elses_credential_in_imsx_shape(client: Client,
                                                                  world: World) -> None:
    headers = _token(world.learner)
    badge = credential_for(subject_id="did:example:maya")
    response = client.post("/ims/ob/v3p0/credentials", data=json.dumps(badge),
                           content_type="application/json", **headers)
    assert response.status_code == 400
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert "issued to someone else" in body["imsx_description"]
    assert "did:example:maya" in body["imsx_description"]
    listed = client.get("/ims/ob/v3p0/credentials", **headers)
    assert listed.status_code == 200 and listed.json()["credential"] == []
    mine = credential_for(identifier=[ob.identity_object(value=world.learner.email)], number=2)
    created = client.post("/ims/ob/v3p0/credentials", data=json.dumps(mine),
                          content_type="application/json", **headers)
    assert created.status_code == 201
    assert client.get("/ims/ob/v3p0/credentials", **headers).json()["credential"] == [mine]


# -- bytes that are not a credential -----------------------------------------------------------


def test_an_image_with_nothing_baked_in_is_a_clear_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        held_credential_upsert(actor=world.learner, data=_png())
    assert refused.value.code == "no_baked_credential"
    assert "image with no badge baked into it" in refused.value.message


def test_a_baked_png_of_the_learners_own_credential_is_kept_as_baked(world: World) -> None:
    mine = json.dumps(credential_for(identifier=[ob.identity_object(value=world.learner.email)]))
    held, _created = held_credential_upsert(actor=world.learner,
                                            data=bake_png(_png(), mine))
    assert held.text == mine and held.format == "json"


@pytest.mark.parametrize(("name", "content", "words"), [
    ("photo.png", _png(), "image with no badge baked into it"),
    ("data.bin", b"\x00\xff\xfe binary \x80", "This is not a credential"),
])
def test_the_web_import_answers_a_non_credential_file_with_a_form_error(
        client: Client, world: World, name: str, content: bytes, words: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.learner)
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    response = client.post(reverse("learner:import"), {"credential_file": upload})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not HeldCredential.objects.exists()


@pytest.mark.parametrize(("body", "words"), [
    (_png(), "image with no badge baked into it"),
    (b"\xff\xfe\x00binary\x80\x81", "The body is not JSON"),
])
def test_the_ob_api_answers_binary_bodies_with_a_400(client: Client, world: World, body: bytes,
                                                     words: str) -> None:
    response = client.post("/ims/ob/v3p0/credentials", data=body,
                           content_type="application/octet-stream", **_token(world.learner))
    assert response.status_code == 400
    info = response.json()
    assert info["imsx_codeMajor"] == "failure" and words in info["imsx_description"]


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
    st.binary(max_size=200).map(lambda tail: b"<svg " + tail),
    st.text(max_size=200),
))
def test_no_input_escapes_as_anything_but_a_platform_error(world: World,
                                                           data: bytes | str) -> None:
    try:
        held_credential_upsert(actor=world.learner, data=data)
    except MicrocredError as error:
        assert error.message
    assert not HeldCredential.objects.exists()


# -- who the issuer is, in the account's list --------------------------------------------------


def test_a_kept_credential_borrowing_an_organizations_name_says_so(client: Client,
                                                                  world: World) -> None:
    from tests.verification.test_issuer_standing import issue

    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://stranger.example/a/1", name="Borrowed badge",
                                 description="Nothing.", criteria_narrative="None.")
    forged = sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name=world.org.name), achievement=achievement,
        subject=ob.achievement_subject(
            achievement=achievement, identifier=[ob.identity_object(value=world.learner.email)]),
        valid_from=ob.now_iso(), id="urn:uuid:99999999-0000-0000-0000-000000000001"), key=key)
    held, _created = held_credential_upsert(actor=world.learner, data=json.dumps(forged))
    assert (held.issuer_confirmed, held.issuer_name_clash) == (False, True)
    ours, _created = held_credential_upsert(actor=world.learner,
                                            data=issue(world).signed_json)
    assert ours.issuer_confirmed and ours.issuer_name == world.org.name
    client.force_login(world.learner)
    page = client.get(reverse("learner:my_credentials")).content.decode()
    assert f"Issuer calls itself “{world.org.name}”; not confirmed" in page
    assert "The name matches an organization on this platform" in page
    assert f"Issued by {world.org.name} (confirmed: key of an organization on this platform)" \
        in page
