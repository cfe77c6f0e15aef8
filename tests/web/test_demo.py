import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from microcred.accounts.models import User
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.issuance.models import Credential
from microcred.orgs.models import Membership, Organization
from microcred.verification.services import credential_verify

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_loads_real_content_and_twice_duplicates_nothing() -> None:
    call_command("demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (User, Organization, Membership, MicroCredential,
                                          Attempt, Credential)]
    # 10 people (5 of them assessors, one calibrating); 4 attempts: a pass, a Not Yet,
    # an overdue submission and an appealed Not Yet.
    assert counts == [10, 1, 6, 3, 4, 1]
    call_command("demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (User, Organization, Membership, MicroCredential,
                                        Attempt, Credential)] == counts
    credential = Credential.objects.get()
    assert credential.is_issued
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    assert Attempt.objects.filter(status="not_yet").count() == 1
    assert MicroCredential.objects.filter(status="published").count() == 3


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_shows_calibration_an_overdue_submission_and_an_appeal() -> None:
    from django.utils import timezone

    from microcred.assessment.models import Appeal, PoolMember
    from microcred.assessment.selectors import overdue_attempts

    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    trainee = PoolMember.objects.get(assessor__email="trainee@demo.microcred.test")
    assert trainee.status == "calibrating"
    assert trainee.micro_credential.calibration_anchors.count() == 3
    overdue = Attempt.objects.get(learner__email="sam.okoro@demo.microcred.test")
    assert overdue.decision_due_at < timezone.now()
    assert [r.public_id for r in overdue_attempts(
        organization=Organization.objects.get())] == [overdue.public_id]
    appeal = Appeal.objects.get()
    assert appeal.attempt.status == "in_review"
    assert appeal.attempt.assignments.filter(kind="appeal", status="active").exists()
