"""Stacks: authoring services, the stack credential (issued once, verifiable, listing its
members) and the public and authoring pages. A learner's progress and pathway page:
tests/learner/test_progress.py."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from microcred.catalog.models import Stack
from microcred.catalog.stacks import stack_create, stack_publish, stack_retire, stack_update
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance.models import Credential
from microcred.issuance.services import credential_renew, credential_sign
from microcred.issuance.stack_credentials import (
    stack_achievement_id,
    stack_associations,
    stack_credential_request,
)
from microcred.verification.services import credential_verify
from tests.catalog.stack_data import StackWorld, stack_credentials
from tests.factories import micro_credential, organization, pass_attempt, submitted_attempt, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(db: None) -> StackWorld:
    return StackWorld()


# -- authoring ---------------------------------------------------------------------------------


def test_create_keeps_members_in_order_and_by_lineage(sw: StackWorld) -> None:
    stack = sw.stack(publish=False, members=[sw.mcs[2], sw.mcs[0]], slug="my-stack",
                     achievement_type="Certification")
    assert stack.status == Stack.Status.DRAFT and stack.slug == "my-stack"
    members = list(stack.members.all())
    assert [m.micro_credential for m in members] == [sw.mcs[2], sw.mcs[0]]
    assert [m.position for m in members] == [1, 2]
    assert members[0].lineage == sw.mcs[2].lineage
    assert stack.achievement_type == "Certification"


@pytest.mark.parametrize("changes, field", [
    ({"title": " "}, "title"),
    ({"description": ""}, "description"),
    ({"rule": "most"}, "rule"),
    ({"members": []}, "members"),
    ({"rule": "any_n"}, "required_count"),
    ({"rule": "any_n", "required_count": 4}, "required_count"),
    ({"achievement_type": "Nonsense"}, "achievement_type"),
])
def test_create_reports_each_problem_by_field(sw: StackWorld, changes: dict[str, Any],
                                              field: str) -> None:
    arguments: dict[str, Any] = {
        "actor": sw.author, "organization": sw.org, "title": "T", "description": "D",
        "rule": "all", "members": sw.mcs} | changes
    with pytest.raises(ValidationFailed) as error:
        stack_create(**arguments)
    assert field in error.value.problems


def test_members_come_from_the_organization_once(sw: StackWorld) -> None:
    other_author = user("Other author")
    other = micro_credential(org=organization(author=other_author), author=other_author)
    with pytest.raises(ValidationFailed) as error:
        sw.stack(publish=False, members=[sw.mc, other])
    assert "members" in error.value.problems
    with pytest.raises(ValidationFailed) as error:
        sw.stack(publish=False, members=[sw.mc, sw.mc])
    assert "members" in error.value.problems


def test_only_authors_create_and_only_admins_publish_and_retire(sw: StackWorld) -> None:
    with pytest.raises(NotAllowed):
        stack_create(actor=sw.learner, organization=sw.org, title="T", description="D",
                     rule="all", members=sw.mcs)
    stack = sw.stack(publish=False)
    with pytest.raises(NotAllowed):
        stack_publish(actor=sw.author, stack_id=stack.pk)
    stack = stack_publish(actor=sw.admin, stack_id=stack.pk)
    assert stack.status == Stack.Status.PUBLISHED and stack.published_at
    with pytest.raises(InvalidState):
        stack_publish(actor=sw.admin, stack_id=stack.pk)
    with pytest.raises(NotAllowed):
        stack_retire(actor=sw.author, stack_id=stack.pk)
    assert stack_retire(actor=sw.admin, stack_id=stack.pk).status == Stack.Status.RETIRED


def test_publishing_needs_every_member_published(sw: StackWorld) -> None:
    draft = micro_credential(org=sw.org, author=sw.author, publish=False)
    stack = sw.stack(publish=False, members=[sw.mc, draft])
    with pytest.raises(ValidationFailed) as error:
        stack_publish(actor=sw.admin, stack_id=stack.pk)
    assert error.value.code == "members_unpublished"
    assert draft.title in error.value.message


def test_only_drafts_are_updated(sw: StackWorld) -> None:
    stack = sw.stack(publish=False)
    stack = stack_update(actor=sw.author, stack_id=stack.pk, rule="any_n", required_count=2,
                         members=sw.mcs[:2])
    assert stack.rule == "any_n" and stack.required_count == 2
    assert stack.members.count() == 2
    with pytest.raises(ValidationFailed):
        stack_update(actor=sw.author, stack_id=stack.pk, required_count=3)
    stack_publish(actor=sw.admin, stack_id=stack.pk)
    with pytest.raises(InvalidState):
        stack_update(actor=sw.author, stack_id=stack.pk, title="Changed")


# -- the stack credential ----------------------------------------------------------------------


def test_draft_and_retired_stacks_issue_nothing(sw: StackWorld) -> None:
    draft = sw.stack("any_n", required_count=1, publish=False)
    retired = sw.stack("any_n", required_count=1, slug="retired-one")
    stack_retire(actor=sw.admin, stack_id=retired.pk)
    sw.earn(sw.mcs[0])
    assert not Credential.objects.filter(stack__in=[draft, retired]).exists()


def test_stack_credential_verifies_and_its_achievement_lists_the_members(
        sw: StackWorld) -> None:
    stack = sw.stack("all", achievement_type="Certification")
    members = [sw.earn(mc) for mc in sw.mcs]
    [credential] = stack_credentials(stack, sw.learner)
    report = credential_verify(data=credential.signed_json)
    assert report.verdict == "passed", report.as_dict()
    document = json.loads(credential.signed_json)
    assert "OpenBadgeCredential" in document["type"]
    assert document["name"] == stack.title
    # One entry for revocation and suspension (OB 3.0 allows one credentialStatus object).
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "message"
    assert [m["message"] for m in status["statusMessage"]][:3] == ["valid", "revoked",
                                                                    "suspended"]
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == stack_achievement_id(stack)
    assert achievement["achievementType"] == "Certification"
    assert achievement["name"] == stack.title
    assert achievement["description"] == stack.description
    assert achievement["creditsAvailable"] == 60
    member_ids = [json.loads(m.signed_json)["credentialSubject"]["achievement"]["id"]
                  for m in members]
    assert [a["targetUrl"] for a in achievement["alignment"]] == member_ids
    assert [a["targetName"] for a in achievement["alignment"]] == [mc.title for mc in sw.mcs]
    narrative = achievement["criteria"]["narrative"]
    assert "in any order" in narrative
    assert all(mc.title in narrative for mc in sw.mcs)
    assert "related" not in achievement  # Related is for versions and translations only
    assert [e["id"] for e in document["evidence"]] == [
        f"{settings.PUBLIC_URL}/credentials/{m.public_id}/" for m in members]
    # For a CLR transcript: the stack isParentOf each member achievement.
    associations = stack_associations(stack)
    assert [a["targetId"] for a in associations] == member_ids
    assert {a["associationType"] for a in associations} == {"isParentOf"}


def test_requesting_the_stack_credential_again_returns_the_same_one(sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=1)
    sw.earn(sw.mcs[0])
    [credential] = stack_credentials(stack, sw.learner)
    assert stack_credential_request(stack=stack, learner=sw.learner) == credential
    assert len(stack_credentials(stack, sw.learner)) == 1


def test_stack_credential_renews(sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=1)
    sw.earn(sw.mcs[0])
    [credential] = stack_credentials(stack, sw.learner)
    renewal = credential_renew(actor=sw.admin, credential_id=credential.pk)
    renewal.refresh_from_db()
    assert renewal.stack == stack and renewal.renews == credential and renewal.is_issued
    assert credential_verify(data=renewal.signed_json).verdict == "passed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_member_credentials_signed_at_once_issue_one_stack_credential() -> None:
    """The last two members signed by two workers at the same moment: each locks the learner
    before checking, so the second sees the first and exactly one stack credential results."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with MICROCRED_TEST_DATABASE=postgres")
    sw = StackWorld(count=2)
    stack = sw.stack("all")
    dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        for mc in sw.mcs:  # passed, credential requested, signing not yet run
            pass_attempt(assessor=sw.assessor,
                         attempt=submitted_attempt(learner=sw.learner, mc=mc))
        pending = list(Credential.objects.filter(learner=sw.learner, stack__isnull=True))
        assert [c.status for c in pending] == ["pending", "pending"]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sign(pk: int) -> None:
            try:
                barrier.wait()
                credential_sign(credential_id=pk)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=sign, args=(c.pk,)) for c in pending]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert len(stack_credentials(stack, sw.learner)) == 1


# -- pages ------------------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_public_stack_pages(sw: StackWorld) -> None:
    stack = sw.stack("in_order")
    response = Client().get(reverse("catalog:stack_list"))
    assert response.status_code == 200 and stack.title in response.content.decode()
    page = Client().get(reverse("catalog:stack_detail", args=[stack.slug])).content.decode()
    assert "in this order" in page and sw.org.name in page and "60" in page
    positions = [page.index(mc.title) for mc in sw.mcs]
    assert positions == sorted(positions)
    assert reverse("learner:micro_credential", args=[sw.mcs[1].slug]) in page
    badge = Client().get(reverse("catalog:stack_badge", args=[stack.slug]))
    assert badge.status_code == 200 and badge["Content-Type"] == "image/png"


def test_draft_stack_is_hidden_from_the_public(sw: StackWorld) -> None:
    stack = sw.stack(publish=False)
    assert Client().get(reverse("catalog:stack_detail", args=[stack.slug])).status_code == 404
    assert _client(sw.author).get(
        reverse("catalog:stack_detail", args=[stack.slug])).status_code == 200


def test_api_lists_the_stack_credential(sw: StackWorld) -> None:
    from microcred.learner.selectors import credentials_for_owner

    stack = sw.stack("any_n", required_count=1)
    sw.earn(sw.mcs[0])
    [credential] = stack_credentials(stack, sw.learner)
    texts = [text for _fmt, text in credentials_for_owner(user=sw.learner)]
    assert credential.signed_json in texts and len(texts) == 2


def test_authors_create_stacks_on_the_page_and_admins_publish(sw: StackWorld) -> None:
    assert _client(sw.learner).get(reverse("catalog:stack_author_create")).status_code == 403
    client = _client(sw.author)
    page = client.get(reverse("catalog:stack_author_create")).content.decode()
    assert all(mc.title in page for mc in sw.mcs)
    response = client.post(reverse("catalog:stack_author_create"), {
        "organization": sw.org.pk, "title": "Formative Assessment Certificate",
        "description": "All three.", "rule": "in_order", "achievement_type": "Certificate",
        f"position_{sw.mcs[2].pk}": "1", f"position_{sw.mcs[0].pk}": "2",
    })
    assert response.status_code == 302
    stack = Stack.objects.get(title="Formative Assessment Certificate")
    assert [m.micro_credential for m in stack.members.all()] == [sw.mcs[2], sw.mcs[0]]
    publish = reverse("catalog:stack_author_publish", args=[stack.public_id])
    assert client.post(publish).status_code == 403
    assert _client(sw.admin).post(publish).status_code == 302
    stack.refresh_from_db()
    assert stack.status == Stack.Status.PUBLISHED
    home = _client(sw.admin).get(reverse("catalog:stack_author_home")).content.decode()
    assert stack.title in home


def test_stack_form_problems_are_shown(sw: StackWorld) -> None:
    response = _client(sw.author).post(reverse("catalog:stack_author_create"), {
        "organization": sw.org.pk, "title": "Empty", "description": "None chosen.",
        "rule": "any_n", "achievement_type": "Certificate",
    })
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
