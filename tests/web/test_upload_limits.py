"""Every form that takes a file reads it whole or refuses it as too large, naming the limit
(issue 14, finding B): never a part of it that the upload handler or a bounded read kept.

One test per form: verify-by-upload, credential import, the authoring badge, evidence, and
(in tests/issuance/test_bulk.py) the bulk issuance CSV with its exact row-boundary case.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from microcred.catalog.badges import BADGE_MAX_BYTES
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.errors import ValidationFailed
from microcred.learner.models import HeldCredential
from microcred.verification.services import MAX_CREDENTIAL_BYTES
from tests.factories import World, micro_credential

pytestmark = pytest.mark.django_db


def _padded_json(size: int) -> bytes:
    """JSON of exactly ``size`` bytes: a valid document until it is cut."""
    head = b'{"padding": "'
    return head + b" " * (size - len(head) - 2) + b'"}'


def test_verify_refuses_an_upload_past_its_limit_naming_it(client: Client) -> None:
    upload = SimpleUploadedFile("c.json", _padded_json(MAX_CREDENTIAL_BYTES + 1))
    response = client.post(reverse("verification:verify"), {"credential_file": upload})
    assert response.status_code == 400
    assert "The file is larger than 2 MB" in response.content.decode()


@override_settings(UPLOAD_MAX_BYTES=64 * 1024, FILE_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_verify_refuses_a_file_the_server_kept_only_in_part(client: Client) -> None:
    """Below the form's own limit but past the server's: the handler kept the start only."""
    body = _padded_json(200 * 1024)
    json.loads(body)
    upload = SimpleUploadedFile("c.json", body)
    response = client.post(reverse("verification:verify"), {"credential_file": upload})
    assert response.status_code == 400
    assert "The file is larger than 64 KB" in response.content.decode()


def test_import_refuses_an_upload_past_its_limit_naming_it(client: Client,
                                                           world: World) -> None:
    client.force_login(world.learner)
    upload = SimpleUploadedFile("c.json", _padded_json(MAX_CREDENTIAL_BYTES + 1))
    response = client.post(reverse("learner:import"), {"credential_file": upload})
    assert response.status_code == 400
    assert "The file is larger than 2 MB" in response.content.decode()
    assert not HeldCredential.objects.exists()


def test_a_badge_past_its_limit_is_refused_naming_it(client: Client, world: World) -> None:
    mc = micro_credential(org=world.org, author=world.author, publish=False)
    client.force_login(world.author)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><!--' + b"x" * BADGE_MAX_BYTES + b"--></svg>"
    response = client.post(reverse("catalog:author_badge_set", args=[mc.public_id]),
                           {"badge_image": SimpleUploadedFile("b.svg", svg)}, follow=True)
    assert "The file is larger than 2 MB" in response.content.decode()
    mc.refresh_from_db()
    assert not mc.badge_image


@override_settings(UPLOAD_MAX_BYTES=3 * 1024 * 1024)
def test_evidence_past_the_limit_is_refused_naming_it_and_the_draft_kept(
        client: Client, world: World) -> None:
    client.force_login(world.learner)
    client.post(reverse("earning:start", args=[world.mc.slug]))
    attempt = Attempt.objects.get(learner=world.learner)
    file_prompt = world.mc.prompts.get(kind="file")
    text_prompt = world.mc.prompts.get(position=1)
    big = SimpleUploadedFile("notes.txt", b"z" * (3 * 1024 * 1024 + 1))
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "save", f"prompt_{text_prompt.pk}": "kept", f"prompt_{file_prompt.pk}": big})
    assert response.status_code == 400
    assert "files can be at most 3.0" in response.content.decode()
    assert attempt.answers.get(prompt=text_prompt).text == "kept"
    assert not attempt.answers.filter(prompt=file_prompt).exclude(file="").exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_evidence_is_read_whole_or_refused_even_when_its_size_is_misreported(
        world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    prompt = world.mc.prompts.get(kind="file")
    upload = SimpleUploadedFile("notes.txt", b"word " * 1000)
    upload.size = 10  # what a handler that lost count would say
    with pytest.raises(ValidationFailed) as caught:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                           files={prompt.pk: upload})
    assert caught.value.code == "file_too_large"
    assert "The file is larger than 1 KB" in caught.value.message
    assert not attempt.answers.filter(prompt=prompt).exclude(file="").exists()
