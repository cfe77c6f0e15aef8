import pytest
from django.db import IntegrityError, transaction

from microcred.actors import SYSTEM
from microcred.assessment.models import Assessment, CriterionScore
from microcred.assessment.selectors import assessor_queue
from microcred.assessment.services import AlreadyAssessed, ScoreInput, assessment_record
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_start, attempt_submit
from microcred.errors import NotAllowed, ValidationFailed
from microcred.issuance.models import Credential
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from tests.factories import World, all_scores, submitted_attempt, user

pytestmark = pytest.mark.django_db


def test_not_yet_needs_feedback(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    with pytest.raises(ValidationFailed) as exc:
        assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                          scores=all_scores(world.mc, "not_yet"))
    assert all(k.endswith("_feedback") for k in exc.value.problems)
    assert not Assessment.objects.exists()


def test_every_criterion_must_be_scored(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    first = world.mc.criteria.first()
    with pytest.raises(ValidationFailed):
        assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                          scores={first.pk: ScoreInput("pass")})


def test_not_yet_returns_it_then_resubmission_passes_and_issues(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc, text="first try")
    scores = all_scores(world.mc)
    scores[world.mc.criteria.first().pk] = ScoreInput("not_yet", "Add a mid-lesson check.")
    assessment = assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                                   scores=scores)
    attempt.refresh_from_db()
    assert (assessment.outcome, attempt.status) == ("not_yet", Attempt.Status.NOT_YET)
    assert not Credential.objects.exists()

    second = attempt_start(learner=world.learner, micro_credential=world.mc)
    assert second.number == 2 and second.pk != attempt.pk
    assert second.answers.filter(text="first try").exists()  # carried over to revise
    assert second.answers.exclude(file="").exists()
    attempt_submit(learner=world.learner, attempt_id=second.pk)
    assessment_record(assessor=world.assessor, attempt_id=second.pk,
                      scores=all_scores(world.mc))
    second.refresh_from_db()
    assert second.status == Attempt.Status.PASSED
    credential = Credential.objects.get(attempt=second)
    assert credential.is_issued  # the (immediate) task ran in the Pass transaction


def test_assessor_cannot_score_own_submission(world: World) -> None:
    membership_grant(actor=SYSTEM, organization=world.org, user=world.learner,
                     role=Role.ASSESSOR)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    with pytest.raises(NotAllowed) as exc:
        assessment_record(assessor=world.learner, attempt_id=attempt.pk,
                          scores=all_scores(world.mc))
    assert exc.value.code == "own_submission"
    assert attempt not in [i.public_id for i in assessor_queue(assessor=world.learner)]
    assert assessor_queue(assessor=world.learner) == []


def test_learner_cannot_score(world: World) -> None:
    other = submitted_attempt(learner=world.author, mc=world.mc)
    with pytest.raises(NotAllowed):
        assessment_record(assessor=world.learner, attempt_id=other.pk,
                          scores=all_scores(world.mc))


def test_nobody_scores_twice(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                      scores=all_scores(world.mc))
    with pytest.raises(AlreadyAssessed):
        assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                          scores=all_scores(world.mc))
    assert Assessment.objects.filter(attempt=attempt).count() == 1
    assert Credential.objects.filter(attempt=attempt).count() == 1


def test_database_refuses_a_second_assessment_and_not_yet_without_feedback(
    world: World,
) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    first = Assessment.objects.create(attempt=attempt, assessor=world.assessor, outcome="pass")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(attempt=attempt, assessor=world.assessor, outcome="pass")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(assessment=first, criterion=world.mc.criteria.first(),
                                      outcome="not_yet", feedback="")


def test_queue_is_blind(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    items = assessor_queue(assessor=world.assessor)
    assert [i.public_id for i in items] == [attempt.public_id]
    flat = repr(items)
    assert world.learner.email not in flat and world.learner.display_name not in flat


def test_the_journey_leaves_an_audit_trail_with_actors(world: World) -> None:
    from microcred.audit.models import AuditEvent

    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                      scores=all_scores(world.mc))
    actions = list(AuditEvent.objects.values_list("action", "actor"))
    assert ("attempt.submitted", world.learner.pk) in actions
    assert ("assessment.recorded", world.assessor.pk) in actions
    assert ("credential.requested", world.assessor.pk) in actions
    assert ("credential.issued", None) in actions


def test_a_pass_tells_issuance_through_attempt_passed(world: World) -> None:
    """assessment imports no higher app: a Pass sends ``assessment.signals.attempt_passed``
    after the transition, and issuance (its receiver) records the credential and enqueues its
    signing; a Not Yet sends nothing."""
    from microcred.assessment.signals import attempt_passed

    seen: list[tuple[str, object]] = []

    def receiver(*, attempt: Attempt, actor: object, **_kwargs: object) -> None:
        seen.append((attempt.status, actor))

    attempt_passed.connect(receiver, weak=False, dispatch_uid="test")
    try:
        not_yet = submitted_attempt(learner=world.learner, mc=world.mc)
        assessment_record(assessor=world.assessor, attempt_id=not_yet.pk,
                          scores=all_scores(world.mc, "not_yet", "Add a check."))
        assert seen == []
        other = submitted_attempt(learner=user("Learner"), mc=world.mc)
        assessment_record(assessor=world.assessor, attempt_id=other.pk,
                          scores=all_scores(world.mc))
    finally:
        attempt_passed.disconnect(dispatch_uid="test")
    assert seen == [(Attempt.Status.PASSED, world.assessor)]
    assert Credential.objects.get(attempt=other).is_issued


def test_a_failing_receiver_undoes_the_pass(world: World) -> None:
    """``attempt_passed`` is sent inside the deciding transaction: the Pass and the credential
    commit together or not at all."""
    from microcred.assessment.signals import attempt_passed

    def refuse(**_kwargs: object) -> None:
        raise RuntimeError("no credential today")

    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    attempt_passed.connect(refuse, weak=False, dispatch_uid="test")
    try:
        with pytest.raises(RuntimeError):
            assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                              scores=all_scores(world.mc))
    finally:
        attempt_passed.disconnect(dispatch_uid="test")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_REVIEW
    assert not Assessment.objects.filter(attempt=attempt).exists()
    assert not Credential.objects.exists()
