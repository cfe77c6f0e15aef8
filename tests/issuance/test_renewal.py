"""Renewal: an organization administrator's act on a live credential, superseding the one it
renews; revoking any credential of a renewal chain revokes the whole chain."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.errors import InvalidState, NotAllowed
from microcred.issuance.models import Credential
from microcred.issuance.services import (
    credential_renew,
    credential_revoke,
    credential_suspend,
    credential_unsuspend,
)
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, submitted_attempt, user

pytestmark = pytest.mark.django_db


def issue(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


@pytest.fixture
def admin(world: World):  # type: ignore[no-untyped-def]
    person = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=person, role=Role.ADMIN)
    return person


def _status(credential: Credential) -> str:
    return credential_verify(data=credential.signed_json).check("status").outcome


def test_a_learner_cannot_renew_their_own_credential_even_suspended(
    world: World, admin  # type: ignore[no-untyped-def]
) -> None:
    credential = issue(world)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Under review")
    client = Client()
    client.force_login(world.learner)
    url = reverse("issuance:admin_action", args=[credential.public_id, "renew"])
    assert client.post(url).status_code == 403
    with pytest.raises(NotAllowed):
        credential_renew(actor=world.learner, credential_id=credential.pk)
    # Nothing was signed or even requested.
    assert Credential.objects.filter(learner=world.learner).count() == 1
    credential_unsuspend(actor=admin, credential_id=credential.pk, reason="Cleared")
    assert client.post(url).status_code == 403  # not on a live one either
    assert Credential.objects.filter(learner=world.learner).count() == 1


@pytest.mark.parametrize(("act", "code"), [("suspend", "suspended"), ("revoke", "revoked")])
def test_an_admin_cannot_renew_a_suspended_or_revoked_credential(
    world: World, admin, act: str, code: str  # type: ignore[no-untyped-def]
) -> None:
    credential = issue(world)
    (credential_suspend if act == "suspend" else credential_revoke)(
        actor=admin, credential_id=credential.pk, reason="Problem")
    with pytest.raises(InvalidState) as caught:
        credential_renew(actor=admin, credential_id=credential.pk)
    assert caught.value.code == code
    assert "cannot be renewed" in caught.value.message
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("issuance:admin_action",
                                   args=[credential.public_id, "renew"]))
    assert response.status_code == 409
    assert "cannot be renewed" in response.content.decode()
    assert Credential.objects.filter(learner=world.learner).count() == 1


def test_renewal_supersedes_the_credential_it_renews(world: World, admin) -> None:  # type: ignore[no-untyped-def]
    old = issue(world)
    renewal = credential_renew(actor=admin, credential_id=old.pk)
    renewal.refresh_from_db()
    old.refresh_from_db()
    assert renewal.is_issued and renewal.renews_id == old.pk
    assert old.is_superseded and old.is_revoked
    assert old.revocation_reason == f"Superseded by {json.loads(renewal.signed_json)['id']}"
    # Verifiers no longer accept the old one; the renewal is valid.
    assert _status(old) == "failed"
    assert credential_verify(data=renewal.signed_json).verdict == "passed"
    # One renewal per credential: renewing the superseded one again is refused.
    with pytest.raises(InvalidState) as caught:
        credential_renew(actor=admin, credential_id=old.pk)
    assert caught.value.code == "already_renewed"
    # Its page says it was replaced and links to the renewal.
    page = Client().get(reverse("issuance:credential", args=[old.public_id])).content.decode()
    assert "Replaced" in page
    assert reverse("issuance:credential", args=[renewal.public_id]) in page


@pytest.mark.parametrize("which", ["newest", "oldest"])
def test_revoking_any_credential_of_a_chain_revokes_the_chain(
    world: World, admin, which: str  # type: ignore[no-untyped-def]
) -> None:
    first = issue(world)
    second = credential_renew(actor=admin, credential_id=first.pk)
    third = credential_renew(actor=admin, credential_id=second.pk)
    chain = [first, second, third]
    for c in chain:
        c.refresh_from_db()
    assert _status(third) == "passed"
    target = third if which == "newest" else first
    credential_revoke(actor=admin, credential_id=target.pk, reason="Misconduct")
    for c in chain:
        c.refresh_from_db()
        assert c.is_revoked, c
        assert _status(c) == "failed"
    third.refresh_from_db()
    assert third.revocation_reason == "Misconduct"
    with pytest.raises(InvalidState) as caught:
        credential_revoke(actor=admin, credential_id=second.pk, reason="Again")
    assert caught.value.code == "already_revoked"


def test_renew_button_only_for_admins_and_only_on_live_credentials(
    world: World, admin  # type: ignore[no-untyped-def]
) -> None:
    credential = issue(world)
    url = reverse("issuance:credential", args=[credential.public_id])
    renew = reverse("issuance:admin_action", args=[credential.public_id, "renew"])
    learner = Client()
    learner.force_login(world.learner)
    assert renew not in learner.get(url).content.decode()
    manager = Client()
    manager.force_login(admin)
    assert renew in manager.get(url).content.decode()
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Under review")
    page = manager.get(url).content.decode()
    assert "Lift the suspension" in page and renew not in page
