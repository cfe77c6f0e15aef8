import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from microcred.actors import SYSTEM
from microcred.audit import db_guards
from microcred.audit.services import audit_chain_verify, audit_record


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_chained_by_the_migration() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
    Event = old_apps.get_model("audit", "AuditEvent")
    for i in range(3):
        Event.objects.create(action=f"old.{i}", target=f"orgs.organization:{i}",
                             data={"n": i})
    Event.objects.filter(action="old.1").update(
        created_at=dt.datetime(2020, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    from microcred.audit.models import AuditEvent

    assert list(AuditEvent.objects.values_list("sequence", "action")) == [
        (1, "old.0"), (2, "old.1"), (3, "old.2")]
    assert audit_chain_verify().entries == 3
    assert db_guards.installed(connection)
    from microcred.orgs.models import Organization

    org = Organization.objects.create(name="M", slug="m", url="")
    audit_record(actor=SYSTEM, action="new", target=org)
    assert audit_chain_verify().entries == 4
