from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from microcred.actors import Actor
from microcred.audit.chain import ChainReport, entry_hash, verify_chain
from microcred.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

__all__ = ["audit_chain_verify", "audit_record", "audit_target"]


def audit_target(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _locked_head() -> AuditChainHead:
    """The chain head, row-locked until the caller's transaction ends.

    On PostgreSQL ``SELECT ... FOR UPDATE`` queues concurrent writers on this one row, so
    sequence numbers are handed out one at a time with no gap (a rolled-back transaction
    releases its number with the lock). SQLite serializes write transactions already.
    The row is created on first use (a flushed test database has none).
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "entry_hash").first()
    AuditChainHead.objects.get_or_create(
        pk=1, defaults={"sequence": last["sequence"], "entry_hash": last["entry_hash"]}
        if last else {})
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_record(
    *, actor: Actor, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Record who did what to which object. Call it inside the service's transaction.

    The entry is chained to the previous one (``microcred.audit.chain``). ``data`` must hold
    no personal data: the log can never be edited, not even to honour an erasure request.
    """
    actor_id = actor.pk  # None for SYSTEM: the platform is no person
    # Stored exactly as it will be read back, so the hash computed now is the one recomputed.
    clean = json.loads(json.dumps(data or {}))
    with transaction.atomic():
        head = _locked_head()
        sequence = head.sequence + 1
        created_at = timezone.now()
        target_text = audit_target(target)
        digest = entry_hash(sequence=sequence, created_at=created_at, actor_id=actor_id,
                            action=action, target=target_text, data=clean,
                            previous_hash=head.entry_hash)
        event = AuditEvent.objects.create(
            sequence=sequence, actor_id=actor_id, action=action, target=target_text, data=clean,
            created_at=created_at, previous_hash=head.entry_hash, entry_hash=digest)
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=digest)
    return event


def audit_chain_verify() -> ChainReport:
    """Recompute the whole chain; raises ``ChainBroken`` naming the first bad entry."""
    connection = transaction.get_connection()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for the head and every entry, so concurrent appends between the two
            # reads do not look like a broken chain.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = AuditChainHead.objects.filter(pk=1).first()
        entries = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
        try:
            return verify_chain(entries, genesis=GENESIS_HASH,
                                head_sequence=head.sequence if head else None,
                                head_hash=head.entry_hash if head else None)
        finally:
            # Close PostgreSQL's server-side cursor now, inside the transaction: closed later
            # by the garbage collector, after a rollback, it would abort the caller's one.
            entries.close()
