"""Running a bulk issuance job: every row of its file issued, in chunks (docs/bulk-issuance.md).

:func:`bulk_issuance_run` issues in chunks of :data:`CHUNK_SIZE` rows, one transaction per chunk:
the learners (found or created), the signed credentials, their status entries (one per
credential, saying revoked or suspended), the in-app notifications, the task that emails them
and the job's progress commit together or not at all. Each credential names its job and row
(unique together), and a run starts after the last committed row, so a process killed midway
loses at most the chunk it was on, and a resumed job issues every row exactly once.

What is the same for every row (the issuer, the Achievement in each language, the signing key,
the validity period) is built once per job; status list indexes are drawn for a whole chunk in
one locked update of each list's bitmap (``status_lists.status_indexes_allocate``), and the
lists are re-signed once at the end. Credentials are built by the same code as one-at-a-time
issuance (``documents.credential_template`` / ``credential_document`` /
``recipient_identity``) and signed by the same call (``issuer_keys.issuer_sign``, in
``bulk.signer``'s worker processes): a bulk credential differs only in having no attempt.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred.actors import SYSTEM
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential, Stack
from microcred.errors import InvalidState
from microcred.issuance.bulk.parse import BulkRow, CsvProblem, parse_rows
from microcred.issuance.bulk.signer import Signer
from microcred.issuance.documents import (
    CredentialTemplate,
    credential_document,
    credential_template,
    credential_url,
    issue_time,
    recipient_identity,
    validity_of,
)
from microcred.issuance.issuer_keys import IssuerSigner, issuer_key_get_or_create, issuer_signer
from microcred.issuance.models import (
    BulkIssuance,
    Credential,
    IssuerKey,
    LearnerProfile,
    StatusEntry,
    StatusList,
    StatusPurpose,
)
from microcred.issuance.stack_credentials import stack_credentials_after_issue
from microcred.issuance.status_lists import (
    status_entry_document,
    status_indexes_allocate,
    status_list_publish,
    status_list_url,
)
from microcred.issuance.tasks import bulk_issuance_emails
from microcred.notifications.models import Notification
from microcred.vc import openbadges as ob
from microcred.vc.status_list import STANDING_MESSAGES, STANDING_STATUS_SIZE, status_entry

__all__ = ["CHUNK_SIZE", "BulkProgress", "bulk_issuance_run", "insert_many"]

CHUNK_SIZE = 1000


@dataclass
class BulkProgress:
    issued: int
    total: int
    job: BulkIssuance


@dataclass
class _Context:
    """Everything that is the same for every row of a job, built once."""

    job: BulkIssuance
    micro_credential: MicroCredential
    issuer_key: IssuerKey
    signer: IssuerSigner
    valid_for: timedelta | None
    # The lineages of the other members of published stacks this micro-credential is in.
    stack_lineages: list[uuid.UUID]
    single_member_stack: bool
    templates: dict[str, CredentialTemplate] = field(default_factory=dict)
    bases: dict[tuple[str, str, bool, datetime], dict[str, Any]] = field(default_factory=dict)
    path_pattern: str = ""
    messages: dict[str, tuple[str, str]] = field(default_factory=dict)

    def template(self, language: str) -> CredentialTemplate:
        language = language or self.micro_credential.language
        if language not in self.templates:
            self.templates[language] = credential_template(
                micro_credential=self.micro_credential, organization=self.job.organization,
                issuer_key=self.issuer_key, language=language)
        return self.templates[language]

    def credential_path(self, public_id: uuid.UUID) -> str:
        """The credential page's path (``reverse`` once per job, not per row)."""
        if not self.path_pattern:
            self.path_pattern = reverse("issuance:credential", args=[uuid.UUID(int=0)])
        return self.path_pattern.replace(str(uuid.UUID(int=0)), str(public_id))

    def message(self, language: str) -> tuple[str, str]:
        """The notification's subject and body, in the learner's language."""
        language = language or settings.LANGUAGE_CODE
        if language not in self.messages:
            with translation.override(language):
                self.messages[language] = (
                    _("You were awarded %(title)s") % {"title": self.micro_credential.title},
                    _("%(organization)s issued you a credential. It is verifiable on its own: "
                      "download it, share its page or add it to your wallet. New to %(site)s? "
                      "Set a password with “Forgot your password?” on the sign-in page, using "
                      "this email address.")
                    % {"organization": self.job.organization.name, "site": "microcred"},
                )
        return self.messages[language]


def _context(job: BulkIssuance) -> _Context:
    mc = job.micro_credential
    issuer_key = issuer_key_get_or_create(organization=job.organization)
    stacks = list(Stack.objects.filter(status=Stack.Status.PUBLISHED, members__lineage=mc.lineage)
                  .distinct().prefetch_related("members"))
    return _Context(
        job=job, micro_credential=mc, issuer_key=issuer_key,
        signer=issuer_signer(issuer_key=issuer_key),
        valid_for=validity_of(micro_credential_id=mc.pk),
        stack_lineages=list({m.lineage for s in stacks for m in s.members.all()}
                            - {mc.lineage}),
        single_member_stack=any(s.members.count() == 1
                                or (s.rule == Stack.Rule.ANY_N and (s.required_count or 2) <= 1)
                                for s in stacks),
    )


def _rows_after(job: BulkIssuance, done: int) -> Iterator[BulkRow]:
    with default_storage.open(job.csv_file.name, "rb") as raw:
        for item in parse_rows(raw):
            if isinstance(item, CsvProblem):
                # Validated when the job was created; a changed file is a different file.
                raise InvalidState(_("The stored file no longer validates: %(problem)s")
                                   % {"problem": item}, code="csv_changed")
            if item.row > done:
                yield item


def _chunks(rows: Iterable[BulkRow], size: int) -> Iterator[list[BulkRow]]:
    chunk: list[BulkRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _learners(rows: list[BulkRow]) -> dict[str, tuple[int, str, str]]:
    """email -> (user id, language, DID) for every row: existing accounts looked up, missing
    ones created (no usable password; the person claims the account by resetting it)."""
    User = get_user_model()
    emails = [r.email for r in rows]

    def lookup(among: list[str]) -> dict[str, tuple[int, str]]:
        return {e: (pk, lang) for pk, e, lang in
                User.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=among).values_list("pk", "email_lower", "language")}

    found = lookup(emails)
    missing = [r for r in rows if r.email not in found]
    if missing:
        now = timezone.now()
        # One unusable password for the chunk: like set_unusable_password(), "!" and random
        # text no hash can match.
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(email=r.email, display_name=r.name or r.email.split("@", 1)[0],
                  password=unusable, date_joined=now) for r in missing],
            ignore_conflicts=True)  # another process created one meanwhile: use theirs
        found.update(lookup([r.email for r in missing]))
    dids = dict(LearnerProfile.objects.filter(user_id__in=[v[0] for v in found.values()])
                .exclude(did="").filter(did_proven_at__isnull=False)
                .values_list("user_id", "did"))
    return {email: (pk, lang, dids.get(pk, "")) for email, (pk, lang) in found.items()}


def _may_complete_stacks(ctx: _Context, credentials: list[Credential]) -> list[Credential]:
    """The credentials that might complete a published stack, for the same hook one-at-a-time
    issuance runs (``stack_credentials_after_issue``). Without a stack of one member, only a
    learner who already holds another member's credential can complete one: one query finds
    them, instead of working out every learner's progress."""
    if ctx.single_member_stack:
        return credentials
    if not ctx.stack_lineages:
        return []
    holders = set(Credential.objects.filter(
        learner_id__in=[c.learner_id for c in credentials], status=Credential.Status.ISSUED,
        stack__isnull=True, micro_credential__lineage__in=ctx.stack_lineages,
    ).exclude(bulk_job_id=ctx.job.pk).values_list("learner_id", flat=True))
    return [c for c in credentials if c.learner_id in holders]


@dataclass
class _Plan:
    """One chunk, ready to sign: its rows, their unsigned credentials and documents, and the
    status indexes drawn for them."""

    rows: list[BulkRow]
    credentials: list[Credential]
    documents: list[dict[str, Any]]
    allocated: dict[str, list[tuple[StatusList, int]]]
    languages: list[str]


def _document(ctx: _Context, *, language: str, recipient: dict[str, Any],
              has_evidence: bool, issued: datetime,
              valid_until: datetime | None) -> dict[str, Any]:
    """The chunk's base document for a kind of row, built and validated by the same code as a
    one-at-a-time credential (``documents.credential_document``) with placeholder values in the
    per-row places; :func:`_fill` puts each row's own values there (same keys, same order)."""
    kind = "id" if "id" in recipient else "identifier"
    cache_key = (language, kind, has_evidence, issued)
    if cache_key not in ctx.bases:
        placeholder = status_entry(list_credential_url="https://placeholder.invalid/status",
                                   index=0, purpose=StatusPurpose.MESSAGE.value,
                                   status_size=STANDING_STATUS_SIZE,
                                   status_message=STANDING_MESSAGES)
        if len(ctx.bases) > 64:  # bases of earlier chunks (another issue time)
            ctx.bases.clear()
        ctx.bases[cache_key] = credential_document(
            template=ctx.template(language), public_id=uuid.UUID(int=0), recipient=recipient,
            status=placeholder, issued=issued, valid_until=valid_until,
            evidence=[ob.evidence(id="https://placeholder.invalid/")] if has_evidence else None)
    return ctx.bases[cache_key]


def _fill(base: dict[str, Any], *, credential_id: str, recipient: dict[str, Any],
          status: dict[str, Any], awarded: str | None,
          evidence: list[dict[str, Any]]) -> dict[str, Any]:
    document = dict(base)
    document["id"] = credential_id
    subject = dict(base["credentialSubject"])
    subject.update(recipient)
    document["credentialSubject"] = subject
    document["credentialStatus"] = status
    if awarded:
        document["awardedDate"] = awarded
    if evidence:
        document["evidence"] = evidence
    return document


def _prepare(ctx: _Context, rows: list[BulkRow]) -> _Plan | None:
    """Find or create the chunk's learners and draw its status indexes (committed now, in
    their own transaction: a learner account is found again on a retry, and an index drawn for
    a credential that is then never written stays unused, as section 2.1 allows), then build
    its unsigned documents."""
    job_id = ctx.job.pk
    done = set(Credential.objects.filter(
        bulk_job_id=job_id, renews__isnull=True,
        bulk_row__gte=rows[0].row, bulk_row__lte=rows[-1].row,
    ).values_list("bulk_row", flat=True))
    rows = [r for r in rows if r.row not in done]
    if not rows:
        return None
    with transaction.atomic():
        learners = _learners(rows)
        # Plain strings: the TextChoices members would send the document down the slow
        # (reference) JSON-LD path, which takes only JSON types.
        # One message entry per credential, as one at a time (status_lists.STANDING).
        allocated = {purpose.value: status_indexes_allocate(issuer_key=ctx.issuer_key,
                                                            purpose=purpose, count=len(rows))
                     for purpose in (StatusPurpose.MESSAGE,)}
    urls: dict[int, str] = {}
    issued = issue_time()
    valid_until = issued + ctx.valid_for if ctx.valid_for else None
    credentials: list[Credential] = []
    documents: list[dict[str, Any]] = []
    languages: list[str] = []
    for i, row in enumerate(rows):
        user_id, language, did = learners[row.email]
        status_list, index = allocated[StatusPurpose.MESSAGE.value][i]
        url = urls.get(status_list.pk) or urls.setdefault(status_list.pk,
                                                          status_list_url(status_list))
        status = status_entry_document(status_list=status_list, index=index, url=url)
        evidence = [ob.evidence(id=row.evidence_url or None, narrative=row.note or None)] \
            if row.evidence_url or row.note else []
        recipient = recipient_identity(email=row.email, did=did)
        base = _document(ctx, language=language, recipient=recipient,
                         has_evidence=bool(evidence), issued=issued, valid_until=valid_until)
        public_id = uuid.uuid4()
        documents.append(_fill(
            base, credential_id=credential_url(public_id), recipient=recipient, status=status,
            awarded=row.awarded_date.isoformat() + "T00:00:00Z" if row.awarded_date else None,
            evidence=evidence))
        languages.append(language)
        credentials.append(Credential(
            public_id=public_id, learner_id=user_id, micro_credential=ctx.micro_credential,
            organization_id=ctx.job.organization_id, status=Credential.Status.ISSUED,
            credential_id=documents[-1]["id"], issuer_key_id=ctx.issuer_key.pk,
            issued_at=issued, valid_until=valid_until, bulk_job_id=job_id, bulk_row=row.row,
            requested_at=timezone.now()))
    # Every document is built from a validated base; check one whole document per chunk too.
    ob.validate_or_raise(documents[0])
    return _Plan(rows=rows, credentials=credentials, documents=documents,
                 allocated=allocated, languages=languages)


def _write(ctx: _Context, plan: _Plan, signed: list[str]) -> int:
    """Store a signed chunk in one transaction: the credentials, their status entries, the
    notifications, the task that emails them and the job's progress. Returns how many were
    stored (rows another process committed meanwhile are skipped)."""
    job_id = ctx.job.pk
    with transaction.atomic():
        # The job's row lock serializes two processes running the same job, and the check
        # below, under it, skips what the other one committed.
        job = BulkIssuance.objects.select_for_update().get(pk=job_id)
        done = set(Credential.objects.filter(
            bulk_job_id=job_id, renews__isnull=True,
            bulk_row__gte=plan.rows[0].row, bulk_row__lte=plan.rows[-1].row,
        ).values_list("bulk_row", flat=True))
        keep = [i for i, r in enumerate(plan.rows) if r.row not in done]
        if not keep:
            return 0
        credentials = [plan.credentials[i] for i in keep]
        for i in keep:
            plan.credentials[i].signed_json = signed[i]
        insert_many(credentials)
        insert_many([
            StatusEntry(credential_id=plan.credentials[i].pk, status_list_id=pairs[i][0].pk,
                        purpose=purpose, index=pairs[i][1])
            for purpose, pairs in plan.allocated.items() for i in keep])
        now = timezone.now()
        notes = [Notification(user_id=c.learner_id, kind="credential.issued",
                              subject=ctx.message(plan.languages[i])[0][:200],
                              body=ctx.message(plan.languages[i])[1],
                              url=ctx.credential_path(c.public_id), created_at=now)
                 for i, c in zip(keep, credentials, strict=True)]
        insert_many(notes)
        # One task per chunk sends the chunk's emails (each once: ``emailed_at``).
        bulk_issuance_emails.enqueue([n.pk for n in notes])
        for credential in _may_complete_stacks(ctx, credentials):
            stack_credentials_after_issue(credential=credential)
        job.issued_count += len(credentials)
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["issued_count", "heartbeat_at"])
        audit_record(actor=SYSTEM, action="bulk_issuance.chunk_issued", target=job,
                     data={"first_row": plan.rows[keep[0]].row,
                           "last_row": plan.rows[keep[-1]].row,
                           "credentials": len(credentials)})
    return len(credentials)


def insert_many(objects: Sequence[Model]) -> None:
    """Insert model instances and set their primary keys. On PostgreSQL with ``COPY`` (ids
    drawn from the table's sequence first), several times faster than ``bulk_create`` for
    rows as large as signed credentials; elsewhere ``bulk_create``."""
    if not objects:
        return
    model = type(objects[0])
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields]
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if not hasattr(cursor.cursor, "copy"):  # not psycopg 3
            model.objects.bulk_create(objects)
            return
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objects)])
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection)
                                for f in fields])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _signer_processes(total: int) -> int:
    """Worker processes for signing: none for a small job (starting them costs more than they
    save) or on one core; else one per core, at most two (the database needs the rest)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return 0 if total < 5000 or cores < 2 else min(2, cores)


def bulk_issuance_run(
    *, job_id: int, chunk_size: int = CHUNK_SIZE,
    progress: Callable[[BulkProgress], None] | None = None,
    after_chunk: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> BulkIssuance:
    """Issue the job's remaining rows (all of them, or those after the last committed chunk).

    Chunk n+1 is prepared while chunk n is being signed. ``after_chunk(n)`` is called after the
    n-th committed chunk of this run (tests use it to interrupt a run). A failure marks the job
    failed with its message and re-raises; running it again resumes."""
    with transaction.atomic():
        job = (BulkIssuance.objects.select_for_update()
               .select_related("organization", "micro_credential").get(pk=job_id))
        if job.status == BulkIssuance.Status.DONE:
            return job
        job.status = BulkIssuance.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "started_at", "heartbeat_at", "error"])
    signer = None
    try:
        ctx = _context(job)
        done = max(Credential.objects.filter(bulk_job=job, renews__isnull=True)
                   .order_by("-bulk_row").values_list("bulk_row", flat=True)[:1], default=0)
        issued = Credential.objects.filter(bulk_job=job, renews__isnull=True).count()
        if progress:
            progress(BulkProgress(issued, job.total, job))
        signer = Signer(signer=ctx.signer,
                        processes=_signer_processes(job.total - issued)
                        if processes is None else processes)
        pending: tuple[_Plan, Callable[[], list[str]]] | None = None
        number = 0

        def commit(plan: _Plan, result: Callable[[], list[str]]) -> None:
            nonlocal issued, number
            issued += _write(ctx, plan, result())
            number += 1
            if progress:
                progress(BulkProgress(issued, job.total, job))
            if after_chunk:
                after_chunk(number)

        for chunk in _chunks(_rows_after(job, done), chunk_size):
            plan = _prepare(ctx, chunk)
            if plan is None:
                continue
            result = signer.submit(plan.documents)
            plan.documents = []
            if pending is not None:
                commit(*pending)
            pending = (plan, result)
        if pending is not None:
            commit(*pending)
        # New entries leave every bit as it was; a list is re-signed here only if it has no
        # current signed copy (a list opened by this job), once, not per credential.
        for list_id in set(StatusEntry.objects.filter(credential__bulk_job=job)
                           .values_list("status_list_id", flat=True).distinct()):
            status_list_publish(status_list_id=list_id)
    except BaseException as exc:
        BulkIssuance.objects.filter(pk=job_id).update(
            status=BulkIssuance.Status.FAILED, error=str(exc)[:2000] or type(exc).__name__,
            finished_at=timezone.now())
        raise
    finally:
        if signer is not None:
            signer.close()
    with transaction.atomic():
        job = BulkIssuance.objects.select_for_update().get(pk=job_id)
        job.status = BulkIssuance.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        audit_record(actor=SYSTEM, action="bulk_issuance.finished", target=job,
                     data={"issued": job.issued_count})
    return job
