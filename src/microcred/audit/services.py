"""Writing the audit log and chaining it.

Writers (``audit_record``) only INSERT their entry, pending, inside their own transaction: no
shared row, no lock, so audited transactions commit as concurrently as any other. The hasher
(``audit_chain_extend``) then chains committed entries under the one chain-head lock, which
only hashers take. Its order must never be overtaken by an entry that commits later:

- PostgreSQL: ids and transaction ids are handed out before commit, so a lower one can commit
  after a higher one. Each row carries its transaction's id (``txid``, stamped by a trigger);
  the hasher chains in (``txid``, ``id``) order and only rows whose ``txid`` is below the
  *frontier*: the oldest transaction of this database still in progress when the hasher
  looks (``_PG_FRONTIER``). Every transaction below the frontier has ended, so no row that
  would sort before a chained one can ever appear. Transactions of other databases on
  the same server are left out (they cannot write this table), when ``pg_stat_activity`` shows
  them; when it cannot (a role without ``pg_read_all_stats``), they hold the frontier back too,
  which delays chaining but never misorders it.
- SQLite: write transactions are serialized (``BEGIN IMMEDIATE``, see ``microcred.settings``),
  so while the hasher's transaction runs no other write is in flight: id order is commit order.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from microcred.actors import Actor
from microcred.audit.chain import ChainBroken, ChainEntry, ChainReport, entry_hash, verify_chain
from microcred.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

__all__ = ["ChainExtension", "audit_chain_extend", "audit_chain_verify", "audit_record",
           "audit_target"]

# Entries chained per transaction: the head lock is held for one batch (a few ms per 100).
BATCH = 500

# The frontier (see the module's docstring), from one snapshot: rows with a smaller ``txid``
# can be chained. A snapshot lists the transactions in progress below its ``xmax`` (``xip``);
# one of them holds the frontier back unless pg_stat_activity shows it belongs to a session of
# another database (its ``backend_xid`` is the 32 low bits of the 64-bit id). With none, the
# frontier is ``xmax``; or, when the hasher runs inside a transaction that wrote entries of its
# own (a test, a caller's atomic block) and every transaction that started before it belongs to
# another database, just past its own id.
_PG_FRONTIER = """
    WITH snap AS (
        SELECT pg_current_snapshot() AS s,
               pg_current_xact_id_if_assigned()::text::bigint AS own),
    elsewhere AS (
        SELECT a.backend_xid::text::bigint AS xid32 FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL
          AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())),
    bound AS (
        SELECT own, pg_snapshot_xmax(s)::text::bigint AS xmax,
               (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s) AS x
                WHERE mod(x::text::bigint, 4294967296) NOT IN (SELECT xid32 FROM elsewhere))
               AS blocker
        FROM snap)
    SELECT CASE
        WHEN blocker IS NOT NULL THEN blocker
        WHEN own >= xmax AND NOT EXISTS (
            SELECT 1 FROM generate_series(xmax, own - 1) AS g
            WHERE mod(g, 4294967296) NOT IN (SELECT xid32 FROM elsewhere)) THEN own + 1
        ELSE xmax END
    FROM bound
"""


def audit_target(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def audit_record(
    *, actor: Actor, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Record who did what to which object. Call it inside the service's transaction.

    The entry is written pending and chained after its transaction commits
    (``audit_chain_extend``). ``data`` must hold no personal data: the log can never be
    edited, not even to honour an erasure request.
    """
    actor_id = actor.pk  # None for SYSTEM: the platform is no person
    # What the caller gets back is what is stored (JSON types only); the hasher hashes the
    # stored form, read back as ``audit verify`` will read it.
    clean = json.loads(json.dumps(data or {}))
    return AuditEvent.objects.create(actor_id=actor_id, action=action,
                                     target=audit_target(target), data=clean,
                                     created_at=timezone.now())


@dataclass(frozen=True)
class ChainExtension:
    """What one ``audit_chain_extend`` did: ``chained`` entries, the head it left, and the
    pending entries still ``waiting`` (committed after it started, or behind a transaction
    still in progress)."""

    chained: int
    head_sequence: int
    head_hash: str
    waiting: int


def _locked_head() -> AuditChainHead | None:
    """The chain head, row-locked until the caller's transaction ends: hashers queue on it.

    Created on first use, when nothing is chained yet (a flushed database has no row); ``None``
    while there is nothing to chain either. Refuses to chain onto a head that is missing or
    does not name the last chained entry: extending a tampered chain would bury the evidence
    (``audit verify`` says what is wrong).
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.filter(sequence__isnull=False).exists():
            raise ChainBroken("the chain head is missing: the log cannot prove nothing was "
                              "removed from its end", sequence=None)
        if not AuditEvent.objects.filter(entry_hash__isnull=True).exists():
            return None
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    if head.sequence:
        last = AuditEvent.objects.filter(sequence=head.sequence).values_list(
            "entry_hash", flat=True).first()
        if last != head.entry_hash:
            raise ChainBroken(f"the chain head (entry {head.sequence}) does not match the "
                              "entry it names", sequence=head.sequence)
    return head


def _chainable_bound() -> models.Q:
    """Which pending entries this extension may chain (see the module's docstring). Fixed at
    the start, so one call ends even while writers keep adding entries."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # pg_stat_activity is read once per transaction and kept: read it afresh.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(_PG_FRONTIER)
            frontier = cursor.fetchone()[0]
        return models.Q(txid__isnull=True) | models.Q(txid__lt=frontier)
    last = AuditEvent.objects.filter(entry_hash__isnull=True).order_by("-id").values_list(
        "id", flat=True).first()
    return models.Q(id__lte=last or 0)


def _chain_batch(bound: models.Q) -> tuple[int, AuditChainHead]:
    with transaction.atomic():
        head = _locked_head()
        if head is None:
            return 0, AuditChainHead(sequence=0, entry_hash=GENESIS_HASH)
        rows = list(AuditEvent.objects.filter(bound, entry_hash__isnull=True)
                    .order_by("txid", "id")[:BATCH])
        sequence, previous = head.sequence, head.entry_hash
        links: list[tuple[int, int, str, str]] = []
        for row in rows:
            sequence += 1
            digest = entry_hash(sequence=sequence, created_at=row.created_at,
                                actor_id=row.actor_id, action=row.action, target=row.target,
                                data=row.data, previous_hash=previous)
            links.append((row.pk, sequence, previous, digest))
            previous = digest
        if not links:
            return 0, head
        with connection.cursor() as cursor:
            # The one UPDATE the append-only triggers allow: empty chain fields filled.
            if connection.vendor == "postgresql":
                ids, sequences, previous_hashes, digests = map(list, zip(*links, strict=True))
                cursor.execute(
                    "UPDATE audit_auditevent AS e SET sequence = v.sequence, "
                    "previous_hash = v.previous_hash, entry_hash = v.entry_hash "
                    "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
                    "AS v(id, sequence, previous_hash, entry_hash) "
                    "WHERE e.id = v.id AND e.entry_hash IS NULL",
                    [ids, sequences, previous_hashes, digests])
            else:
                cursor.executemany(
                    "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, "
                    "entry_hash = %s WHERE id = %s AND entry_hash IS NULL",
                    [(s, p, d, i) for i, s, p, d in links])
            updated = cursor.rowcount  # executemany: the sum over its statements
        if updated != len(links):
            raise ChainBroken("entries changed while being chained", sequence=head.sequence + 1)
        head.sequence, head.entry_hash = sequence, previous
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=previous)
    return len(links), head


def audit_chain_extend() -> ChainExtension:
    """Chain the committed pending entries (the background hasher's one job).

    Run by ``microcred sweep``, by ``microcred audit extend [--every SECONDS]``, and by
    ``audit_chain_verify`` before it checks. Safe to run from several processes at once (they
    queue on the head) and to stop at any point: each batch commits whole, and the next call
    resumes from the head. Raises ``ChainBroken`` rather than extend a chain whose head no
    longer matches its end.
    """
    bound = _chainable_bound()
    chained = 0
    while True:
        count, head = _chain_batch(bound)
        chained += count
        if count < BATCH:
            break
    waiting = AuditEvent.objects.filter(entry_hash__isnull=True).count()
    return ChainExtension(chained=chained, head_sequence=head.sequence,
                          head_hash=head.entry_hash, waiting=waiting)


def audit_chain_verify() -> ChainReport:
    """Chain what is committed, then recompute the whole chain; raises ``ChainBroken`` naming
    the first bad entry. Entries still pending (committed after the extension, or behind a
    transaction in progress) are counted in the report, not checked: nothing covers them yet.
    """
    try:
        audit_chain_extend()
    except ChainBroken:
        refused = True  # the check below says precisely what is wrong
    else:
        refused = False
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for the head and every entry, so concurrent appends between the two
            # reads do not look like a broken chain.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = AuditChainHead.objects.filter(pk=1).first()
        unchained = AuditEvent.objects.filter(sequence__isnull=True)
        half = unchained.exclude(entry_hash__isnull=True, previous_hash__isnull=True).first()
        if half is not None:
            raise ChainBroken(f"entry id {half.pk} is half-chained: it has a hash but no "
                              "sequence number", sequence=None)
        pending = unchained.count()
        # Chained rows only, so every sequence is set: the rows are chain entries.
        entries = cast("Generator[ChainEntry, None, None]", AuditEvent.objects.filter(
            sequence__isnull=False).order_by("sequence").iterator(chunk_size=2000))
        try:
            report = verify_chain(entries, genesis=GENESIS_HASH,
                                  head_sequence=head.sequence if head else None,
                                  head_hash=head.entry_hash if head else None, pending=pending)
        finally:
            # Close PostgreSQL's server-side cursor now, inside the transaction: closed later
            # by the garbage collector, after a rollback, it would abort the caller's one.
            entries.close()
    if refused:
        audit_chain_extend()  # the chain checks out now (it changed meanwhile): say why not
    return report
