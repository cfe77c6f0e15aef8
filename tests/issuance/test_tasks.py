import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from microcred.issuance.models import Credential
from tests.factories import World, pass_attempt, submitted_attempt

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIGNING = "microcred.issuance.tasks.credential_issue"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_pass_enqueues_in_the_database_and_the_worker_signs() -> None:
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    assert credential.status == Credential.Status.PENDING
    assert DBTaskResult.objects.filter(task_path=SIGNING).count() == 1  # committed with the Pass
    call_command("worker", batch=True, verbosity=0)
    credential.refresh_from_db()
    assert credential.is_issued
    assert DBTaskResult.objects.get(task_path=SIGNING).status == "SUCCESSFUL"
    # Signing created the organization's status list (one, for revocation and suspension);
    # publishing it was enqueued too.
    publishing = DBTaskResult.objects.filter(
        task_path="microcred.issuance.tasks.status_list_publish_task")
    assert publishing.count() == 1 and {t.status for t in publishing} == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_retry_pending_reenqueues_and_signing_stays_single() -> None:
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    DBTaskResult.objects.all().delete()  # as if the task row had been lost or failed
    call_command("credentials", "retry-pending", stdout=io.StringIO())
    call_command("credentials", "retry-pending", stdout=io.StringIO())
    call_command("worker", batch=True, verbosity=0)
    credential = Credential.objects.get()
    assert credential.is_issued
    assert DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=SIGNING).count() == 2
    assert Credential.objects.count() == 1
