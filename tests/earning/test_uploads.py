import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from microcred.earning.models import Attempt
from microcred.earning.uploads import BoundedTemporaryFileUploadHandler
from microcred.web.uploads import FileTooLarge, read_upload
from tests.factories import World


@override_settings(UPLOAD_MAX_BYTES=10)
def test_oversize_upload_is_counted_not_stored() -> None:
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("f", "big.bin", "application/octet-stream", 25)
    for chunk in (b"a" * 8, b"b" * 8, b"c" * 9):
        handler.receive_data_chunk(chunk, 0)
    uploaded = handler.file_complete(25)
    assert uploaded.size == 25  # the service refuses it by its real size
    # no more than the limit and one byte touched the disk: that byte shows it went over
    assert uploaded.read() == b"a" * 8 + b"bbb"
    with pytest.raises(FileTooLarge, match="larger than 10"):
        read_upload(uploaded, limit=10)
    uploaded.size = None  # even a reader that lost the real size refuses it by its bytes
    with pytest.raises(FileTooLarge):
        read_upload(uploaded, limit=10)
    uploaded.close()


@override_settings(UPLOAD_MAX_BYTES=16)
def test_a_file_of_exactly_the_limit_is_kept_whole_and_read_whole() -> None:
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("f", "exact.csv", "text/csv", 16)
    for chunk in (b"a" * 10, b"b" * 6):
        handler.receive_data_chunk(chunk, 0)
    uploaded = handler.file_complete(16)
    assert read_upload(uploaded, limit=16) == b"a" * 10 + b"b" * 6
    uploaded.close()


@override_settings(UPLOAD_MAX_BYTES=10)
def test_a_file_the_server_kept_only_in_part_is_refused_under_any_larger_limit() -> None:
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("f", "c.json", "application/json", 25)
    handler.receive_data_chunk(b"{" + b" " * 23 + b"}", 0)
    uploaded = handler.file_complete(25)
    with pytest.raises(FileTooLarge, match="larger than 10.bytes"):
        read_upload(uploaded, limit=1000)  # the form allows more than the server kept
    uploaded.close()


def test_read_upload_reads_at_most_one_byte_past_the_limit() -> None:
    class Counting(io.BytesIO):
        asked: list[int] = []

        def read(self, n: int | None = -1) -> bytes:
            self.asked.append(-1 if n is None else n)
            return super().read(n)

    big = Counting(b"x" * 10_000)
    with pytest.raises(FileTooLarge) as caught:
        read_upload(big, limit=100)
    assert big.asked == [101]
    assert caught.value.code == "file_too_large"
    assert read_upload(io.BytesIO(b"y" * 100), limit=100) == b"y" * 100
    assert "10 MB" in str(FileTooLarge(10 * 1024 * 1024))


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=3 * 1024 * 1024)
def test_large_request_goes_through_the_bounded_handler(client: Client, world: World) -> None:
    client.force_login(world.learner)
    client.post(reverse("earning:start", args=[world.mc.slug]))
    attempt = Attempt.objects.get(learner=world.learner)
    file_prompt = world.mc.prompts.get(kind="file")
    text_prompt = world.mc.prompts.get(position=1)
    big = SimpleUploadedFile("big.bin", b"z" * (3 * 1024 * 1024 + 1))
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "save", f"prompt_{text_prompt.pk}": "kept", f"prompt_{file_prompt.pk}": big})
    assert response.status_code == 400
    assert attempt.answers.get(prompt=text_prompt).text == "kept"
    assert not attempt.answers.filter(prompt=file_prompt).exclude(file="").exists()
