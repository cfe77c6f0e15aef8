"""A task whose worker died is taken back by the sweep (found by `make cluster`: django_tasks_db
keeps a claimed task RUNNING for ever, so a killed worker's credential stayed pending)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from microcred.issuance.models import Credential
from microcred.ops.task_leases import tasks_reclaim
from tests.factories import World, pass_attempt, submitted_attempt

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIGNING = "microcred.issuance.tasks.credential_issue"


def _claimed_by_a_worker_that_died(minutes_ago: int) -> DBTaskResult:
    row = DBTaskResult.objects.get(task_path=SIGNING)
    row.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return row


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS, TASK_LEASE_SECONDS=600)
def test_a_dead_workers_task_runs_again_after_its_lease() -> None:
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    row = _claimed_by_a_worker_that_died(minutes_ago=5)
    assert tasks_reclaim() == 0  # still within its lease: perhaps only slow
    call_command("worker", batch=True, verbosity=0)
    assert Credential.objects.get(attempt=attempt).status == Credential.Status.PENDING
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(minutes=11))
    call_command("sweep", verbosity=0)
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY
    call_command("worker", batch=True, verbosity=0)
    assert Credential.objects.get(attempt=attempt).is_issued
    assert Credential.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_bulk_jobs_are_left_to_their_own_recovery() -> None:
    DBTaskResult.objects.create(
        task_path="microcred.issuance.tasks.bulk_issuance_task", args_kwargs={"args": [1],
                                                                        "kwargs": {}},
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(days=1),
        backend_name="default", run_after=timezone.now(), queue_name="default")
    assert tasks_reclaim(lease=timedelta(seconds=1)) == 0
