import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from microcred.accounts.models import User
from microcred.audit.models import AuditEvent
from microcred.audit.services import audit_chain_verify
from microcred.earning.models import Answer, Attempt
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.errors import InvalidState
from microcred.issuance.models import Credential, LearnerProfile
from microcred.notifications.models import Notification
from microcred.ops.privacy import WrongPassword, account_delete, account_export
from microcred.verification.services import credential_verify
from tests.factories import PASSWORD, World, micro_credential, pass_attempt, submitted_attempt, user

DRAFT_BYTES = b"draft plan, not yet submitted\n" * 20


def _learner_with_everything(world: World) -> tuple[Credential, Attempt]:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc, text="My own lesson text.")
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    other_mc = micro_credential(org=world.org, author=world.author)
    draft = attempt_start(learner=world.learner, micro_credential=other_mc)
    attempt_save_draft(
        learner=world.learner, attempt_id=draft.pk,
        texts={p.pk: "Draft words." for p in other_mc.prompts.all() if p.kind == "text"},
        files={p.pk: SimpleUploadedFile("mine.txt", DRAFT_BYTES, "text/plain")
               for p in other_mc.prompts.all() if p.kind == "file"})
    LearnerProfile.objects.create(user=world.learner, handle="learner-handle", public=True)
    return credential, draft


@pytest.mark.django_db
def test_export_holds_their_data_and_nothing_of_anyone_else(
        settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    credential, draft = _learner_with_everything(world)
    other = user("Other Learner", email="other@example.test")
    submitted_attempt(learner=other, mc=world.mc, text="Someone else's secret lesson.")

    archive = zipfile.ZipFile(io.BytesIO(account_export(user=world.learner)))
    names = archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == world.learner.email
    assert {a["status"] for a in data["attempts"]} == {"passed", "draft"}
    texts = [a["text"] for attempt in data["attempts"] for a in attempt["answers"]]
    assert "My own lesson text." in texts and "Draft words." in texts
    assert archive.read(f"credentials/{credential.public_id}.json").decode() == \
        credential.signed_json
    evidence = [n for n in names if n.startswith(f"evidence/{draft.public_id}/")]
    assert len(evidence) == 1 and archive.read(evidence[0]) == DRAFT_BYTES
    everything = b"".join(archive.read(n) for n in names)
    assert b"other@example.test" not in everything
    assert b"secret lesson" not in everything


@pytest.mark.django_db
def test_delete_removes_personal_data_and_keeps_credentials_verifiable(
        settings, tmp_path: Path, world: World,
        django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    credential, draft = _learner_with_everything(world)
    learner = world.learner
    files = list(Answer.objects.filter(attempt__learner=learner).exclude(file="")
                 .values_list("file", flat=True))
    assert files and all(default_storage.exists(f) for f in files)
    Notification.objects.create(user=learner, kind="x", subject="Hello Learner")
    signed = credential.signed_json

    with pytest.raises(WrongPassword):
        account_delete(user=learner, confirm_password="not it")
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=learner, confirm_password=PASSWORD)

    gone = User.objects.get(pk=learner.pk)
    assert gone.display_name == "" and gone.language == ""
    assert gone.email.endswith("@deleted.invalid") and learner.email not in gone.email
    assert not gone.is_active and not gone.has_usable_password()
    assert not Attempt.objects.filter(pk=draft.pk).exists()
    assert not Answer.objects.filter(attempt__learner=gone).exclude(text="").exists()
    assert not Answer.objects.filter(attempt__learner=gone).exclude(file="").exists()
    assert not any(default_storage.exists(f) for f in files)
    assert not LearnerProfile.objects.filter(user=gone).exists()
    assert not Notification.objects.filter(user=gone).exists()

    credential.refresh_from_db()
    assert credential.signed_json == signed
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    assert audit_chain_verify().entries == AuditEvent.objects.count()
    assert AuditEvent.objects.filter(action="account.deleted", actor_id=learner.pk).exists()
    assert not Client().login(email=learner.email, password=PASSWORD)


@pytest.mark.django_db
def test_pages_download_and_delete_with_password(
        settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = Client()
    client.force_login(world.learner)
    page = client.get(reverse("accounts:account"))
    assert page.status_code == 200 and reverse("ops:download").encode() in page.content
    download = client.get(reverse("ops:download"))
    assert download["Content-Type"] == "application/zip"
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()

    assert client.get(reverse("ops:delete")).status_code == 200
    wrong = client.post(reverse("ops:delete"), {"password": "nope"})
    assert wrong.status_code == 200 and User.objects.get(pk=world.learner.pk).is_active
    done = client.post(reverse("ops:delete"), {"password": PASSWORD})
    assert done.status_code == 200
    assert not User.objects.get(pk=world.learner.pk).is_active
    assert client.get(reverse("accounts:account")).status_code == 302  # signed out


@pytest.mark.django_db
def test_an_organization_member_is_asked_to_leave_first(world: World) -> None:
    with pytest.raises(InvalidState):
        account_delete(user=world.assessor, confirm_password=PASSWORD)
    assert User.objects.get(pk=world.assessor.pk).is_active


def test_anonymous_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    for name in ("accounts:account", "ops:download", "ops:delete"):
        assert client.get(reverse(name)).status_code == 302
