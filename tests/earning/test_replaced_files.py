"""A file an answer no longer names is deleted once the change commits, unless an earlier
attempt's answer still names it (found by `make cluster`: replaced evidence stayed in storage,
and an erasure removes only the files rows name)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from microcred.earning.models import Answer
from microcred.earning.services import attempt_save_draft, attempt_start
from tests.factories import World, small_file

pytestmark = pytest.mark.django_db


def _file_prompt(world: World) -> int:
    return world.mc.prompts.get(kind="file").pk


def test_replacing_a_file_deletes_the_one_it_replaced(world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    prompt = _file_prompt(world)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={prompt: small_file("first.txt")})
    first = Answer.objects.get(attempt=attempt, prompt_id=prompt).file.name
    assert default_storage.exists(first)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={prompt: small_file("second.txt", size=80)})
    second = Answer.objects.get(attempt=attempt, prompt_id=prompt).file.name
    assert second != first and default_storage.exists(second)
    assert not default_storage.exists(first)


def test_a_file_an_earlier_attempt_still_names_is_kept(world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    prompt = _file_prompt(world)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={prompt: small_file("first.txt")})
    answer = Answer.objects.get(attempt=attempt, prompt_id=prompt)
    # A second answer naming the same stored file, as a resubmission's copied answers do.
    other = Answer.objects.create(attempt=attempt, prompt=world.mc.prompts.exclude(
        pk=prompt).first(), file=answer.file.name)
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={prompt: small_file("second.txt", size=80)})
    assert default_storage.exists(other.file.name)
