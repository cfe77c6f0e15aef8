import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from microcred.earning.evidence_files import UnsupportedFile, sniff
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.errors import ValidationFailed
from tests.factories import World, micro_credential_with_limits


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x013B] = "Learner Name"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(("data", "mime"), [
    (b"%PDF-1.7\n...", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 20, "video/mp4"),
    (b"\x1a\x45\xdf\xa3" + b"\x00" * 20, "video/webm"),
    ("plain notes, ünïcode".encode(), "text/plain"),
])
def test_kinds_are_known_by_their_bytes(data: bytes, mime: str) -> None:
    assert sniff(io.BytesIO(data)).mime == mime


@pytest.mark.parametrize("data", [b"MZ\x90\x00\x03" + b"\x00" * 50, b"<html><script>",
                                  b"\x7fELF\x02\x01" + b"\x00" * 20])
def test_executables_and_markup_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedFile):
        sniff(io.BytesIO(data))


@pytest.mark.django_db
def test_images_lose_their_metadata_and_names_do_not_decide(world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    raw = _jpeg_with_gps()
    assert b"Learner Name" in raw
    # named .txt but a JPEG: the bytes decide
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={file.pk: SimpleUploadedFile("holiday.txt", raw, "text/plain")})
    answer = attempt.answers.get(prompt=file)
    stored = answer.file.read()
    assert answer.file_type == "image/jpeg" and answer.file.name.endswith(".jpg")
    assert b"Learner Name" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert "holiday" not in answer.file.name


@pytest.mark.django_db
def test_per_prompt_size_limit_and_unknown_types_keep_the_draft(world: World) -> None:
    mc = micro_credential_with_limits(world, kind="file", max_bytes=100)
    attempt = attempt_start(learner=world.learner, micro_credential=mc)
    text = mc.prompts.get(position=1)
    file = mc.prompts.get(kind="file")
    with pytest.raises(ValidationFailed) as exc:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk,
                           texts={text.pk: "kept"},
                           files={file.pk: SimpleUploadedFile("a.txt", b"x" * 101)})
    assert exc.value.code == "file_too_large"
    with pytest.raises(ValidationFailed) as exc:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                           files={file.pk: SimpleUploadedFile("a.pdf", b"MZ\x90\x00" * 4)})
    assert exc.value.code == "file_refused"
    assert attempt.answers.get(prompt=text).text == "kept"
    assert not attempt.answers.filter(prompt=file).exclude(file="").exists()


@pytest.mark.django_db
def test_signed_links_expire(client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from microcred.earning.selectors import evidence_token
    from tests.factories import small_file

    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={file.pk: small_file()})
    answer = attempt.answers.get(prompt=file)
    client.force_login(world.learner)
    url = reverse("assessment:evidence_signed",
                  kwargs={"token": evidence_token(answer=answer, viewer=world.learner)})
    assert client.get(url).status_code == 200
    settings.EVIDENCE_LINK_MAX_AGE = -1
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "link_expired"


def test_s3_setting_selects_django_storages(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import microcred.settings as s

    monkeypatch.setenv("MICROCRED_STORAGE", "s3")
    monkeypatch.setenv("MICROCRED_S3_BUCKET", "evidence")
    try:
        reloaded = importlib.reload(s)
        assert reloaded.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert reloaded.STORAGES["default"]["OPTIONS"]["bucket_name"] == "evidence"
        assert reloaded.STORAGES["default"]["OPTIONS"]["default_acl"] == "private"
        importlib.import_module("storages.backends.s3")
    finally:
        monkeypatch.delenv("MICROCRED_STORAGE")
        importlib.reload(s)
