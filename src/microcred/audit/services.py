"""Writing the audit log and chaining it.

Writers (``audit_record``) only INSERT their entry, pending, inside their own transaction: no
shared row, no lock, so audited transactions commit as concurrently as any other. The hasher
(``audit_chain_extend``) then chains committed entries under the one chain-head lock, which
only hashers take. Its order must never be overtaken by an entry that commits later:

- PostgreSQL: ids and transaction ids are handed out before commit, so a lower one can commit
  after a higher one. Each row carries its transaction's id (``txid``, stamped by a trigger);
  the hasher chains in (``txid``, ``id``) order and only rows whose ``txid`` is below the
  *frontier*: the oldest transaction of this database still in progress when the hasher
  looks (``_pg_frontier``). Every transaction below the frontier has ended, so no row that
  would sort before a chained one can ever appear. Transactions of other databases on the same
  server never hold it back when the role may see other sessions (``pg_read_all_stats``); when
  it may not, the oldest transaction of the whole server does, which delays chaining but never
  misorders it.
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

# The frontier (see the module's docstring). First a snapshot: ``xmax`` (every transaction
# below it that is not in progress has ended) and this transaction's own id, if it has one.
# Then, in a later statement, the transactions in progress in sessions of *this* database
# (pg_stat_activity's ``backend_xid``: a session's top-level id, below the ids of its
# subtransactions). Any transaction in progress at the snapshot is either still in progress
# then, and listed, or has ended. The frontier is the lowest listed id, capped by ``xmax``, or
# just past this transaction's own id when that is higher (a test, or a caller's atomic block,
# may chain its own entries). Other databases' transactions never hold it back. A role that may
# not see other sessions' ids (without ``pg_read_all_stats``) falls back on the snapshot's
# ``xmin``, the oldest transaction of the whole server: slower to chain, never out of order.
_PG_SNAPSHOT = """
    SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint,
           pg_current_xact_id_if_assigned()::text::bigint,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')
    FROM (SELECT pg_current_snapshot() AS s) AS snap
"""
_PG_IN_PROGRESS_HERE = """
    SELECT backend_xid::text::bigint FROM pg_stat_activity
    WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
"""
_XID_SPACE = 1 << 32


def _full_xid(xid32: int, near: int) -> int:
    """The 64-bit transaction id whose low 32 bits are ``xid32``, nearest to ``near``."""
    candidate = near - near % _XID_SPACE + xid32
    if candidate - near > _XID_SPACE // 2:
        return candidate - _XID_SPACE
    if near - candidate > _XID_SPACE // 2:
        return candidate + _XID_SPACE
    return candidate


def _pg_frontier() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_PG_SNAPSHOT)
        xmin, xmax, own, sees_all = cursor.fetchone()
        if not sees_all:
            return int(xmin)
        # pg_stat_activity is read once per transaction and kept: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_PG_IN_PROGRESS_HERE)
        others = [_full_xid(int(xid), xmax) for (xid,) in cursor.fetchall()]
    limit = max(int(xmax), int(own) + 1) if own is not None else int(xmax)
    return min([limit, *others])


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
        frontier = _pg_frontier()
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
