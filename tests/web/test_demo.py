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
    assert counts == [5, 1, 3, 3, 2, 1]
    call_command("demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (User, Organization, Membership, MicroCredential,
                                        Attempt, Credential)] == counts
    credential = Credential.objects.get()
    assert credential.is_issued
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    assert Attempt.objects.filter(status="not_yet").count() == 1
    assert MicroCredential.objects.filter(status="published").count() == 3
