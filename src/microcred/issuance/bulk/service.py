"""Bulk issuance jobs: created from a validated file, started, found again, resumed, swept.

The issuing itself is ``bulk.run``; the task worker runs it (``tasks.bulk_issuance_task``), or
the command line does (``microcred credentials issue-bulk``).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import IO

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential
from microcred.errors import InvalidState, NotFound
from microcred.issuance.bulk.parse import bulk_csv_validate
from microcred.issuance.models import BulkIssuance
from microcred.issuance.tasks import bulk_issuance_task
from microcred.orgs.models import Role
from microcred.orgs.selectors import require_role

__all__ = [
    "STALE_AFTER",
    "bulk_issuance_create",
    "bulk_issuance_get",
    "bulk_issuance_resumable",
    "bulk_issuance_start",
    "bulk_issuance_sweep",
]

# A running job whose last chunk committed longer ago than this has lost its process.
STALE_AFTER = timedelta(minutes=10)
_ADMINS_ONLY = gettext_lazy("Only an administrator of the issuing organization can issue "
                            "credentials in bulk.")


def bulk_issuance_create(
    *, actor: Actor, micro_credential: MicroCredential, csv_file: IO[bytes], file_name: str = "",
) -> BulkIssuance:
    """Validate ``csv_file`` and store a queued job for it (nothing is issued yet).

    Only the issuing organization's administrators, only a published micro-credential. The
    file is copied to private storage so the job can be resumed from it by any process."""
    organization = micro_credential.organization
    require_role(actor, organization, Role.ADMIN, message=str(_ADMINS_ONLY))
    if not micro_credential.is_published:
        raise InvalidState(_("Only a published micro-credential can be issued."),
                           code="not_published")
    digest = hashlib.sha256()
    csv_file.seek(0)
    for block in iter(lambda: csv_file.read(1 << 20), b""):
        digest.update(block)
    csv_file.seek(0)
    total = bulk_csv_validate(csv_file)
    csv_file.seek(0)
    with transaction.atomic():
        job = BulkIssuance(organization=organization, micro_credential=micro_credential,
                           created_by=actor, csv_sha256=digest.hexdigest(), total=total)
        job.csv_file.save(f"{job.public_id}.csv", File(csv_file), save=False)
        job.save()
        audit_record(actor=actor, action="bulk_issuance.created", target=job,
                     data={"micro_credential": micro_credential.pk, "rows": total,
                           "sha256": job.csv_sha256})
    return job


def bulk_issuance_start(
    *, actor: Actor, micro_credential: MicroCredential, csv_file: IO[bytes],
) -> BulkIssuance:
    """Create the job and enqueue the task that runs it, in one transaction (the web flow: the
    task worker issues, the job page shows its progress)."""
    with transaction.atomic():
        job = bulk_issuance_create(actor=actor, micro_credential=micro_credential,
                                   csv_file=csv_file)
        job.heartbeat_at = timezone.now()  # the sweep's clock starts now
        job.save(update_fields=["heartbeat_at"])
        bulk_issuance_task.enqueue(job.pk)
    return job


def bulk_issuance_get(*, actor: Actor, public_id: uuid.UUID | str) -> BulkIssuance:
    """A job, for an administrator of its organization."""
    try:
        job = BulkIssuance.objects.select_related("organization", "micro_credential").get(
            public_id=public_id)
    except (BulkIssuance.DoesNotExist, ValueError):
        raise NotFound(_("No bulk issuance here.")) from None
    require_role(actor, job.organization, Role.ADMIN, message=str(_ADMINS_ONLY))
    return job


def bulk_issuance_resumable(*, actor: Actor, micro_credential: MicroCredential,
                            sha256: str) -> BulkIssuance:
    """The unfinished job of this file for this micro-credential (``--resume``)."""
    job = (BulkIssuance.objects.filter(micro_credential=micro_credential, csv_sha256=sha256)
           .exclude(status=BulkIssuance.Status.DONE).order_by("-created_at").first())
    if job is None:
        raise NotFound(_("No unfinished bulk issuance of this file for this micro-credential."))
    require_role(actor, job.organization, Role.ADMIN, message=str(_ADMINS_ONLY))
    return job


def bulk_issuance_sweep(*, now: datetime | None = None) -> list[int]:
    """Re-enqueue jobs whose process died: queued or running with no chunk committed for
    :data:`STALE_AFTER` (the task resumes after the last committed row)."""
    now = now or timezone.now()
    stale = list(BulkIssuance.objects.filter(
        status__in=[BulkIssuance.Status.QUEUED, BulkIssuance.Status.RUNNING],
        heartbeat_at__lt=now - STALE_AFTER).values_list("pk", flat=True))
    for pk in stale:
        BulkIssuance.objects.filter(pk=pk).update(heartbeat_at=now)
        bulk_issuance_task.enqueue(pk)
    return stale
