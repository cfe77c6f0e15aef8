"""Revocation, suspension and expiry through our Bitstring Status Lists."""

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from microcred.actors import SYSTEM
from microcred.audit.models import AuditEvent
from microcred.errors import NotAllowed, ValidationFailed
from microcred.issuance.models import Credential, StatusEntry, StatusList, ValidityPeriod
from microcred.issuance.services import (
    credential_renew,
    credential_revoke,
    credential_suspend,
    credential_unsuspend,
)
from microcred.issuance.status_lists import platform_status_list
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.status_list import StatusList as Bitstring
from microcred.vc.status_list import status_entry
from microcred.vc.verifier import VerifyOptions, verify_report
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, submitted_attempt, user

pytestmark = pytest.mark.django_db


def issue(world: World, learner=None) -> Credential:  # type: ignore[no-untyped-def]
    attempt = submitted_attempt(learner=learner or world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


@pytest.fixture
def admin(world: World):  # type: ignore[no-untyped-def]
    person = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=person, role=Role.ADMIN)
    return person


def test_every_credential_has_one_entry_for_revocation_and_suspension(world: World) -> None:
    credential = issue(world)
    document = json.loads(credential.signed_json)
    # One object, as Open Badges 3.0's JSON schema requires (tests/issuance/test_schemas.py).
    entry = document["credentialStatus"]
    assert isinstance(entry, dict)
    assert entry["type"] == "BitstringStatusListEntry"
    assert (entry["statusPurpose"], entry["statusSize"]) == ("message", 2)
    assert entry["statusMessage"] == [
        {"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "revoked"},
        {"status": "0x2", "message": "suspended"}, {"status": "0x3", "message": "revoked"}]
    assert entry["statusListCredential"].startswith("http://127.0.0.1:8000/status/")
    lst = StatusList.objects.get(purpose="message")
    assert lst.length >= 131_072
    assert int(entry["statusListIndex"]) == StatusEntry.objects.get(credential=credential).index
    report = credential_verify(data=credential.signed_json)
    assert report.verdict == "passed", report.as_dict()
    assert report.check("status").outcome == "passed"


def test_indexes_are_random_and_never_reused(world: World) -> None:
    learners = [user("L") for _ in range(4)]
    for person in learners:
        issue(world, learner=person)
    indexes = list(StatusEntry.objects.filter(purpose="message").values_list("index",
                                                                           flat=True))
    assert len(indexes) == len(set(indexes)) == 4
    assert sorted(indexes) != list(range(min(indexes), min(indexes) + 4))  # not sequential
    lst = StatusList.objects.get(purpose="message")
    allocated = bytes(lst.allocated)
    for index in indexes:
        assert allocated[index >> 3] & (0x80 >> (index & 7))


def test_revoke_needs_an_admin_and_a_reason(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    with pytest.raises(NotAllowed):
        credential_revoke(actor=world.assessor, credential_id=credential.pk, reason="x")
    with pytest.raises(ValidationFailed):
        credential_revoke(actor=admin, credential_id=credential.pk, reason="  ")
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Plagiarised evidence")
    event = AuditEvent.objects.get(action="credential.revoked")
    # The reason is free text: kept on the credential, never in the permanent log.
    assert event.actor == admin and event.data == {"reason_given": True}
    credential.refresh_from_db()
    assert credential.revocation_reason == "Plagiarised evidence"


def test_revocation_is_published_and_shown(client: Client, world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    entry = StatusEntry.objects.get(credential=credential, purpose="message")
    url = reverse("issuance:status_list", args=[entry.status_list.public_id])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    credential_revoke(actor=admin, credential_id=credential.pk, reason="Issued in error")
    # The re-signing task ran (immediately in tests): the list served now has the bit set.
    entry.status_list.refresh_from_db()
    assert entry.status_list.signed_version == entry.status_list.version
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    published = json.loads(second.content)
    assert "BitstringStatusListCredential" in published["type"]
    bits = Bitstring.decode(published["credentialSubject"]["encodedList"], status_size=2)
    assert bits.get(entry.index) == 1  # 0x1: revoked
    # An outside verifier holding only the published list sees it revoked.
    document = json.loads(credential.signed_json)
    report = verify_report(credential.signed_json,
                           VerifyOptions(status_lists={published["id"]: published}))
    assert report.check("status").outcome == "failed"
    # Our own pages too.
    assert credential_verify(data=credential.signed_json).check("status").outcome == "failed"
    page = client.get(reverse("issuance:credential", args=[credential.public_id]))
    html = page.content.decode()
    assert "Revoked" in html and "Not verified: a check failed" in html
    own = platform_status_list(document["credentialStatus"]["statusListCredential"])
    assert own == published
    assert platform_status_list("https://elsewhere.example/status/1") is None


def test_suspend_and_unsuspend(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Under review")
    report = credential_verify(data=credential.signed_json)
    assert report.check("status").outcome == "failed"
    assert "suspend" in report.check("status").message.lower()
    credential_unsuspend(actor=admin, credential_id=credential.pk, reason="Review cleared")
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    actions = list(AuditEvent.objects.filter(target=f"issuance.credential:{credential.pk}")
                   .values_list("action", flat=True))
    assert actions[-2:] == ["credential.suspended", "credential.unsuspended"]


def test_admin_revokes_from_the_page(client: Client, world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    client.force_login(admin)
    page = client.get(reverse("issuance:credential", args=[credential.public_id]))
    assert "Manage this credential" in page.content.decode()
    response = client.post(reverse("issuance:admin_action", args=[credential.public_id,
                                                                 "revoke"]),
                           {"reason": "Issued by mistake"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.is_revoked and credential.revocation_reason == "Issued by mistake"
    listing = client.get(reverse("issuance:admin_credentials")).content.decode()
    assert "Revoked" in listing
    client.force_login(world.learner)
    denied = client.post(reverse("issuance:admin_action", args=[credential.public_id,
                                                               "suspend"]), {"reason": "x"})
    assert denied.status_code == 403


def test_valid_until_from_the_validity_period(world: World) -> None:
    ValidityPeriod.objects.create(micro_credential=world.mc, valid_for_days=365)
    credential = issue(world)
    document = json.loads(credential.signed_json)
    assert credential.valid_until is not None
    assert document["validUntil"] == credential.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    later = timezone.now() + timedelta(days=400)
    report = verify_report(credential.signed_json, VerifyOptions(
        now=later, status_list_source=platform_status_list))
    assert report.check("validity").outcome == "failed"


def test_expired_credential_shows_expired(client: Client, world: World) -> None:
    credential = issue(world)
    Credential.objects.filter(pk=credential.pk).update(
        valid_until=timezone.now() - timedelta(days=1))
    html = client.get(reverse("issuance:credential", args=[credential.public_id])).content
    assert b"Expired" in html


def test_renewal_issues_a_new_credential(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    ValidityPeriod.objects.create(micro_credential=world.mc, valid_for_days=30)
    old = issue(world)
    renewal = credential_renew(actor=admin, credential_id=old.pk)
    renewal.refresh_from_db()
    assert renewal.is_issued and renewal.pk != old.pk and renewal.renews == old
    assert json.loads(renewal.signed_json)["id"] != json.loads(old.signed_json)["id"]
    assert credential_verify(data=renewal.signed_json).verdict == "passed"
    assert Credential.objects.filter(attempt=old.attempt).count() == 2
    # (renewal rules and supersession: tests/issuance/test_renewal.py)


def test_unreachable_outside_status_list_is_never_valid(world: World) -> None:
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://elsewhere.example/a/1", name="Elsewhere",
                                 description="Something.", criteria_narrative="Did it.")
    document = ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name="Elsewhere"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:ana"),
        valid_from=ob.now_iso(),
        credential_status=status_entry(list_credential_url="https://elsewhere.example/status/1",
                                       index=5, purpose="revocation"),
    )
    report = credential_verify(data=json.dumps(sign(document, key=key)))
    assert report.check("status").outcome == "unknown"
    assert report.verdict == "unknown"


@override_settings(ISSUER_DID_METHOD="web", PUBLIC_URL="https://badges.example.org",
                   PUBLIC_HOST="badges.example.org")
def test_did_web_status_lists_resolve_locally(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    assert json.loads(credential.signed_json)["credentialStatus"][
        "statusListCredential"].startswith("https://badges.example.org/status/")
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Mistake")
    assert credential_verify(data=credential.signed_json).check("status").outcome == "failed"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_revoked_baked_image_shows_revoked(world: World, admin, kind: str) -> None:  # type: ignore[no-untyped-def]
    from microcred.issuance.sharing import baked_png, baked_svg

    credential = issue(world)
    image = (baked_png if kind == "png" else baked_svg)(credential)
    assert credential_verify(data=image).verdict == "passed"
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Mistake")
    assert credential_verify(data=image).check("status").outcome == "failed"


def test_the_public_page_is_cached_but_never_shows_a_stale_status(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    credential = issue(world)
    url = reverse("issuance:credential", args=[credential.public_id])
    first = Client().get(url)
    second = Client().get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Microcred-Cache" not in first and second["X-Microcred-Cache"] == "hit"
    import re
    without_token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_token.sub(b"", first.content) == without_token.sub(b"", second.content)
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Issued by mistake")
    after = Client().get(url)
    assert "X-Microcred-Cache" not in after  # the status list moved on: verified again
    assert "revoked" in after.content.decode().lower()
    # Signed-in people get their own page (owner and admin controls), never the shared copy.
    owner = Client()
    owner.force_login(world.learner)
    assert "X-Microcred-Cache" not in owner.get(url)


def test_a_shared_page_carries_each_visitors_own_csrf_token(world: World) -> None:
    import re

    credential = issue(world)
    url = reverse("issuance:credential", args=[credential.public_id])
    Client().get(url)  # fills the cache
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(url)
        assert page["X-Microcred-Cache"] == "hit"
        html = page.content.decode()
        assert "@@csrf@@" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.append(token)
        switched = visitor.post(reverse("accounts:set_language"),
                                {"csrfmiddlewaretoken": token, "language": "es", "next": url})
        assert switched.status_code == 302  # the token is this visitor's own
    assert tokens[0] != tokens[1]
