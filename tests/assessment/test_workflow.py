from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.actors import SYSTEM
from microcred.assessment.agreement import cohens_kappa
from microcred.assessment.models import Assignment, PoolMember
from microcred.assessment.selectors import agreement_figures, assessor_queue, overdue_attempts
from microcred.assessment.services import (
    appeal_create,
    assessment_record,
    assignment_claim,
    assignments_sweep,
    attempt_return_incomplete,
    calibration_anchor_create,
    calibration_record,
    policy_update,
    pool_member_add,
)
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_submit
from microcred.errors import InvalidState, NotAllowed
from microcred.notifications.models import Notification
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from tests.factories import World, all_scores, organization, submitted_attempt, user

pytestmark = pytest.mark.django_db


def _assessor(world: World, *, lead: bool = False):  # type: ignore[no-untyped-def]
    person = user("Assessor")
    membership_grant(actor=SYSTEM, organization=world.org, user=person, role=Role.ASSESSOR)
    pool_member_add(actor=SYSTEM, micro_credential=world.mc, assessor=person, is_lead=lead)
    return person


def _holder(attempt: Attempt, kind: str = "primary"):  # type: ignore[no-untyped-def]
    return Assignment.objects.get(attempt=attempt, kind=kind, status="active").assessor


def test_calibration_qualifies_at_the_threshold_and_first_decision_is_moderated(
        world: World) -> None:
    criteria = list(world.mc.criteria.all())
    anchors = [calibration_anchor_create(
        actor=SYSTEM, micro_credential=world.mc, title=f"A{i}", evidence="sample",
        expected={c.pk: o for c in criteria}) for i, o in enumerate(["pass", "not_yet"])]
    trainee = user("Trainee")
    membership_grant(actor=SYSTEM, organization=world.org, user=trainee, role=Role.ASSESSOR)
    member = pool_member_add(actor=SYSTEM, micro_credential=world.mc, assessor=trainee)
    assert member.status == "calibrating"
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    from microcred.assessment.services import assignment_release
    assignment_release(assessor=world.assessor, attempt_id=attempt.pk)  # back to the pool
    assert assessor_queue(assessor=trainee) == []
    with pytest.raises(NotAllowed):  # not qualified yet: not eligible
        assignment_claim(assessor=trainee, attempt_id=attempt.pk)
    calibration_record(assessor=trainee, anchor_id=anchors[0].pk,
                       scores={c.pk: "pass" for c in criteria})
    # 3 of 4 criteria agree = 75% < 80%: not qualified
    member = calibration_record(assessor=trainee, anchor_id=anchors[1].pk,
                                scores={criteria[0].pk: "pass", criteria[1].pk: "not_yet"})
    assert (member.status, member.agreement) == ("not_qualified", Decimal("0.750"))
    policy_update(actor=SYSTEM, organization=world.org, calibration_threshold=Decimal("0.7"))
    from microcred.assessment.services import calibration_restart
    calibration_restart(assessor=trainee, micro_credential=world.mc)
    calibration_record(assessor=trainee, anchor_id=anchors[0].pk,
                       scores={c.pk: "pass" for c in criteria})
    member = calibration_record(assessor=trainee, anchor_id=anchors[1].pk,
                                scores={criteria[0].pk: "pass", criteria[1].pk: "not_yet"})
    assert member.status == "qualified" and member.needs_first_moderation
    # The trainee's first decision goes to moderation by someone else.
    second = submitted_attempt(learner=user(), mc=world.mc)
    if _holder(second) != trainee:
        from microcred.assessment.services import assignment_release
        assignment_release(assessor=_holder(second), attempt_id=second.pk)
        if _holder(second) != trainee:
            assignment_release(assessor=_holder(second), attempt_id=second.pk)
    assessment_record(assessor=trainee, attempt_id=second.pk, scores=all_scores(world.mc))
    second.refresh_from_db()
    assert second.status == "in_review"
    assert Assignment.objects.filter(attempt=second, kind="moderation", status="active").exists()


def test_assignment_goes_to_the_least_loaded_and_avoids_conflicts(world: World) -> None:
    other = _assessor(world)
    learner_home = organization()
    membership_grant(actor=SYSTEM, organization=learner_home, user=world.learner, role=Role.AUTHOR)
    colleague = _assessor(world)
    membership_grant(actor=SYSTEM, organization=learner_home, user=colleague, role=Role.AUTHOR)
    first = submitted_attempt(learner=user(), mc=world.mc)
    second = submitted_attempt(learner=user(), mc=world.mc)
    assert {_holder(first), _holder(second)} <= {world.assessor, other, colleague}
    assert _holder(first) != _holder(second)  # least loaded
    mine = submitted_attempt(learner=world.learner, mc=world.mc)
    assert _holder(mine) != colleague  # never the learner's own organization
    # A later attempt prefers someone who did not assess the earlier one.
    first_assessor = _holder(mine)
    assessment_record(assessor=first_assessor, attempt_id=mine.pk,
                      scores=all_scores(world.mc, "not_yet", "More."))
    from microcred.earning.services import attempt_start
    retry = attempt_start(learner=world.learner, micro_credential=world.mc)
    attempt_submit(learner=world.learner, attempt_id=retry.pk)
    assert _holder(retry) not in (first_assessor, colleague)


def test_pool_claim_and_expiry_return_work_to_the_pool(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assert _holder(attempt) == world.assessor
    later = timezone.now() + timedelta(days=30)
    report = assignments_sweep(now=later)
    assert report.expired == 1
    attempt.refresh_from_db()
    assert attempt.status == "submitted"  # back in the pool, nobody else to take it
    assert [i.public_id for i in assessor_queue(assessor=world.assessor)] == [attempt.public_id]
    other = _assessor(world)
    assignment_claim(assessor=other, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == "in_review"
    assert Notification.objects.filter(user=world.assessor, kind="assignment.expired").exists()


def test_reminder_before_the_deadline_and_admins_see_overdue(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    attempt.refresh_from_db()
    assert attempt.decision_due_at is not None
    report = assignments_sweep(now=attempt.decision_due_at - timedelta(hours=1))
    assert report.reminded == 1
    assert Notification.objects.filter(user=world.assessor, kind="assignment.reminder").exists()
    Attempt.objects.filter(pk=attempt.pk).update(
        decision_due_at=timezone.now() - timedelta(days=1))
    assert [r.public_id for r in overdue_attempts(organization=world.org)] == [
        attempt.public_id]


def test_moderation_disagreement_goes_to_the_lead_whose_decision_stands(world: World) -> None:
    policy_update(actor=SYSTEM, organization=world.org, moderation_rate=Decimal("1"))
    moderator = _assessor(world)
    lead = _assessor(world, lead=True)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    primary = _holder(attempt)
    assessment_record(assessor=primary, attempt_id=attempt.pk, scores=all_scores(world.mc),
                      note_to_lead="Borderline on adjustment.")
    mod = _holder(attempt, "moderation")
    assert mod != primary
    assessment_record(assessor=mod, attempt_id=attempt.pk,
                      scores=all_scores(world.mc, "not_yet", "Not enough."))
    adjudicator = _holder(attempt, "adjudication")
    assert adjudicator == lead and lead not in (primary, mod)
    assessment_record(assessor=lead, attempt_id=attempt.pk,
                      scores=all_scores(world.mc, "not_yet", "Agree with moderation."))
    attempt.refresh_from_db()
    assert attempt.status == "not_yet"
    rows = agreement_figures(organization=world.org)
    assert [(r.moderated, r.agreed) for r in rows] == [(1, 0)]
    assert moderator  # present in the pool


def test_return_incomplete_then_resubmit_in_the_same_attempt(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    attempt_return_incomplete(assessor=world.assessor, attempt_id=attempt.pk,
                              reason="The plan file is unreadable.")
    attempt.refresh_from_db()
    assert attempt.status == "returned" and attempt.return_reason
    attempt_submit(learner=world.learner, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == "in_review" and attempt.number == 1


def test_appeal_once_to_a_different_assessor(world: World) -> None:
    other = _assessor(world)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    first = _holder(attempt)
    assessment_record(assessor=first, attempt_id=attempt.pk,
                      scores=all_scores(world.mc, "not_yet", "More."))
    appeal_create(learner=world.learner, attempt_id=attempt.pk, reason="It is on page 2.")
    reviewer = _holder(attempt, "appeal")
    assert reviewer != first and reviewer in (world.assessor, other)
    assessment_record(assessor=reviewer, attempt_id=attempt.pk, scores=all_scores(world.mc))
    attempt.refresh_from_db()
    assert attempt.status == "passed"
    with pytest.raises(InvalidState):
        appeal_create(learner=world.learner, attempt_id=attempt.pk, reason="again")


def test_cohens_kappa() -> None:
    assert cohens_kappa([]) is None
    assert cohens_kappa([("p", "p"), ("n", "n")]) == 1.0
    # Classic example: 20 pairs, po=0.7, pe=0.5 -> 0.4
    pairs = [("y", "y")] * 5 + [("n", "n")] * 9 + [("y", "n")] * 5 + [("n", "y")] * 1
    assert round(cohens_kappa(pairs), 3) == round((0.7 - ((10 * 6 + 10 * 14) / 400)) /
                                                  (1 - ((10 * 6 + 10 * 14) / 400)), 3)


def test_pool_member_needs_the_assessor_role(world: World) -> None:
    from microcred.errors import ValidationFailed
    with pytest.raises(ValidationFailed):
        pool_member_add(actor=SYSTEM, micro_credential=world.mc, assessor=user())
    assert PoolMember.objects.filter(micro_credential=world.mc).count() == 1


def test_a_tenth_of_decisions_are_moderated_by_default(world: World) -> None:
    other = _assessor(world)
    outcomes = []
    for _ in range(10):
        attempt = submitted_attempt(learner=user(), mc=world.mc)
        assessment_record(assessor=_holder(attempt), attempt_id=attempt.pk,
                          scores=all_scores(world.mc))
        attempt.refresh_from_db()
        outcomes.append(attempt.status)
    assert outcomes == ["passed"] * 9 + ["in_review"]  # the 10th waits for its moderator
    assert other
