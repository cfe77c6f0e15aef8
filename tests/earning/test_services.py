from collections.abc import Iterator
from typing import Any

import pytest
from django.dispatch import Signal
from django.test import override_settings

from microcred.actors import SYSTEM
from microcred.assessment.models import Assignment
from microcred.earning.models import Attempt
from microcred.earning.services import (
    attempt_save_draft,
    attempt_start,
    attempt_submit,
    attempt_withdraw,
)
from microcred.earning.signals import attempt_submitted, attempt_withdrawn
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from tests.factories import World, small_file, submitted_attempt, user

pytestmark = pytest.mark.django_db


def _prompts(world: World) -> tuple[int, int]:
    text = world.mc.prompts.get(position=1).pk
    file = world.mc.prompts.get(kind="file").pk
    return text, file


def test_draft_saves_and_submits(world: World) -> None:
    text, file = _prompts(world)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    assert attempt_start(learner=world.learner, micro_credential=world.mc) == attempt
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={text: "Draft"},
                       files={file: small_file()})
    attempt = attempt_submit(learner=world.learner, attempt_id=attempt.pk)
    assert attempt.status == Attempt.Status.IN_REVIEW  # auto-assigned to the pool's assessor
    assert attempt.answers.get(prompt_id=file).file_name == "plan.txt"


def test_submit_refuses_missing_required_parts_naming_them(world: World) -> None:
    text, _file = _prompts(world)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={text: "   "})
    with pytest.raises(ValidationFailed) as exc:
        attempt_submit(learner=world.learner, attempt_id=attempt.pk)
    assert exc.value.code == "missing_parts"
    assert "Part 1, question 1" in exc.value.message
    assert "Part 1, question 2" in exc.value.message
    assert "question 3" not in exc.value.message  # optional
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.DRAFT


@override_settings(UPLOAD_MAX_BYTES=100)
def test_oversize_upload_is_refused_and_the_draft_is_kept(world: World) -> None:
    text, file = _prompts(world)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    with pytest.raises(ValidationFailed) as exc:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk,
                           texts={text: "Keep me"}, files={file: small_file(size=101)})
    assert exc.value.code == "file_too_large"
    assert attempt.answers.get(prompt_id=text).text == "Keep me"
    assert not attempt.answers.filter(prompt_id=file).exclude(file="").exists()


def test_someone_else_cannot_edit_the_draft(world: World) -> None:
    text, _ = _prompts(world)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    with pytest.raises(NotAllowed):
        attempt_save_draft(learner=user(), attempt_id=attempt.pk, texts={text: "x"})


def test_submitted_attempt_is_frozen(world: World) -> None:
    from tests.factories import submitted_attempt

    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    text, _ = _prompts(world)
    with pytest.raises(InvalidState):
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={text: "late"})
    with pytest.raises(InvalidState):
        attempt_submit(learner=world.learner, attempt_id=attempt.pk)


def test_reading_the_attempt_limit_writes_nothing(world: World) -> None:
    from microcred.earning.models import EarningPolicy
    from microcred.earning.selectors import policy_get
    from microcred.earning.services import attempt_limit_set

    policy = policy_get(micro_credential=world.mc)
    assert policy.pk is None and policy.attempt_limit == 3  # the default, unsaved
    attempt_start(learner=world.learner, micro_credential=world.mc)  # reads the limit
    assert not EarningPolicy.objects.exists()
    attempt_limit_set(actor=SYSTEM, micro_credential=world.mc, attempt_limit=5)
    assert policy_get(micro_credential=world.mc).attempt_limit == 5


def _receiving(signal: Signal) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        seen.append(kwargs)

    signal.connect(receiver, weak=False, dispatch_uid="test")
    return seen


@pytest.fixture
def signals() -> Iterator[None]:
    yield
    for signal in (attempt_submitted, attempt_withdrawn):
        signal.disconnect(dispatch_uid="test")


def test_submitting_and_withdrawing_tell_the_apps_above(
        world: World, signals: None) -> None:
    """earning imports no higher app: it sends ``attempt_submitted``/``attempt_withdrawn``
    after the transition, and assessment opens or cancels the review before the service
    returns (the attempt is assigned to the pool's assessor, then the assignment ends)."""
    submitted, withdrawn = _receiving(attempt_submitted), _receiving(attempt_withdrawn)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    assert [(s["attempt"].pk, s["actor"]) for s in submitted] == [(attempt.pk, world.learner)]
    assert attempt.status == Attempt.Status.IN_REVIEW and attempt.decision_due_at is not None
    attempt_withdraw(learner=world.learner, attempt_id=attempt.pk)
    assert [(s["attempt"].pk, s["actor"]) for s in withdrawn] == [(attempt.pk, world.learner)]
    assert not Assignment.objects.filter(attempt=attempt,
                                         status=Assignment.Status.ACTIVE).exists()


def test_a_failing_receiver_undoes_the_submission(world: World, signals: None) -> None:
    """The signal is sent inside the submitting transaction: what a receiver fails to do, the
    submission does not keep either."""
    def refuse(**_kwargs: Any) -> None:
        raise RuntimeError("the review could not be opened")

    attempt_submitted.connect(refuse, weak=False, dispatch_uid="test")
    text, file = _prompts(world)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={text: "Draft"},
                       files={file: small_file()})
    with pytest.raises(RuntimeError):
        attempt_submit(learner=world.learner, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.DRAFT and attempt.decision_due_at is None
