import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred.actors import SYSTEM
from microcred.assessment.services import AlreadyAssessed, assessment_record
from microcred.audit.models import AuditEvent
from microcred.earning.models import Attempt
from microcred.earning.services import (
    attempt_limit_set,
    attempt_start,
    attempt_submit,
    attempt_withdraw,
)
from microcred.earning.workflow import TransitionRefused, attempt_transition
from microcred.errors import InvalidState, ValidationFailed
from tests.factories import World, all_scores, submitted_attempt

pytestmark = pytest.mark.django_db


def test_every_transition_is_audited_with_who_from_and_to(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                      scores=all_scores(world.mc))
    rows = AuditEvent.objects.filter(action="attempt.transition",
                                     target=f"earning.attempt:{attempt.pk}")
    assert [(r.data["from"], r.data["to"]) for r in rows] == [
        ("draft", "submitted"), ("submitted", "in_review"), ("in_review", "passed")]
    assert rows[0].actor == world.learner and rows[2].actor == world.assessor
    assert all(r.created_at for r in rows)


def test_a_passed_attempt_cannot_move(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                      scores=all_scores(world.mc))
    attempt.refresh_from_db()
    with pytest.raises(TransitionRefused):
        attempt_transition(attempt=attempt, to=Attempt.Status.WITHDRAWN, actor=world.learner)
    with pytest.raises(AlreadyAssessed):
        assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                          scores=all_scores(world.mc))


def test_withdrawn_work_cannot_be_scored(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    attempt_withdraw(learner=world.learner, attempt_id=attempt.pk)
    with pytest.raises(InvalidState) as exc:
        assessment_record(assessor=world.assessor, attempt_id=attempt.pk,
                          scores=all_scores(world.mc))
    assert exc.value.code == "withdrawn"
    assert not attempt.assignments.filter(status="active").exists()


def test_the_database_refuses_inconsistent_states(world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    for changes in ({"status": "passed"},  # no decision date, no submission
                    {"status": "withdrawn"},  # no withdrawal date
                    {"status": "bogus"},
                    {"status": "submitted", "submitted_at": timezone.now()}):  # no integrity
        with pytest.raises(IntegrityError), transaction.atomic():
            Attempt.objects.filter(pk=attempt.pk).update(**changes)


def test_submission_needs_the_integrity_statement_and_word_limits(world: World) -> None:
    from microcred.earning.services import attempt_save_draft
    from tests.factories import micro_credential_with_limits, small_file

    mc = micro_credential_with_limits(world, kind="text", word_limit=3)
    text = mc.prompts.get(position=1)
    attempt = attempt_start(learner=world.learner, micro_credential=mc)
    file = mc.prompts.get(kind="file")
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk,
                       texts={text.pk: "one two three four"}, files={file.pk: small_file()})
    with pytest.raises(ValidationFailed) as exc:
        attempt_submit(learner=world.learner, attempt_id=attempt.pk, integrity_confirmed=False)
    assert set(exc.value.problems) == {f"prompt_{text.pk}", "integrity"}
    assert "4 words" in exc.value.problems[f"prompt_{text.pk}"]


def test_a_link_can_stand_in_for_a_file(world: World) -> None:
    from microcred.earning.services import attempt_save_draft

    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    text = world.mc.prompts.get(position=1)
    file = world.mc.prompts.get(kind="file")
    with pytest.raises(ValidationFailed):
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                           links={file.pk: "javascript:alert(1)"})
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={text.pk: "x"},
                       links={file.pk: "https://video.example.test/lesson"})
    assert attempt_submit(learner=world.learner, attempt_id=attempt.pk).status == "in_review"


def test_attempt_limit_and_prefill_after_not_yet(world: World) -> None:
    attempt_limit_set(actor=SYSTEM, micro_credential=world.mc, attempt_limit=2)
    first = submitted_attempt(learner=world.learner, mc=world.mc, text="first try")
    assessment_record(assessor=world.assessor, attempt_id=first.pk,
                      scores=all_scores(world.mc, "not_yet", "Add more."))
    second = attempt_start(learner=world.learner, micro_credential=world.mc)
    assert second.number == 2
    assert second.answers.get(prompt__position=1).text == "first try"
    attempt_submit(learner=world.learner, attempt_id=second.pk)
    # the second attempt goes to the same (only) assessor: nobody else is available
    assessment_record(assessor=world.assessor, attempt_id=second.pk,
                      scores=all_scores(world.mc, "not_yet", "Still missing."))
    with pytest.raises(InvalidState) as exc:
        attempt_start(learner=world.learner, micro_credential=world.mc)
    assert exc.value.code == "attempt_limit"
