"""Who issued a credential, as far as this platform knows: an organization here only when the
signing key is one of its keys (current or rotated); any other name is the credential's claim,
and borrowing the name of an organization here is called out."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.issuance.issuer_keys import issuer_key_rotate
from microcred.issuance.models import Credential
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.verification.services import credential_verify, issuer_standing
from microcred.verification.summary import credential_summary
from tests.factories import World, pass_attempt, submitted_attempt, user

pytestmark = pytest.mark.django_db


def issue(world: World, learner=None) -> Credential:  # type: ignore[no-untyped-def]
    attempt = submitted_attempt(learner=learner or world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


def stranger_credential(issuer_name: str) -> dict:
    """Signed with a key nobody here holds, under whatever name the signer likes."""
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://stranger.example/a/1", name="Borrowed badge",
                                 description="Nothing.", criteria_narrative="None.")
    return sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name=issuer_name), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:anyone"),
        valid_from=ob.now_iso(), id="urn:uuid:99999999-2222-3333-4444-555555555555",
    ), key=key)


def standing_of(text: str):  # type: ignore[no-untyped-def]
    report = credential_verify(data=text)
    summary = credential_summary(report.credential)
    assert summary is not None
    return report, issuer_standing(report, claimed_name=summary.issuer_name,
                                   issuer_id=summary.issuer_id)


# -- the service -------------------------------------------------------------------------------


def test_a_credential_signed_with_an_organizations_key_is_confirmed(world: World) -> None:
    report, standing = standing_of(issue(world).signed_json)
    assert report.verdict == "passed"
    assert standing.confirmed and standing.organization == world.org.name
    assert not standing.name_clash and not standing.renamed
    assert standing.as_json()["confirmed"] is True


def test_a_rotated_key_still_confirms_what_it_signed(world: World) -> None:
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    before = issue(world)
    issuer_key_rotate(actor=admin, organization=world.org)
    after = issue(world, learner=user("Second"))
    assert json.loads(before.signed_json)["issuer"]["id"] != \
        json.loads(after.signed_json)["issuer"]["id"]
    for credential in (before, after):
        _report, standing = standing_of(credential.signed_json)
        assert standing.confirmed and standing.organization == world.org.name


@override_settings(ISSUER_DID_METHOD="web", PUBLIC_URL="https://badges.example.org",
                   PUBLIC_HOST="badges.example.org")
def test_under_did_web_the_key_in_our_document_names_the_organization(world: World) -> None:
    other = World()  # a second organization sharing the platform's did:web
    mine, theirs = issue(world), issue(other)
    assert json.loads(mine.signed_json)["issuer"]["id"] == "did:web:badges.example.org"
    assert standing_of(mine.signed_json)[1].organization == world.org.name
    assert standing_of(theirs.signed_json)[1].organization == other.org.name


def test_a_stranger_using_an_organizations_name_is_not_confirmed(world: World) -> None:
    forged = stranger_credential(world.org.name.upper())
    report, standing = standing_of(json.dumps(forged))
    assert report.verdict == "passed"  # a valid signature, just not the organization's
    assert not standing.confirmed and standing.organization == ""
    assert standing.unconfirmed_because == "unknown_key"
    assert standing.name_clash == world.org.name
    assert standing.as_json() == {
        "confirmed": False, "organization": None, "claimedName": world.org.name.upper(),
        "issuer": forged["issuer"]["id"], "nameMatchesOrganization": world.org.name,
        "unconfirmedBecause": "unknown_key", "listedBy": None, "registriesUnchecked": []}


def test_an_unknown_name_is_only_claimed(world: World) -> None:
    _report, standing = standing_of(json.dumps(stranger_credential("Elsewhere College")))
    assert not standing.confirmed and not standing.name_clash
    assert standing.claimed_name == "Elsewhere College"


def test_a_tampered_credential_is_not_confirmed_even_with_our_issuer_id(world: World) -> None:
    document = json.loads(issue(world).signed_json)
    document["credentialSubject"]["achievement"]["name"] = "Something else"
    report, standing = standing_of(json.dumps(document))
    assert report.verdict == "failed"
    assert not standing.confirmed and standing.unconfirmed_because == "unsigned"


# -- the pages and the VC-API ------------------------------------------------------------------


def test_the_verify_page_says_a_borrowed_name_is_not_confirmed(client: Client,
                                                               world: World) -> None:
    forged = stranger_credential(world.org.name)
    html = client.post(reverse("verification:verify"),
                       {"credential_text": json.dumps(forged)}).content.decode()
    assert f"Issuer calls itself “{world.org.name}”; not confirmed: identified only by its key, " \
        "which no organization here holds and no trusted registry lists" in html
    assert forged["issuer"]["id"] in html
    assert "The name matches an organization on this platform" in html
    assert "was not signed with its key" in html
    assert "confirmed: key of an organization on this platform" not in html


def test_the_verify_page_confirms_our_own_organizations(client: Client, world: World) -> None:
    html = client.post(reverse("verification:verify"),
                       {"credential_text": issue(world).signed_json}).content.decode()
    assert f"{world.org.name} (confirmed: key of an organization on this platform)" in html
    assert "Issuer calls itself" not in html and "The name matches" not in html


def test_the_vc_api_reports_whether_the_issuer_is_known(client: Client, world: World) -> None:
    forged = stranger_credential(world.org.name)
    body = client.post("/credentials/verify", data=json.dumps({"verifiableCredential": forged}),
                       content_type="application/json").json()
    assert body["issuerKnown"]["confirmed"] is False
    assert body["issuerKnown"]["nameMatchesOrganization"] == world.org.name
    ours = json.loads(issue(world).signed_json)
    body = client.post("/credentials/verify", data=json.dumps({"verifiableCredential": ours}),
                       content_type="application/json").json()
    assert body["verdict"] == "passed" and "checks" in body
    assert body["issuerKnown"] == {
        "confirmed": True, "organization": world.org.name,
        "claimedName": world.org.name, "issuer": ours["issuer"]["id"],
        "nameMatchesOrganization": None, "unconfirmedBecause": None, "listedBy": None,
        "registriesUnchecked": []}
