"""Bulk issuance (issue 7) and its fault test (issue 8: kill the process midway, resume, every
row issued exactly once)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from microcred.accounts.forms import ClaimingPasswordResetForm
from microcred.accounts.models import User
from microcred.errors import NotAllowed, ValidationFailed
from microcred.issuance.bulk import (
    bulk_csv_validate,
    bulk_issuance_create,
    bulk_issuance_run,
    bulk_issuance_sweep,
    parse,
)
from microcred.issuance.models import BulkIssuance, Credential, LearnerProfile, StatusEntry
from microcred.issuance.services import credential_renew, credential_revoke
from microcred.notifications.models import Notification
from microcred.verification.services import credential_verify
from tests.factories import World, reviewer_of

pytestmark = pytest.mark.django_db

HEADER = "email,name,awarded_date,evidence_url,note\n"


def _csv(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(line + "\n" for line in lines)).encode())


def _rows(n: int, prefix: str = "bulk") -> io.BytesIO:
    return _csv(*(f"{prefix}{i}@example.test,Person {i},,," for i in range(n)))


def _problems(raw: io.BytesIO) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        bulk_csv_validate(raw)
    assert caught.value.code == "invalid_csv"
    return list(caught.value.problems.values())


# -- validation ---------------------------------------------------------------------------


def test_problems_name_the_line_and_the_column() -> None:
    problems = _problems(_csv(
        "ok@example.test,Ok,,,",
        "not-an-email,Bad,,,",
        "date@example.test,Date,2026-13-40,,",
        "url@example.test,Url,,ftp://example.org/x,",
        '"multi@example.test","Multi",,,"a note',
        'on two lines"',
        "OK@example.test,Twice,,,",
        "short@example.test,Short",
    ))
    assert problems == [
        "line 3, column email: Not an email address.",
        "line 4, column awarded_date: Not a date (write it as YYYY-MM-DD).",
        "line 5, column evidence_url: Not an http or https address.",
        "line 8, column email: This address is already on an earlier line.",
        "line 9: This line has 2 values; the header has 5.",
    ]


def test_a_future_award_date_is_refused() -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _problems(_csv(f"a@example.test,A,{tomorrow},,")) == [
        "line 2, column awarded_date: The date is in the future."]


def test_header_problems() -> None:
    assert _problems(_csv("a@example.test", header="mail\n")) == [
        "line 1, column mail: Unknown column (the columns are email, name, awarded_date, "
        "evidence_url, note).",
        "line 1, column email: The email column is required."]
    assert _problems(io.BytesIO(b"")) == [
        "line 1: The file is empty; the first line must name the columns (email, name, "
        "awarded_date, evidence_url, note)."]
    assert _problems(_csv()) == ["line 2: The file has a header but no rows."]


def test_only_email_is_required_and_a_bom_and_blank_lines_are_fine() -> None:
    raw = io.BytesIO(b"\xef\xbb\xbfEmail\r\na@example.test\r\n\r\nb@example.test\r\n")
    assert bulk_csv_validate(raw) == 2


def test_not_utf8_and_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(io.BytesIO(HEADER.encode() + "é@example.test,É,,,\n".encode("latin-1")))[0]\
        .endswith("The file is not UTF-8 text.")
    monkeypatch.setattr(parse, "MAX_ROWS", 3)
    assert _problems(_rows(5)) == ["line 5: Too many rows: at most 3 per file."]


def test_an_invalid_file_issues_nothing(world: World) -> None:
    admin = reviewer_of(world.org)
    users = User.objects.count()
    with pytest.raises(ValidationFailed):
        bulk_issuance_create(actor=admin, micro_credential=world.mc,
                             csv_file=_csv("good@example.test,,,,", "bad,,,,"))
    assert not BulkIssuance.objects.exists()
    assert not Credential.objects.filter(bulk_job__isnull=False).exists()
    assert User.objects.count() == users


def test_only_the_organizations_administrators_issue(world: World) -> None:
    for person in (world.author, world.assessor, world.learner):
        with pytest.raises(NotAllowed):
            bulk_issuance_create(actor=person, micro_credential=world.mc, csv_file=_rows(1))


# -- issuing ------------------------------------------------------------------------------


def test_a_small_job_issues_verifiable_credentials(world: World) -> None:
    admin = reviewer_of(world.org)
    existing = User.objects.create_user("Known@Example.test", "pw", display_name="Known")
    with_did = User.objects.create_user("did@example.test", "pw", display_name="Did")
    LearnerProfile.objects.create(user=with_did, did="did:example:learner-1",
                                  did_proven_at=timezone.now())
    typed = User.objects.create_user("typed@example.test", "pw", display_name="Typed")
    LearnerProfile.objects.create(user=typed, did="did:example:someone-else")
    raw = _csv(
        "known@example.test,,,,",
        "did@example.test,,2026-01-15,https://portfolio.example.test/1,Great work",
        "new1@example.test,New One,,,",
        "new2@example.test,,,,A note only",
        "typed@example.test,,,,",
    )
    mail.outbox.clear()
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=raw)
    assert (job.status, job.total) == ("queued", 5)
    job = bulk_issuance_run(job_id=job.pk, chunk_size=3)
    assert (job.status, job.issued_count) == ("done", 5)

    credentials = list(Credential.objects.filter(bulk_job=job).order_by("bulk_row"))
    assert [c.bulk_row for c in credentials] == [1, 2, 3, 4, 5]
    assert credentials[0].learner == existing
    assert all(c.attempt_id is None and c.micro_credential == world.mc for c in credentials)
    for credential in credentials:
        assert credential.is_issued
        report = credential_verify(data=credential.signed_json)
        assert report.verdict == "passed", report.summary
        # One entry for revocation and suspension, as one at a time (status_lists.STANDING).
        assert [e.purpose for e in credential.status_entries.all()] == ["message"]
    documents = [json.loads(c.signed_json) for c in credentials]
    assert "known@example.test" not in credentials[0].signed_json
    identity = documents[0]["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True and identity["salt"]
    assert documents[1]["credentialSubject"]["id"] == "did:example:learner-1"
    assert documents[1]["awardedDate"] == "2026-01-15T00:00:00Z"
    assert documents[1]["evidence"][0]["id"] == "https://portfolio.example.test/1"
    assert documents[1]["evidence"][0]["narrative"] == "Great work"
    assert "evidence" not in documents[2]
    assert documents[3]["evidence"] == [{"type": ["Evidence"], "narrative": "A note only"}]
    # A DID typed on a profile but never proven is not where credentials go.
    assert "id" not in documents[4]["credentialSubject"]
    assert "someone-else" not in credentials[4].signed_json
    assert len({d["id"] for d in documents}) == 5

    new = User.objects.get(email="new1@example.test")
    assert new.display_name == "New One" and not new.has_usable_password()
    assert Notification.objects.filter(kind="credential.issued").count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["known@example.test", "did@example.test", "new1@example.test", "new2@example.test",
         "typed@example.test"])
    # A new recipient claims the account by setting a password (Django's own form would
    # skip an account with no usable password).
    assert not list(PasswordResetForm().get_users("new1@example.test"))
    assert list(ClaimingPasswordResetForm().get_users("NEW1@example.test")) == [new]


def test_status_lists_stay_signed_and_revocation_works(world: World) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=_rows(3))
    bulk_issuance_run(job_id=job.pk)
    entries = StatusEntry.objects.filter(credential__bulk_job=job)
    assert entries.count() == 3  # one entry each, for revocation and suspension
    assert len({(e.status_list_id, e.index) for e in entries}) == 3
    for status_list_id in set(entries.values_list("status_list_id", flat=True)):
        status_list = entries.filter(status_list_id=status_list_id).first().status_list
        assert status_list.signed_json and status_list.signed_version == status_list.version
    credential = Credential.objects.filter(bulk_job=job).first()
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Issued in error")
    report = credential_verify(data=credential.signed_json)
    assert report.check("status").outcome == "failed"


def test_indexes_spill_into_a_new_list_when_one_fills(world: World) -> None:
    from microcred.issuance.issuer_keys import issuer_key_get_or_create
    from microcred.issuance.models import StatusList
    from microcred.issuance.status_lists import status_indexes_allocate
    from microcred.vc.status_list import IndexAllocator

    key = issuer_key_get_or_create(organization=world.org)
    status_indexes_allocate(issuer_key=key, purpose="revocation", count=1)
    first = StatusList.objects.get(issuer_key=key, purpose="revocation")
    allocator = IndexAllocator(first.length)
    for _ in range(first.length - 3):  # all but three taken
        allocator.allocate()
    first.allocated = allocator.to_bitmap()
    first.save()
    got = status_indexes_allocate(issuer_key=key, purpose="revocation", count=5)
    first.refresh_from_db()
    assert first.full
    assert [s.pk for s, _ in got].count(first.pk) == 3
    second = StatusList.objects.get(issuer_key=key, purpose="revocation", full=False)
    assert [s.pk for s, _ in got].count(second.pk) == 2


def test_an_interrupted_job_resumes_and_issues_each_row_once(world: World) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=_rows(10))

    def stop_after_second_chunk(number: int) -> None:
        if number == 2:
            raise KeyboardInterrupt  # a Ctrl-C (or a crash) right after a commit

    with pytest.raises(KeyboardInterrupt):
        bulk_issuance_run(job_id=job.pk, chunk_size=3, after_chunk=stop_after_second_chunk)
    job.refresh_from_db()
    assert (job.status, job.issued_count) == ("failed", 6)
    assert Credential.objects.filter(bulk_job=job).count() == 6

    job = bulk_issuance_run(job_id=job.pk, chunk_size=3)
    assert (job.status, job.issued_count) == ("done", 10)
    rows = list(Credential.objects.filter(bulk_job=job).values_list("bulk_row", flat=True))
    assert sorted(rows) == list(range(1, 11))
    assert Notification.objects.filter(kind="credential.issued").count() == 10
    # Running a finished job again does nothing.
    assert bulk_issuance_run(job_id=job.pk).issued_count == 10
    assert Credential.objects.filter(bulk_job=job).count() == 10


def test_a_bulk_credential_renders_everywhere_and_renews(world: World, client: Client) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc,
                               csv_file=_csv(f"{world.learner.email},,,https://e.example.test/,"))
    bulk_issuance_run(job_id=job.pk)
    credential = Credential.objects.get(bulk_job=job)
    page = client.get(reverse("issuance:credential", args=[credential.public_id]))
    assert page.status_code == 200 and "Verified: every check passed" in page.content.decode()
    for name in ("credential_json", "credential_png", "credential_pdf"):
        assert client.get(reverse(f"issuance:{name}", args=[credential.public_id])) \
            .status_code == 200
    assert client.get(reverse("issuance:evidence", args=[credential.public_id, 1])) \
        .status_code in (403, 404)
    client.force_login(world.learner)
    assert world.mc.title in client.get(reverse("learner:my_credentials")).content.decode()
    client.force_login(admin)
    assert str(credential.public_id) in client.get(
        reverse("issuance:admin_credentials")).content.decode()

    from microcred.learner.selectors import credentials_for_owner

    assert ("json", credential.signed_json) in credentials_for_owner(user=world.learner)

    renewal = credential_renew(actor=admin, credential_id=credential.pk)
    renewal.refresh_from_db()
    assert renewal.is_issued and renewal.bulk_job == job and renewal.attempt_id is None
    assert json.loads(renewal.signed_json)["evidence"] == json.loads(
        credential.signed_json)["evidence"]
    assert credential_verify(data=renewal.signed_json).verdict == "passed"


def test_a_bulk_credential_completes_a_stack(db: None) -> None:
    from tests.catalog.test_stacks import StackWorld

    sw = StackWorld(count=2)
    stack = sw.stack()
    sw.earn(sw.mcs[0])  # the learner holds the first member already
    other = User.objects.create_user("other@example.test", "pw", display_name="Other")
    job = bulk_issuance_create(actor=sw.admin, micro_credential=sw.mcs[1],
                               csv_file=_csv(f"{sw.learner.email},,,,", "other@example.test,,,,"))
    bulk_issuance_run(job_id=job.pk)
    completed = Credential.objects.get(stack=stack)
    assert completed.learner == sw.learner and completed.is_issued
    assert not Credential.objects.filter(stack=stack, learner=other).exists()


def test_the_sweep_re_enqueues_a_job_whose_worker_died(world: World) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=_rows(2))
    BulkIssuance.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1))
    fresh = bulk_issuance_create(actor=admin, micro_credential=world.mc,
                                 csv_file=_rows(1, prefix="fresh"))
    BulkIssuance.objects.filter(pk=fresh.pk).update(status="running",
                                                    heartbeat_at=timezone.now())
    # The test task backend runs the task at once: the stale job is finished by the sweep.
    assert bulk_issuance_sweep() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.issued_count) == ("done", 2)
    fresh.refresh_from_db()
    assert fresh.status == "running"


# -- the web flow -------------------------------------------------------------------------


def test_an_administrator_starts_a_job_and_watches_its_progress(world: World,
                                                                 client: Client) -> None:
    admin = reviewer_of(world.org)
    client.force_login(admin)
    page = client.get(reverse("issuance:bulk_new"))
    assert page.status_code == 200 and world.mc.title in page.content.decode()
    upload = _rows(3)
    upload.name = "people.csv"
    response = client.post(reverse("issuance:bulk_new"),
                           {"micro_credential": world.mc.pk, "csv_file": upload})
    job = BulkIssuance.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("issuance:bulk_job", args=[job.public_id])
    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and "3 of 3 credentials issued" in html
    progress = client.get(reverse("issuance:bulk_job_progress", args=[job.public_id]),
                          headers={"accept": "application/json"})
    assert progress.json() == {"status": "done", "issued": 3, "total": 3, "percent": 100,
                               "error": ""}
    fragment = client.get(reverse("issuance:bulk_job_progress", args=[job.public_id]),
                          headers={"hx-request": "true"}).content.decode()
    assert "<progress" in fragment and "hx-trigger" not in fragment  # done: polling stops


def test_a_running_job_page_polls_and_has_a_refresh_link(world: World, client: Client) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=_rows(4))
    BulkIssuance.objects.filter(pk=job.pk).update(status="running", issued_count=1)
    client.force_login(admin)
    html = client.get(reverse("issuance:bulk_job", args=[job.public_id])).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert reverse("issuance:bulk_job_progress", args=[job.public_id]) in html
    assert f'href="{reverse("issuance:bulk_job", args=[job.public_id])}"' in html
    assert 'max="4" value="1"' in html


def test_an_invalid_upload_lists_its_problems(world: World, client: Client) -> None:
    client.force_login(reviewer_of(world.org))
    upload = _csv("ok@example.test,,,,", "nope,,,,")
    upload.name = "people.csv"
    response = client.post(reverse("issuance:bulk_new"),
                           {"micro_credential": world.mc.pk, "csv_file": upload})
    assert response.status_code == 400
    assert "line 3, column email: Not an email address." in response.content.decode()
    assert not BulkIssuance.objects.exists()


def _boundary_csv(limit: int, *, past: int = 5) -> bytes:
    """A CSV whose first ``limit`` bytes end exactly at the end of a row, with ``past`` more
    rows after them: cut at the limit, it is a valid file that silently lacks those rows (the
    reviewer's 2,663 rows of which 5 were never issued, at 10 MB)."""
    row_size = 3945
    rows_in_limit, first = divmod(limit - len(HEADER), row_size)
    rows_in_limit += 1  # the first row is the remainder
    assert 2100 < first <= row_size

    def row(i: int, size: int) -> bytes:  # every column near its longest, all valid
        url = "https://example.org/" + "e" * 1880
        start = f"cut{i:05d}@example.test,{f'Person {i}':<150},,{url},".encode()
        return start + b"n" * (size - len(start) - 1) + b"\n"

    rows = [row(0, first)] + [row(i, row_size) for i in range(1, rows_in_limit + past)]
    data = HEADER.encode() + b"".join(rows)
    assert len(HEADER.encode() + b"".join(rows[:rows_in_limit])) == limit  # a row boundary
    assert len(rows) == rows_in_limit + past
    return data


def test_a_csv_cut_at_the_upload_limit_on_a_row_boundary_is_refused_not_truncated() -> None:
    """The cut itself: the upload handler keeps what fits (in the 64 KiB chunks Django hands
    it), and what it kept is a valid CSV with 5 rows fewer; reading it through the one upload
    reader refuses it as too large instead."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from microcred.earning.uploads import BoundedTemporaryFileUploadHandler
    from microcred.web.uploads import FileTooLarge, read_upload

    limit = settings.UPLOAD_MAX_BYTES
    data = _boundary_csv(limit)
    assert bulk_csv_validate(io.BytesIO(data[:limit])) == 2658  # looks fine when cut
    assert bulk_csv_validate(io.BytesIO(data)) == 2663
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("csv_file", "people.csv", "text/csv", len(data))
    for at in range(0, len(data), 64 * 1024):
        handler.receive_data_chunk(data[at:at + 64 * 1024], at)
    upload = handler.file_complete(len(data))
    assert isinstance(upload, TemporaryUploadedFile) and upload.size == len(data)
    with pytest.raises(FileTooLarge, match="larger than 10 MB"):
        read_upload(upload, limit=limit)
    upload.size = None  # by its bytes alone too: the handler kept one byte past the limit
    with pytest.raises(FileTooLarge, match="larger than 10 MB"):
        read_upload(upload, limit=limit)
    upload.close()


def test_the_web_form_refuses_a_csv_past_the_limit_and_issues_nothing(world: World,
                                                                       client: Client) -> None:
    client.force_login(reviewer_of(world.org))
    upload = io.BytesIO(_boundary_csv(settings.UPLOAD_MAX_BYTES))
    upload.name = "people.csv"
    response = client.post(reverse("issuance:bulk_new"),
                           {"micro_credential": world.mc.pk, "csv_file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file is larger than 10 MB" in html
    assert not BulkIssuance.objects.exists() and not Credential.objects.exists()


def test_only_administrators_reach_the_pages(world: World, client: Client) -> None:
    admin = reviewer_of(world.org)
    job = bulk_issuance_create(actor=admin, micro_credential=world.mc, csv_file=_rows(1))
    for person in (world.author, world.learner, world.assessor):
        client.force_login(person)
        assert client.get(reverse("issuance:bulk_new")).status_code == 403
        assert client.get(reverse("issuance:bulk_job", args=[job.public_id])).status_code == 403
        assert client.get(reverse("issuance:bulk_job_progress",
                                  args=[job.public_id])).status_code == 403
    client.logout()
    assert client.get(reverse("issuance:bulk_new")).status_code == 302


def test_the_command_issues_and_reports(world: World, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    admin = reviewer_of(world.org)
    path = tmp_path / "people.csv"
    path.write_bytes(_rows(5).getvalue())
    call_command("credentials", "issue-bulk", "--csv", str(path), "--micro-credential",
                 world.mc.slug, "--as", admin.email)
    out, err = capsys.readouterr()
    assert "5 row(s) valid" in out and "Issued 5 credential(s) of 5" in out
    assert "5/5 100.0%" in err  # the progress line
    assert Credential.objects.filter(bulk_job__isnull=False).count() == 5


# -- issue 8: kill the process midway, restart, every credential issued exactly once -----------


def _microcred_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MICROCRED_DATA_DIR": str(settings.DATA_DIR),
        "MICROCRED_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    })
    return env


@pytest.mark.skipif(os.environ.get("MICROCRED_TEST_DATABASE") != "postgres",
                    reason="kills a command process that shares the test database (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_killing_the_command_midway_then_resuming_issues_each_row_once(
    tmp_path: Path,
) -> None:
    world = World()
    admin = reviewer_of(world.org)
    rows = 3000
    path = tmp_path / "people.csv"
    path.write_bytes(_rows(rows, prefix="killed").getvalue())
    command = [sys.executable, "-c", "import sys; from microcred.cli import main; "
               "sys.exit(main())", "credentials", "issue-bulk", "--csv", str(path),
               "--micro-credential", world.mc.slug, "--as", admin.email,
               "--chunk-size", "200", "--processes", "0"]
    env = _microcred_env()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                             stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    killed_at = 0
    while time.monotonic() < deadline:
        issued = Credential.objects.filter(bulk_job__isnull=False).count()
        if issued >= 600:
            os.kill(child.pid, signal.SIGKILL)  # no cleanup, no rollback handler: a dead worker
            killed_at = issued
            break
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        time.sleep(0.05)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL and killed_at
    job = BulkIssuance.objects.get()
    assert job.status == "running" and 600 <= job.issued_count < rows
    assert Credential.objects.filter(bulk_job=job).count() == job.issued_count  # whole chunks

    resumed = subprocess.run([*command, "--resume"], env=env, capture_output=True,  # noqa: S603
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming job" in resumed.stdout
    job.refresh_from_db()
    assert (job.status, job.issued_count) == ("done", rows)
    issued_rows = list(Credential.objects.filter(bulk_job=job).values_list("bulk_row", flat=True))
    assert sorted(issued_rows) == list(range(1, rows + 1))  # every row, none twice
    assert User.objects.filter(email__startswith="killed").count() == rows
    entries = StatusEntry.objects.filter(credential__bulk_job=job)
    assert entries.count() == rows  # one entry each (revocation and suspension, "message")
    assert entries.values("status_list_id", "index").distinct().count() == rows
    assert Notification.objects.filter(kind="credential.issued").count() == rows
    sample = Credential.objects.filter(bulk_job=job).order_by("?")[:5]
    assert all(credential_verify(data=c.signed_json).verdict == "passed" for c in sample)


