"""Taking back the tasks of a worker that died.

``django_tasks_db`` marks a task RUNNING when a worker claims it and holds no lease: if that
worker is killed (a machine lost, an out-of-memory kill), the row stays RUNNING and no other
worker runs it again. ``make cluster`` found exactly that (a ``credential_issue`` left pending,
an email never sent). The sweep calls ``tasks_reclaim``: a task RUNNING for longer than
``TASK_LEASE_SECONDS`` goes back to READY for the next worker. Every task here is idempotent
(signing locks its credential and leaves an issued one alone; publishing a status list writes
its current state), so a slow task that was not dead costs one repeat, never a duplicate.
Bulk issuance is left out: its jobs resume chunk by chunk (``issuance.bulk``'s own sweep).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from microcred.issuance.tasks import bulk_issuance_task

__all__ = ["tasks_reclaim"]

logger = logging.getLogger(__name__)


def tasks_reclaim(*, lease: timedelta | None = None) -> int:
    """Put back every task claimed longer ago than ``lease`` and still RUNNING; how many."""
    lease = lease if lease is not None else timedelta(seconds=settings.TASK_LEASE_SECONDS)
    stale = (DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING,
                                         started_at__lt=timezone.now() - lease)
             .exclude(task_path=bulk_issuance_task.module_path))
    count = stale.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("took back %d task(s) whose worker stopped before finishing", count)
    return count
