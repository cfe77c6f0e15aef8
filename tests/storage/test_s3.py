"""Evidence, badge images, bulk issuance files and backups on S3: the product's own services
and views, with the default storage a private bucket on moto's S3 server
(``MICROCRED_STORAGE=s3``; docs/operations.md, "Files on S3").

boto is used only to look inside the bucket; everything else goes through the code the site
runs (``attempt_save_draft``, the evidence views, ``account_export``/``account_delete``,
``micro_credential_badge_set`` and the badge views, ``bulk_issuance_create``/``_run``,
``microcred backup`` and ``restore``)."""

from __future__ import annotations

import io
import json
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from microcred.actors import SYSTEM
from microcred.assessment.services import pool_member_add
from microcred.audit.services import audit_chain_verify
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    micro_credential_badge_clear,
    micro_credential_badge_set,
    micro_credential_publish,
)
from microcred.earning.models import Answer, Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.issuance.bulk import bulk_issuance_create, bulk_issuance_run
from microcred.issuance.models import Credential
from microcred.ops.privacy import account_delete, account_export
from microcred.vc.baking import unbake_png
from tests.factories import (
    PASSWORD,
    World,
    database_flushed,
    micro_credential,
    pass_attempt,
    reviewer_of,
    user,
)
from tests.storage.conftest import S3Bucket

pytestmark = pytest.mark.django_db

EVIDENCE = "Lesson plan: three checks for understanding, and what I changed after each.\n" * 30
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (12, 90, 140)).save(out, format="PNG")
    return out.getvalue()


def _submit_with_evidence(world: World, mc: MicroCredential | None = None) -> Attempt:
    """The learner's attempt, its file saved through the earning service and submitted."""
    mc = mc or world.mc
    attempt = attempt_start(learner=world.learner, micro_credential=mc)
    prompts = list(mc.prompts.all())
    attempt_save_draft(
        learner=world.learner, attempt_id=attempt.pk,
        texts={p.pk: "My lesson." for p in prompts if p.kind == "text" and p.required},
        files={p.pk: SimpleUploadedFile("my-plan.txt", EVIDENCE.encode(), "text/plain")
               for p in prompts if p.kind == "file"})
    return attempt_submit(learner=world.learner, attempt_id=attempt.pk)


def _download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.getvalue()


def _anonymous_get(bucket: S3Bucket, key: str) -> int:
    """An unsigned GET of the object straight from the S3 server: what anyone who learned
    the key could try."""
    url = f"{bucket.server.endpoint_url}/{bucket.name}/{key}"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with direct.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _assert_private(bucket: S3Bucket, key: str) -> None:
    acl = bucket.server.client().get_object_acl(Bucket=bucket.name, Key=key)
    grantees = {grant["Grantee"].get("URI") for grant in acl["Grants"]}
    assert not grantees & {ALL_USERS, AUTHENTICATED_USERS}, acl["Grants"]
    assert _anonymous_get(bucket, key) == 403


def test_evidence_lands_in_the_bucket_and_is_served_back_privately(
        s3_bucket: S3Bucket, world: World) -> None:
    attempt = _submit_with_evidence(world)
    answer = Answer.objects.get(attempt=attempt, file__gt="")
    stored = s3_bucket.objects()
    assert list(stored) == [answer.file.name]
    assert answer.file.name.startswith("evidence/") and "my-plan" not in answer.file.name
    assert stored[answer.file.name] == EVIDENCE.encode()
    assert answer.file_size == len(EVIDENCE.encode())
    _assert_private(s3_bucket, answer.file.name)

    address = reverse("assessment:evidence", args=[attempt.public_id, answer.prompt_id])
    learner = Client()
    learner.force_login(world.learner)
    link = learner.get(address)
    # The app's own signed link, never a URL of the bucket (presigned or not).
    assert link.status_code == 302 and link["Location"].startswith("/")
    assert s3_bucket.server.endpoint_url not in link["Location"]
    response = learner.get(link["Location"])
    assert response.status_code == 200
    assert response.getvalue() == EVIDENCE.encode()
    assert response["Cache-Control"] == "private, no-store"
    assert "my-plan.txt" in response["Content-Disposition"]

    assessor = Client()
    assessor.force_login(world.assessor)
    signed = assessor.get(address)["Location"]
    for_assessor = assessor.get(signed)
    assert for_assessor.getvalue() == EVIDENCE.encode()
    assert "my-plan" not in for_assessor["Content-Disposition"]  # blind: a neutral name

    stranger = Client()
    stranger.force_login(user("Stranger"))
    assert stranger.get(address).status_code == 403
    assert stranger.get(link["Location"]).status_code in (403, 404)

    # Passed: the credential's Evidence link serves the same object to the learner.
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt, status=Credential.Status.ISSUED)
    position = answer.prompt.position
    assert _download(learner, reverse("issuance:evidence", args=[credential.public_id,
                                                                 position])) == EVIDENCE.encode()



def test_evidence_is_exported_from_and_erased_in_the_bucket(
        s3_bucket: S3Bucket, world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """The person's copy of their data carries the object's bytes; deleting the account
    removes the object once the erasure commits."""
    attempt = _submit_with_evidence(world)
    answer = Answer.objects.get(attempt=attempt, file__gt="")
    assert answer.file.name in s3_bucket.objects()
    with zipfile.ZipFile(io.BytesIO(account_export(user=world.learner))) as archive:
        archived = json.loads(archive.read("data.json"))["attempts"][0]["answers"]
        name = next(a["file"]["in_this_archive"] for a in archived if a.get("file"))
        assert archive.read(name) == EVIDENCE.encode()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=world.learner, confirm_password=PASSWORD)
    assert answer.file.name not in s3_bucket.objects()


def test_bulk_issuance_keeps_its_file_in_the_bucket_and_runs_from_it(
        s3_bucket: S3Bucket, world: World) -> None:
    """The uploaded CSV is stored so that any process can resume the job: here it is read back
    from the bucket, as text, row by row."""
    rows = "email,name,awarded_date,evidence_url,note\n" + "".join(
        f"bulk{i}@example.test,Person {i},,,\n" for i in range(4))
    job = bulk_issuance_create(actor=reviewer_of(world.org), micro_credential=world.mc,
                               csv_file=io.BytesIO(rows.encode()))
    assert s3_bucket.objects() == {job.csv_file.name: rows.encode()}
    job = bulk_issuance_run(job_id=job.pk, chunk_size=3)
    assert (job.status, job.issued_count) == ("done", 4)
    assert Credential.objects.filter(bulk_job=job, status=Credential.Status.ISSUED).count() == 4

def test_uploaded_badge_is_written_to_s3_and_read_back_by_every_badge_path(
        s3_bucket: S3Bucket, world: World) -> None:
    upload = _png((120, 120))
    draft = micro_credential(org=world.org, author=world.author, publish=False)
    draft = micro_credential_badge_set(actor=world.author, micro_credential_id=draft.pk,
                                       upload=SimpleUploadedFile("ours.png", upload))
    stored = s3_bucket.objects()
    assert list(stored) == [draft.badge_image.name]
    assert draft.badge_image.name.startswith("badges/")
    assert Image.open(io.BytesIO(stored[draft.badge_image.name])).size == (120, 120)
    _assert_private(s3_bucket, draft.badge_image.name)

    mc = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=world.assessor)
    anonymous = Client()
    catalog_badge = _download(anonymous, reverse("catalog:badge", args=[mc.slug, mc.version]))
    assert catalog_badge == stored[mc.badge_image.name]
    achievement_image = _download(anonymous, reverse("issuance:badge_image_version",
                                                     args=[mc.slug, mc.version]))
    assert achievement_image == stored[mc.badge_image.name]

    attempt = _submit_with_evidence(world, mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt, status=Credential.Status.ISSUED)
    baked = _download(anonymous, reverse("issuance:credential_png",
                                         args=[credential.public_id]))
    # The uploaded image from the bucket, carrying the credential exactly as signed.
    assert unbake_png(baked) == credential.signed_json
    assert Image.open(io.BytesIO(baked)).size == (120, 120)

    # Clearing a draft's badge keeps the object: published versions may still point at it.
    second = micro_credential(org=world.org, author=world.author, publish=False)
    second = micro_credential_badge_set(actor=world.author, micro_credential_id=second.pk,
                                        upload=SimpleUploadedFile("b.png", _png((64, 64))))
    kept = second.badge_image.name
    micro_credential_badge_clear(actor=world.author, micro_credential_id=second.pk)
    badges = {key for key in s3_bucket.objects() if key.startswith("badges/")}
    assert badges == {mc.badge_image.name, kept}


def test_backup_holds_the_bucket_and_restore_fills_an_empty_one(
        s3_bucket: S3Bucket, another_s3_bucket: S3Bucket, world: World,
        tmp_path: Path) -> None:
    draft = micro_credential(org=world.org, author=world.author, publish=False)
    micro_credential_badge_set(actor=world.author, micro_credential_id=draft.pk,
                               upload=SimpleUploadedFile("ours.png", _png((90, 90))))
    attempt = _submit_with_evidence(world)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    answer = Answer.objects.get(attempt=attempt, file__gt="")
    original = s3_bucket.objects()
    assert len(original) == 2  # the evidence and the badge, in two "folders" of the bucket
    chain = audit_chain_verify()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                   for m in tar if m.name.startswith("files/")}
    assert members == {f"files/{key}": body for key, body in original.items()}

    database_flushed()
    # Into the same bucket: refused before anything is written, the files being there.
    with pytest.raises(CommandError, match="file storage is not empty"):
        call_command("restore", str(archive))
    assert not Attempt.objects.exists()

    empty = another_s3_bucket
    with override_settings(STORAGES=empty.storages()):
        assert not empty.objects()
        call_command("restore", str(archive))
        assert empty.objects() == original
        for key in original:
            _assert_private(empty, key)
        restored = Answer.objects.get(pk=answer.pk)
        assert restored.file.name == answer.file.name
        assert default_storage.exists(restored.file.name)
        learner = Client()
        learner.force_login(Attempt.objects.get(pk=attempt.pk).learner)
        signed = learner.get(reverse("assessment:evidence",
                                     args=[attempt.public_id, answer.prompt_id]))["Location"]
        assert _download(learner, signed) == EVIDENCE.encode()
        report = audit_chain_verify()
        assert (report.entries, report.head_hash) == (chain.entries, chain.head_hash)
