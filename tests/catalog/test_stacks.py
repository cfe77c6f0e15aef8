"""Stacks: authoring services, progress under each rule, the stack credential (issued once,
verifiable, listing its members) and the pages."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.assessment.services import pool_member_add
from microcred.catalog.models import MicroCredential, Stack
from microcred.catalog.stacks import (
    MemberState,
    stack_create,
    stack_progress,
    stack_publish,
    stack_retire,
    stack_update,
)
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance.models import Credential
from microcred.issuance.services import credential_renew, credential_revoke, credential_sign
from microcred.issuance.stack_credentials import (
    stack_achievement_id,
    stack_associations,
    stack_credential_request,
)
from microcred.notifications.models import Notification
from microcred.verification.services import credential_verify
from tests.factories import (
    World,
    micro_credential,
    organization,
    pass_attempt,
    reviewer_of,
    submitted_attempt,
    user,
)

pytestmark = pytest.mark.django_db


class StackWorld(World):
    """A World with three published micro-credentials (credit hours 10, 20, 30) the assessor
    can score, and the organization's administrator."""

    def __init__(self, count: int = 3) -> None:
        super().__init__()
        self.mcs = [self.mc]
        for _ in range(count - 1):
            mc = micro_credential(org=self.org, author=self.author)
            pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=self.assessor)
            self.mcs.append(mc)
        for i, mc in enumerate(self.mcs, start=1):
            MicroCredential.objects.filter(pk=mc.pk).update(credit_hours=Decimal(10 * i))
            mc.refresh_from_db()
        self.admin = reviewer_of(self.org)

    def stack(self, rule: str = "all", required_count: int | None = None,
              publish: bool = True, **kwargs: Any) -> Stack:
        stack = stack_create(
            actor=self.author, organization=self.org, title="Formative Assessment",
            description="Plans, checks and adjusts with formative assessment.", rule=rule,
            required_count=required_count, members=kwargs.pop("members", self.mcs), **kwargs)
        if publish:
            stack = stack_publish(actor=self.admin, stack_id=stack.pk)
        return stack

    def earn(self, mc: MicroCredential, learner: Any = None) -> Credential:
        attempt = submitted_attempt(learner=learner or self.learner, mc=mc)
        pass_attempt(assessor=self.assessor, attempt=attempt)
        credential = Credential.objects.get(attempt=attempt)
        assert credential.is_issued
        return credential


def stack_credentials(stack: Stack, learner: Any) -> list[Credential]:
    return list(Credential.objects.filter(stack=stack, learner=learner))


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


# -- progress and the stack credential -----------------------------------------------------------


def test_rule_all_completes_with_every_member_and_issues_once(sw: StackWorld) -> None:
    stack = sw.stack("all")
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert [m.state for m in progress.members] == [MemberState.NOT_STARTED] * 3
    assert progress.next_member and progress.next_member.member.position == 1
    assert progress.credit_hours_total == Decimal(60)

    sw.earn(sw.mcs[2])
    sw.earn(sw.mcs[0])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert not progress.complete and progress.earned_count == 2
    assert progress.credit_hours_earned == Decimal(40)
    assert [m.state for m in progress.members] == ["earned", "not_started", "earned"]
    assert progress.next_member and progress.next_member.member.position == 2
    assert stack_credentials(stack, sw.learner) == []

    sw.earn(sw.mcs[1])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert progress.complete and progress.next_member is None
    [credential] = stack_credentials(stack, sw.learner)
    assert credential.is_issued and credential.attempt is None
    assert credential.micro_credential is None and credential.organization == sw.org
    # Signing it again, or another member credential signed again, changes nothing.
    credential_sign(credential_id=credential.pk)
    credential_sign(credential_id=Credential.objects.filter(attempt__isnull=False).first().pk)
    assert len(stack_credentials(stack, sw.learner)) == 1
    assert Notification.objects.filter(user=sw.learner, kind="stack.completed").count() == 1


def test_rule_any_n(sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=2)
    sw.earn(sw.mcs[1])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert not progress.complete and progress.needed_count == 2 and progress.shown_count == 1
    sw.earn(sw.mcs[2])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert progress.complete
    assert len(stack_credentials(stack, sw.learner)) == 1


def test_rule_in_order_locks_later_members_and_refuses_out_of_order(sw: StackWorld) -> None:
    stack = sw.stack("in_order")
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert [m.state for m in progress.members] == ["not_started", "locked", "locked"]
    assert progress.next_member and progress.next_member.member.position == 1

    # Out of order: the second before the first.
    sw.earn(sw.mcs[1])
    sw.earn(sw.mcs[0])
    sw.earn(sw.mcs[2])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert not progress.complete and progress.earned_count == 3
    assert [m.state for m in progress.members] == ["earned", "out_of_order", "out_of_order"]
    assert progress.next_member and progress.next_member.member.position == 2
    assert stack_credentials(stack, sw.learner) == []

    # Renewing the second counts it again, after the first: then the third is out of order
    # still (earned before the renewal), and renewing it too completes the stack.
    second = Credential.objects.get(learner=sw.learner, micro_credential=sw.mcs[1])
    credential_renew(actor=sw.admin, credential_id=second.pk)
    assert not stack_progress(learner=sw.learner, stack=stack).complete
    third = Credential.objects.get(learner=sw.learner, micro_credential=sw.mcs[2])
    credential_renew(actor=sw.admin, credential_id=third.pk)
    assert stack_progress(learner=sw.learner, stack=stack).complete
    assert len(stack_credentials(stack, sw.learner)) == 1


def test_rule_in_order_completes_when_earned_in_order(sw: StackWorld) -> None:
    stack = sw.stack("in_order")
    sw.earn(sw.mcs[0])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert [m.state for m in progress.members] == ["earned", "not_started", "locked"]
    attempt = submitted_attempt(learner=sw.learner, mc=sw.mcs[1])
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert [m.state for m in progress.members] == ["earned", "in_review", "locked"]
    pass_attempt(assessor=sw.assessor, attempt=attempt)
    sw.earn(sw.mcs[2])
    assert stack_progress(learner=sw.learner, stack=stack).complete
    assert len(stack_credentials(stack, sw.learner)) == 1


def test_any_version_of_a_member_counts(sw: StackWorld) -> None:
    from microcred.catalog.services import micro_credential_new_version, micro_credential_publish

    stack = sw.stack("any_n", required_count=1, members=[sw.mcs[0]])
    draft = micro_credential_new_version(actor=sw.author, micro_credential_id=sw.mcs[0].pk)
    v2 = micro_credential_publish(actor=sw.admin, micro_credential_id=draft.pk)
    pool_member_add(actor=SYSTEM, micro_credential=v2, assessor=sw.assessor)
    sw.earn(v2)
    assert stack_progress(learner=sw.learner, stack=stack).complete
    assert len(stack_credentials(stack, sw.learner)) == 1


def test_revoked_member_does_not_count_and_issued_stack_credential_stays(
        sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=2)
    first = sw.earn(sw.mcs[0])
    credential_revoke(actor=sw.admin, credential_id=first.pk, reason="Plagiarism.")
    progress = stack_progress(learner=sw.learner, stack=stack)
    assert progress.earned_count == 0
    assert progress.members[0].state == MemberState.NOT_STARTED
    sw.earn(sw.mcs[1])
    assert stack_credentials(stack, sw.learner) == []
    sw.earn(sw.mcs[2])
    [stack_credential] = stack_credentials(stack, sw.learner)
    # Revoking a member later leaves the stack credential valid (documented choice).
    member = Credential.objects.get(learner=sw.learner, micro_credential=sw.mcs[2])
    credential_revoke(actor=sw.admin, credential_id=member.pk, reason="Mistake.")
    assert not stack_progress(learner=sw.learner, stack=stack).complete
    stack_credential.refresh_from_db()
    assert not stack_credential.is_revoked
    assert credential_verify(data=stack_credential.signed_json).verdict == "passed"


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
    assert reverse("catalog:detail", args=[sw.mcs[1].slug]) in page
    badge = Client().get(reverse("catalog:stack_badge", args=[stack.slug]))
    assert badge.status_code == 200 and badge["Content-Type"] == "image/png"


def test_draft_stack_is_hidden_from_the_public(sw: StackWorld) -> None:
    stack = sw.stack(publish=False)
    assert Client().get(reverse("catalog:stack_detail", args=[stack.slug])).status_code == 404
    assert _client(sw.author).get(
        reverse("catalog:stack_detail", args=[stack.slug])).status_code == 200


def test_pathway_needs_sign_in_and_shows_the_next_step(sw: StackWorld) -> None:
    stack = sw.stack("in_order")
    url = reverse("catalog:pathway", args=[stack.slug])
    response = Client().get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    sw.earn(sw.mcs[0])
    page = _client(sw.learner).get(url).content.decode()
    assert '<progress id="stack-progress" max="3" value="1">' in page
    assert "10 of 60 credit hours earned" in page
    assert 'aria-current="step"' in page
    next_section = page[page.index('id="next-title"'):]
    assert sw.mcs[1].title in next_section[:600]
    assert reverse("catalog:detail", args=[sw.mcs[1].slug]) in next_section[:1000]
    assert "Locked" in page


def test_pathway_links_the_stack_credential_and_credential_pages_render(
        sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=1)
    sw.earn(sw.mcs[0])
    [credential] = stack_credentials(stack, sw.learner)
    client = _client(sw.learner)
    page = client.get(reverse("catalog:pathway", args=[stack.slug])).content.decode()
    assert reverse("issuance:credential", args=[credential.public_id]) in page
    public = Client().get(reverse("issuance:credential", args=[credential.public_id]))
    assert public.status_code == 200
    assert stack.title in public.content.decode()
    mine = client.get(reverse("issuance:mine"))
    assert mine.status_code == 200 and stack.title in mine.content.decode()
    for name in ("issuance:credential_png", "issuance:credential_svg",
                 "issuance:credential_json"):
        assert Client().get(reverse(name, args=[credential.public_id])).status_code == 200
    evidence = client.get(reverse("issuance:evidence", args=[credential.public_id, 1]))
    assert evidence.status_code == 404
    admin = _client(sw.admin).get(reverse("issuance:admin_credentials")).content.decode()
    assert stack.title in admin


def test_api_lists_the_stack_credential(sw: StackWorld) -> None:
    from microcred.api.selectors import credentials_for_owner

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
