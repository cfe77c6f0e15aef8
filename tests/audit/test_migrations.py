import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from microcred.actors import SYSTEM
from microcred.audit import db_guards
from microcred.audit.chain import entry_hash, verify_chain
from microcred.audit.models import GENESIS_HASH
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


def _old_record(apps, n: int) -> None:  # type: ignore[no-untyped-def]
    """Entries as the code before migration 0005 wrote them: chained at once, head moved."""
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditChainHead")
    head, _ = Head.objects.get_or_create(pk=1)
    for i in range(n):
        sequence = head.sequence + 1
        at = dt.datetime(2026, 1, 1, 12, 0, i, 123456, tzinfo=dt.UTC)
        digest = entry_hash(sequence=sequence, created_at=at, actor_id=None, action="old.step",
                            target=f"orgs.organization:{i}", data={"i": i},
                            previous_hash=head.entry_hash)
        Event.objects.create(sequence=sequence, action="old.step", target=f"orgs.organization:{i}",
                             data={"i": i}, created_at=at, previous_hash=head.entry_hash,
                             entry_hash=digest)
        head.sequence, head.entry_hash = sequence, digest
        head.save()


@pytest.mark.django_db(transaction=True)
def test_chained_entries_stay_valid_across_0005_both_ways() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0004_append_only")])
    old_apps = executor.loader.project_state([("audit", "0004_append_only")]).apps
    _old_record(old_apps, 3)
    old_head = old_apps.get_model("audit", "AuditChainHead").objects.get()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    from microcred.audit.models import AuditEvent
    from microcred.orgs.models import Organization

    report = audit_chain_verify()
    assert (report.entries, report.head_hash) == (3, old_head.entry_hash)
    assert db_guards.installed(connection)
    org = Organization.objects.create(name="M", slug="m", url="")
    audit_record(actor=SYSTEM, action="new.chained", target=org)
    assert audit_chain_verify().entries == 4
    audit_record(actor=SYSTEM, action="new.pending", target=org)
    assert AuditEvent.objects.get(action="new.pending").pending

    # Back to 0004: what is pending is chained on the way (the old columns refuse empties),
    # and the first version's triggers refuse every UPDATE again.
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0004_append_only")])
    old_apps = executor.loader.project_state([("audit", "0004_append_only")]).apps
    Event = old_apps.get_model("audit", "AuditEvent")
    rows = list(Event.objects.order_by("sequence"))
    assert [(r.sequence, r.action) for r in rows][-2:] == [(4, "new.chained"), (5, "new.pending")]
    verify_chain(rows, genesis=GENESIS_HASH, head_sequence=5,
                 head_hash=old_apps.get_model("audit", "AuditChainHead").objects.get().entry_hash)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE sequence = 1")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    assert audit_chain_verify().entries == 5
    assert db_guards.installed(connection)
