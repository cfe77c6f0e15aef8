import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from microcred.audit.services import audit_chain_verify
from microcred.earning.models import Answer, Attempt
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.issuance.models import Credential, IssuerKey
from microcred.ops.backup import BackupError, backup_create, backup_restore
from microcred.sealing import Purpose, unseal
from microcred.verification.services import credential_verify
from tests.factories import (
    World,
    database_flushed,
    micro_credential,
    pass_attempt,
    submitted_attempt,
    user,
)

EVIDENCE = b"%lesson plan: three checks for understanding\n" * 40


def _populate(world: World) -> tuple[Attempt, bytes]:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    drafter = user("Drafter")
    other_mc = micro_credential(org=world.org, author=world.author)
    draft = attempt_start(learner=drafter, micro_credential=other_mc)
    prompts = list(other_mc.prompts.all())
    attempt_save_draft(
        learner=drafter, attempt_id=draft.pk,
        texts={p.pk: "Half written." for p in prompts if p.kind == "text"},
        files={p.pk: SimpleUploadedFile("plan.txt", EVIDENCE, "text/plain")
               for p in prompts if p.kind == "file"})
    return draft, EVIDENCE


def _secrets() -> list[str]:
    found = [django_settings.SECRET_KEY]
    for key in IssuerKey.objects.all():
        found.append(json.loads(unseal(key.sealed_secret, purpose=Purpose.ISSUER_KEY,
                                       associated_data=key.public_multibase))["secretKeyMultibase"])
    return found


def _all_bytes(path: Path) -> list[bytes]:
    """The archive as stored, decompressed, and each member's content."""
    raw = path.read_bytes()
    chunks = [raw, gzip.decompress(raw)]
    with tarfile.open(path) as tar:
        for member in tar:
            chunks.append(tar.extractfile(member).read())  # type: ignore[union-attr]
    return chunks


def _empty_everything(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A new deployment: a freshly migrated database (flush) and a new, empty media folder."""
    database_flushed()
    settings.MEDIA_ROOT = str(tmp_path / "media-restored")


@pytest.mark.django_db
def test_round_trip_keeps_credentials_verifiable_and_drafts_intact(
        settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    draft, evidence = _populate(world)
    credentials = {c.pk: c.signed_json for c in Credential.objects.filter(status="issued")}
    assert credentials
    chain_before = audit_chain_verify()
    answer_file = Answer.objects.get(attempt=draft, file__gt="").file.name
    secrets = _secrets()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    for chunk in _all_bytes(archive):
        for secret in secrets:
            assert secret.encode() not in chunk
    assert archive.stat().st_mode & 0o077 == 0

    _empty_everything(settings, tmp_path)
    assert not Credential.objects.exists()
    call_command("restore", str(archive))

    for pk, signed in credentials.items():
        credential = Credential.objects.get(pk=pk)
        assert credential.signed_json == signed
        assert credential_verify(data=credential.signed_json).verdict == "passed"
    restored = Attempt.objects.get(pk=draft.pk)
    assert restored.status == Attempt.Status.DRAFT
    answer = Answer.objects.get(attempt=restored, file__gt="")
    assert answer.file.name == answer_file
    with default_storage.open(answer.file.name, "rb") as fh:
        assert fh.read() == evidence
    report = audit_chain_verify()
    assert (report.entries, report.head_hash) == (chain_before.entries, chain_before.head_hash)
    # The issuer key still unseals: signing goes on after a restore.
    assert _secrets() == secrets


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(
        settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = tmp_path / "b.tar.gz"
    backup_create(path=archive)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_backup_refuses_to_overwrite(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"keep me"


def _rewrite(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(source) as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for member in tar_in:
            data = tar_in.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            member.size = len(data)
            tar_out.addfile(member, io.BytesIO(data))


@pytest.mark.django_db
def test_a_corrupted_backup_is_refused(settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _populate(world)
    archive = tmp_path / "b.tar.gz"
    backup_create(path=archive)
    _empty_everything(settings, tmp_path)

    flipped = tmp_path / "flipped.tar.gz"
    _rewrite(archive, flipped, lambda name, data: data.replace(b'"passed"', b'"failed"')
             if name == "database.json" else data)
    with pytest.raises(CommandError, match="database.json does not match its checksum"):
        call_command("restore", str(flipped))

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(truncated))

    forged = tmp_path / "forged.tar.gz"
    _rewrite(archive, forged, lambda name, data: data.replace(b'"version": 1', b'"version": 1 ')
             if name == "manifest.json" else data)
    with pytest.raises(CommandError, match="manifest has been altered"):
        call_command("restore", str(forged))

    with pytest.raises(CommandError, match="is not a readable backup"):
        other = tmp_path / "x.tar.gz"
        other.write_bytes(b"plain text")
        call_command("restore", str(other))
    assert not Credential.objects.exists()
    assert not (tmp_path / "media-restored").exists() or not any(
        (tmp_path / "media-restored").rglob("*.*"))


@pytest.mark.django_db
def test_restore_refuses_another_secret_key(settings, tmp_path: Path, world: World) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = tmp_path / "b.tar.gz"
    backup_create(path=archive)
    _empty_everything(settings, tmp_path)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    with pytest.raises(BackupError, match="different secret key"):
        backup_restore(path=archive)
