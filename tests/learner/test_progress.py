"""A learner's progress through a stack under each rule (``learner.progress``, over issuance's
``stack_completion``), the stack credential it leads to, and the pathway page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.assessment.services import pool_member_add
from microcred.catalog.services import micro_credential_new_version, micro_credential_publish
from microcred.issuance.models import Credential
from microcred.issuance.services import credential_renew, credential_revoke, credential_sign
from microcred.learner.progress import MemberState, stack_progress
from microcred.notifications.models import Notification
from microcred.verification.services import credential_verify
from tests.catalog.stack_data import StackWorld, stack_credentials
from tests.factories import pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(db: None) -> StackWorld:
    return StackWorld()


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



# -- the pathway page ----------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_pathway_needs_sign_in_and_shows_the_next_step(sw: StackWorld) -> None:
    stack = sw.stack("in_order")
    url = reverse("learner:pathway", args=[stack.slug])
    response = Client().get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    sw.earn(sw.mcs[0])
    page = _client(sw.learner).get(url).content.decode()
    assert '<progress id="stack-progress" max="3" value="1">' in page
    assert "10 of 60 credit hours earned" in page
    assert 'aria-current="step"' in page
    next_section = page[page.index('id="next-title"'):]
    assert sw.mcs[1].title in next_section[:600]
    assert reverse("learner:micro_credential", args=[sw.mcs[1].slug]) in next_section[:1000]
    assert "Locked" in page


def test_pathway_links_the_stack_credential_and_credential_pages_render(
        sw: StackWorld) -> None:
    stack = sw.stack("any_n", required_count=1)
    sw.earn(sw.mcs[0])
    [credential] = stack_credentials(stack, sw.learner)
    client = _client(sw.learner)
    page = client.get(reverse("learner:pathway", args=[stack.slug])).content.decode()
    assert reverse("issuance:credential", args=[credential.public_id]) in page
    public = Client().get(reverse("issuance:credential", args=[credential.public_id]))
    assert public.status_code == 200
    assert stack.title in public.content.decode()
    mine = client.get(reverse("learner:my_credentials"))
    assert mine.status_code == 200 and stack.title in mine.content.decode()
    for name in ("issuance:credential_png", "issuance:credential_svg",
                 "issuance:credential_json"):
        assert Client().get(reverse(name, args=[credential.public_id])).status_code == 200
    evidence = client.get(reverse("issuance:evidence", args=[credential.public_id, 1]))
    assert evidence.status_code == 404
    admin = _client(sw.admin).get(reverse("issuance:admin_credentials")).content.decode()
    assert stack.title in admin
