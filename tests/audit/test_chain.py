import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from microcred.actors import SYSTEM
from microcred.audit import db_guards
from microcred.audit.chain import ChainBroken
from microcred.audit.models import AuditChainHead, AuditEvent, AuditLogAppendOnly
from microcred.audit.services import audit_chain_verify, audit_record
from microcred.cli import main
from microcred.orgs.models import Organization
from tests.factories import user


def _org() -> Organization:
    return Organization.objects.create(name="Audit Org", slug="audit-org", url="")


def _record(n: int, actor=SYSTEM) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    org = _org() if not Organization.objects.filter(slug="audit-org").exists() else \
        Organization.objects.get(slug="audit-org")
    return [audit_record(actor=actor, action="test.step", target=org, data={"i": i, "x": 1.5})
            for i in range(n)]


def _raw(sql: str, params: list) -> None:  # type: ignore[type-arg]
    """Tamper below the ORM, with the triggers lifted (the test's transaction restores them)."""
    db_guards.execute(connection, add=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    db_guards.execute(connection, add=True)


@pytest.mark.django_db
def test_entries_are_chained_in_sequence() -> None:
    before = AuditEvent.objects.count()
    events = _record(4, actor=user())
    assert [e.sequence for e in AuditEvent.objects.all()] == list(range(1, before + 5))
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.previous_hash == earlier.entry_hash
    report = audit_chain_verify()
    assert report.entries == before + 4
    assert report.head_hash == events[-1].entry_hash
    assert AuditChainHead.objects.get().sequence == events[-1].sequence


@pytest.mark.django_db
def test_an_edited_entry_is_found() -> None:
    events = _record(4)
    _raw("UPDATE audit_auditevent SET data = %s WHERE sequence = %s",
         ['{"i": 99, "x": 1.5}', events[1].sequence])
    with pytest.raises(ChainBroken, match="altered") as caught:
        audit_chain_verify()
    assert caught.value.sequence == events[1].sequence


@pytest.mark.django_db
def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link() -> None:
    from microcred.audit.chain import entry_hash

    events = _record(3)
    forged = entry_hash(sequence=events[0].sequence, created_at=events[0].created_at,
                        actor_id=None, action="test.forged", target=events[0].target,
                        data=events[0].data, previous_hash=events[0].previous_hash)
    _raw("UPDATE audit_auditevent SET action = %s, entry_hash = %s WHERE sequence = %s",
         ["test.forged", forged, events[0].sequence])
    with pytest.raises(ChainBroken, match="does not follow") as caught:
        audit_chain_verify()
    assert caught.value.sequence == events[1].sequence


@pytest.mark.django_db
def test_a_deleted_entry_is_found() -> None:
    events = _record(4)
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [events[2].sequence])
    with pytest.raises(ChainBroken, match="missing") as caught:
        audit_chain_verify()
    assert caught.value.sequence == events[2].sequence


@pytest.mark.django_db
def test_entries_deleted_from_the_end_are_found() -> None:
    events = _record(3)
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [events[-1].sequence])
    with pytest.raises(ChainBroken, match="end of the log"):
        audit_chain_verify()


@pytest.mark.django_db
def test_reordered_entries_are_found() -> None:
    events = _record(3)
    a, b = events[0].sequence, events[1].sequence
    _raw("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [10**9, a])
    _raw("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [a, b])
    _raw("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [b, 10**9])
    with pytest.raises(ChainBroken) as caught:
        audit_chain_verify()
    assert caught.value.sequence == a


@pytest.mark.django_db
def test_the_orm_refuses_update_and_delete() -> None:
    event = _record(1)[0]
    event.action = "changed"
    with pytest.raises(AuditLogAppendOnly):
        event.save()
    with pytest.raises(AuditLogAppendOnly):
        event.delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.all().delete()
    audit_chain_verify()


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete() -> None:
    event = _record(1)[0]
    assert db_guards.installed(connection)
    for sql in ("UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.step"


@pytest.mark.django_db
def test_deleting_a_user_leaves_the_log_alone() -> None:
    person = user()
    _record(2, actor=person)
    person_id = person.pk
    person.delete()  # a raw delete, as an administrator's shell could do
    audit_chain_verify()
    assert AuditEvent.objects.filter(actor_id=person_id).count() == 2


@pytest.mark.django_db
def test_the_command_reports_intact_and_broken(capsys: pytest.CaptureFixture[str]) -> None:
    events = _record(3)
    call_command("audit", "verify")
    assert f"{AuditEvent.objects.count()} entries, chain intact" in capsys.readouterr().out
    call_command("audit", "list", "--limit", "2")
    assert "test.step" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET target = %s WHERE sequence = %s",
         ["orgs.organization:999", events[1].sequence])
    with pytest.raises(CommandError, match=f"entry {events[1].sequence} was altered") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


@pytest.mark.django_db
def test_the_cli_prints_one_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the CLI closes the connection, which ends the test's transaction")
    events = _record(2)
    assert main(["audit", "verify"]) == 0
    assert "entries, chain intact" in capsys.readouterr().out
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [events[0].sequence])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "missing" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_valid_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with MICROCRED_TEST_DATABASE=postgres")
    org = _org()
    threads_n, each = 8, 10
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(actor=SYSTEM, action="test.concurrent", target=org,
                                 data={"worker": worker, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    report = audit_chain_verify()
    total = AuditEvent.objects.count()
    assert report.entries == total
    assert AuditEvent.objects.filter(action="test.concurrent").count() == threads_n * each
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1))
