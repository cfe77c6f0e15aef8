import pytest
from django.test import override_settings

from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from tests.factories import World, small_file, user

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
