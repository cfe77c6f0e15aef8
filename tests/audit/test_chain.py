import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from microcred.actors import SYSTEM
from microcred.audit import db_guards, services
from microcred.audit.chain import ChainBroken, entry_hash
from microcred.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditLogAppendOnly
from microcred.audit.services import audit_chain_extend, audit_chain_verify, audit_record
from microcred.cli import main
from microcred.orgs.models import Organization
from tests.factories import user


def _org() -> Organization:
    return Organization.objects.get_or_create(slug="audit-org",
                                              defaults={"name": "Audit Org", "url": ""})[0]


def _record(n: int, actor=SYSTEM) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """``n`` entries, chained: as the database holds them after the hasher's pass."""
    org = _org()
    events = [audit_record(actor=actor, action="test.step", target=org, data={"i": i, "x": 1.5})
              for i in range(n)]
    audit_chain_extend()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def _raw(sql: str, params: list) -> None:  # type: ignore[type-arg]
    """Tamper below the ORM, with the triggers lifted (the test's transaction restores them)."""
    db_guards.execute(connection, add=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    db_guards.execute(connection, add=True)


def _refused(sql: str, params: list) -> None:  # type: ignore[type-arg]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_entries_are_written_pending_then_chained_in_order() -> None:
    before = AuditEvent.objects.count()
    org = _org()
    written = [audit_record(actor=user(), action="test.step", target=org, data={"i": i})
               for i in range(4)]
    assert all(e.pending and e.sequence is None for e in written)
    assert AuditEvent.objects.filter(entry_hash__isnull=True).count() == before + 4

    done = audit_chain_extend()
    assert (done.chained, done.waiting) == (before + 4, 0)
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, before + 5))
    assert [e.pk for e in events][-4:] == [e.pk for e in written]
    assert events[0].previous_hash == GENESIS_HASH
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.previous_hash == earlier.entry_hash
    assert (done.head_sequence, done.head_hash) == (events[-1].sequence, events[-1].entry_hash)
    report = audit_chain_verify()
    assert (report.entries, report.pending) == (before + 4, 0)
    assert report.head_hash == events[-1].entry_hash
    assert AuditChainHead.objects.get().sequence == events[-1].sequence
    assert audit_chain_extend().chained == 0  # nothing left: a second pass is a no-op


@pytest.mark.django_db
def test_verify_chains_first_and_counts_what_it_could_not_chain_as_pending(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _record(2)
    audit_record(actor=SYSTEM, action="test.late", target=_org())
    assert audit_chain_verify().pending == 0  # chained by verify's own pass
    audit_record(actor=SYSTEM, action="test.late", target=_org())
    # As if its transaction were still behind an older one: the hasher leaves it alone.
    monkeypatch.setattr(services, "_chainable_bound", lambda: Q(pk__in=[]))
    report = audit_chain_verify()
    assert report.pending == 1 and report.entries == AuditEvent.objects.count() - 1
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip().endswith("chain intact (head "
                                           f"{report.head_sequence}: {report.head_hash}); "
                                           "1 pending")


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
def test_a_chained_entry_made_pending_again_is_found() -> None:
    """Emptying an entry's chain fields (to pass an edit off as not yet chained) leaves a
    hole in the sequence, which stays even once the hasher has chained the entry again."""
    events = _record(3)
    _raw("UPDATE audit_auditevent SET sequence = NULL, previous_hash = NULL, entry_hash = NULL,"
         " action = 'test.rewritten' WHERE id = %s", [events[1].pk])
    for _ in range(2):
        with pytest.raises(ChainBroken, match="missing") as caught:
            audit_chain_verify()
        assert caught.value.sequence == events[1].sequence
    assert AuditEvent.objects.get(pk=events[1].pk).sequence == events[-1].sequence + 1


@pytest.mark.django_db
def test_the_hasher_refuses_to_extend_a_chain_whose_end_was_cut() -> None:
    events = _record(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    audit_record(actor=SYSTEM, action="test.after", target=_org())
    with pytest.raises(ChainBroken, match="does not match"):
        audit_chain_extend()
    with pytest.raises(ChainBroken, match="end of the log"):
        audit_chain_verify()
    assert AuditEvent.objects.filter(action="test.after", entry_hash__isnull=True).exists()


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
def test_a_deleted_head_is_found_and_not_recreated() -> None:
    _record(2)
    AuditChainHead.objects.all().delete()
    audit_record(actor=SYSTEM, action="test.after", target=_org())
    with pytest.raises(ChainBroken, match="head is missing"):
        audit_chain_verify()
    assert not AuditChainHead.objects.exists()


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
                "UPDATE audit_auditevent SET entry_hash = NULL, previous_hash = NULL, "
                "sequence = NULL WHERE id = %s",
                "UPDATE audit_auditevent SET entry_hash = repeat('a', 64) WHERE id = %s"
                if connection.vendor == "postgresql" else
                "UPDATE audit_auditevent SET entry_hash = 'a' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        _refused(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.step"
    audit_chain_verify()


@pytest.mark.django_db
def test_the_database_allows_only_the_one_fill_of_a_pending_entry() -> None:
    _record(1)
    pending = audit_record(actor=SYSTEM, action="test.pending", target=_org())
    fill = ("UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, entry_hash = %s"
            " {more} WHERE id = %s")
    head = AuditChainHead.objects.get()
    values = [head.sequence + 1, head.entry_hash, "b" * 64]
    # Content changed along with the fill; part of the fill only; anything but a fill.
    for more in (", action = 'test.other'", ", data = '{\"i\": 1}'", ", actor_id = 7",
                 ", created_at = created_at + interval '1 second'"
                 if connection.vendor == "postgresql" else ", created_at = '2020-01-01'",
                 ", id = id + 1000", ", txid = 42"):
        _refused(fill.format(more=more), [*values, pending.pk])
    for sql, params in (
            ("UPDATE audit_auditevent SET entry_hash = %s WHERE id = %s", ["b" * 64]),
            ("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", []),
            ("DELETE FROM audit_auditevent WHERE id = %s", [])):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, pending.pk])
    # The fill itself (what the hasher does), once; then the entry is as fixed as any other.
    with connection.cursor() as cursor:
        cursor.execute(fill.format(more=""), [*values, pending.pk])
    _refused(fill.format(more=""), [head.sequence + 1, head.entry_hash, "c" * 64, pending.pk])
    assert AuditEvent.objects.get(pk=pending.pk).entry_hash == "b" * 64


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
    audit_record(actor=SYSTEM, action="test.listed", target=_org())
    call_command("audit", "list", "--limit", "2")
    listed = capsys.readouterr().out.splitlines()
    assert "test.step" in listed[0] and listed[1].startswith("pending\t")
    assert listed[1].endswith("\tpending")
    _raw("UPDATE audit_auditevent SET target = %s WHERE sequence = %s",
         ["orgs.organization:999", events[1].sequence])
    with pytest.raises(CommandError, match=f"entry {events[1].sequence} was altered") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


@pytest.mark.django_db
def test_the_extend_command_chains_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    _record(1)
    audit_record(actor=SYSTEM, action="test.a", target=_org())
    audit_record(actor=SYSTEM, action="test.b", target=_org())
    call_command("audit", "extend")
    head = AuditChainHead.objects.get()
    assert capsys.readouterr().out.strip() == (
        f"chained 2 entries (head {head.sequence}: {head.entry_hash}); 0 pending")
    assert not AuditEvent.objects.filter(entry_hash__isnull=True).exists()


@pytest.mark.django_db
def test_the_sweep_chains_pending_entries() -> None:
    audit_record(actor=SYSTEM, action="test.swept", target=_org())
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "audit entries chained 1" in out.getvalue()
    assert not AuditEvent.objects.get(action="test.swept").pending
    # A broken chain is said, and the rest of the sweep still runs.
    AuditChainHead.objects.all().delete()
    audit_record(actor=SYSTEM, action="test.unswept", target=_org())
    out = StringIO()
    call_command("sweep", stdout=out)
    assert out.getvalue().startswith(
        "reminded 0, expired 0, reassigned 0; tasks taken back 0; bulk jobs resumed 0")
    assert "audit chain broken, not extended: the chain head is missing" in out.getvalue()


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


# ------------------------------------------------------------------ PostgreSQL, concurrent


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL transactions: run with MICROCRED_TEST_DATABASE=postgres")


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_an_entry_that_commits_first_waits_for_an_older_transaction(outcome: str) -> None:
    """The classic trap: ids and transaction ids are handed out before commit. Transaction A
    writes its entry first and commits last; B's entry, committed meanwhile, must not be
    chained before A ends, or A's entry (lower id, older transaction) would then have to come
    after it, or be left out."""
    _needs_postgres()
    org = _org()
    written, release = threading.Event(), threading.Event()
    ids: list[int] = []

    def slow_writer() -> None:
        with transaction.atomic():
            ids.append(audit_record(actor=SYSTEM, action="test.older", target=org).pk)
            written.set()
            assert release.wait(30)
            if outcome == "rollback":
                transaction.set_rollback(True)

    thread, errors = _in_thread(slow_writer)
    assert written.wait(30)
    newer = audit_record(actor=SYSTEM, action="test.newer", target=org)  # committed
    assert newer.pk > ids[0]
    done = audit_chain_extend()
    assert (done.chained, done.waiting) == (0, 1)
    report = audit_chain_verify()  # pending, not broken
    assert (report.entries, report.pending) == (0, 1)
    assert AuditEvent.objects.get(pk=newer.pk).pending

    release.set()
    thread.join(30)
    assert not errors
    done = audit_chain_extend()
    chained = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    if outcome == "commit":
        assert done.chained == 2 and chained == ["test.older", "test.newer"]
    else:
        assert done.chained == 1 and chained == ["test.newer"]
    assert audit_chain_verify().pending == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_in_another_database_does_not_hold_the_chain_back() -> None:
    _needs_postgres()
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], password=settings["PASSWORD"] or None,
                            dbname="postgres")
    try:
        other.execute("SELECT pg_current_xact_id()")  # an open transaction with an id
        audit_record(actor=SYSTEM, action="test.here", target=_org())
        assert audit_chain_extend().chained == 1
    finally:
        other.rollback()
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_hashers_make_one_valid_chain() -> None:
    _needs_postgres()
    org = _org()
    writers, each = 8, 15
    barrier = threading.Barrier(writers + 1)
    writing = threading.Event()
    passes: list[int] = []

    def append(worker: int) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(actor=SYSTEM, action="test.concurrent", target=org,
                                 data={"worker": worker, "i": i})

        return run

    def hasher() -> None:
        barrier.wait()
        while writing.is_set():
            passes.append(audit_chain_extend().chained)

    writing.set()
    started = [_in_thread(append(w)) for w in range(writers)] + [_in_thread(hasher)]
    for thread, _errors in started[:-1]:
        thread.join(60)
    writing.clear()
    started[-1][0].join(60)
    assert not [e for _thread, errors in started for e in errors]

    report = audit_chain_verify()
    total = AuditEvent.objects.count()
    assert (report.entries, report.pending) == (total, 0)
    assert AuditEvent.objects.filter(action="test.concurrent").count() == writers * each
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1))
    # Chain order is (transaction id, id): never an entry after one of a younger transaction.
    order = list(AuditEvent.objects.order_by("sequence").values_list("txid", "id"))
    assert order == sorted(order)
    assert passes  # the hasher ran while they wrote
