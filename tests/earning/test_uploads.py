import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from microcred.earning.models import Attempt
from microcred.earning.uploads import BoundedTemporaryFileUploadHandler
from tests.factories import World


@override_settings(UPLOAD_MAX_BYTES=10)
def test_oversize_upload_is_counted_not_stored() -> None:
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("f", "big.bin", "application/octet-stream", 25)
    for chunk in (b"a" * 8, b"b" * 8, b"c" * 9):
        handler.receive_data_chunk(chunk, 0)
    uploaded = handler.file_complete(25)
    assert uploaded.size == 25  # the service refuses it by its real size
    assert len(uploaded.read()) <= 10  # but no more than the limit touched the disk
    uploaded.close()


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=3 * 1024 * 1024)
def test_large_request_goes_through_the_bounded_handler(client: Client, world: World) -> None:
    client.force_login(world.learner)
    client.post(reverse("earning:start", args=[world.mc.slug]))
    attempt = Attempt.objects.get(learner=world.learner)
    file_prompt = world.mc.prompts.get(kind="file")
    text_prompt = world.mc.prompts.get(position=1)
    big = SimpleUploadedFile("big.bin", b"z" * (3 * 1024 * 1024 + 1))
    response = client.post(reverse("earning:attempt", args=[attempt.public_id]), {
        "action": "save", f"prompt_{text_prompt.pk}": "kept", f"prompt_{file_prompt.pk}": big})
    assert response.status_code == 400
    assert attempt.answers.get(prompt=text_prompt).text == "kept"
    assert not attempt.answers.filter(prompt=file_prompt).exclude(file="").exists()
