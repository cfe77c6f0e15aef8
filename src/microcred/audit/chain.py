"""The audit log's hash chain: the canonical form of an entry, and checking a whole chain.

``entry_hash = SHA-256(JCS(entry))`` where JCS is the JSON Canonicalization Scheme (RFC 8785)
and the entry is its sequence number, timestamp (ISO 8601, UTC, microseconds), actor id,
action, target type and id, data and the previous entry's hash. Any edit, deletion, insertion
or reordering changes a hash or breaks a link; entries removed from the end are caught by the
chain head (``AuditChainHead``).

Entries are chained after their transaction commits (``audit.services.audit_chain_extend``):
until then they are *pending*, which a report counts apart and which is not a break.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import rfc8785

from microcred.errors import MicrocredError

__all__ = ["ChainBroken", "ChainReport", "entry_hash", "timestamp_text", "verify_chain"]


class ChainBroken(MicrocredError):
    """The first entry at which the chain no longer holds."""

    code = "audit_chain_broken"
    http_status = 500

    def __init__(self, message: str, *, sequence: int | None) -> None:
        super().__init__(message)
        self.sequence = sequence


@dataclass(frozen=True)
class ChainReport:
    """``entries`` chained and checked, ending at ``head_sequence``/``head_hash``; ``pending``
    committed entries the hasher has not chained yet (not checked: nothing covers them)."""

    entries: int
    head_sequence: int
    head_hash: str
    pending: int = 0


class ChainEntry(Protocol):
    sequence: int
    actor_id: int | None
    action: str
    target: str
    data: Any
    created_at: datetime
    previous_hash: str | None
    entry_hash: str | None


def timestamp_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(*, sequence: int, created_at: datetime, actor_id: int | None, action: str,
               target: str, data: Any, previous_hash: str) -> str:
    target_type, _sep, target_id = target.rpartition(":")
    document = {
        "sequence": sequence,
        "timestamp": timestamp_text(created_at),
        "actor": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "data": data,
        "previous_hash": previous_hash,
    }
    return hashlib.sha256(rfc8785.dumps(document)).hexdigest()


def verify_chain(entries: Iterable[ChainEntry], *, genesis: str, head_sequence: int | None,
                 head_hash: str | None, pending: int = 0) -> ChainReport:
    """Recompute every link, in sequence order; raise ``ChainBroken`` at the first bad one.

    ``entries`` are the chained entries only; ``head_sequence``/``head_hash`` come from the
    chain head row (``None``: no head row); ``pending`` is passed through to the report.
    """
    expected, previous, count = 1, genesis, 0
    for entry in entries:
        if entry.sequence != expected:
            raise ChainBroken(
                f"entry {expected} is missing (the next entry is {entry.sequence}): "
                "entries were deleted", sequence=expected)
        if entry.previous_hash is None or entry.entry_hash is None:
            raise ChainBroken(f"entry {entry.sequence} is half-chained: its hash fields were "
                              "emptied", sequence=entry.sequence)
        computed = entry_hash(
            sequence=entry.sequence, created_at=entry.created_at, actor_id=entry.actor_id,
            action=entry.action, target=entry.target, data=entry.data,
            previous_hash=entry.previous_hash)
        if computed != entry.entry_hash:
            raise ChainBroken(f"entry {entry.sequence} was altered: its content does not match "
                              "its hash", sequence=entry.sequence)
        if entry.previous_hash != previous:
            raise ChainBroken(
                f"entry {entry.sequence} does not follow entry {entry.sequence - 1}: entries "
                "were inserted, replaced or reordered", sequence=entry.sequence)
        previous = entry.entry_hash
        expected += 1
        count += 1
    last = expected - 1
    if head_sequence is None:
        if count:
            raise ChainBroken("the chain head is missing: the log cannot prove nothing was "
                              "removed from its end", sequence=None)
        return ChainReport(entries=0, head_sequence=0, head_hash=genesis, pending=pending)
    if head_sequence > last:
        raise ChainBroken(f"entries {last + 1} to {head_sequence} are missing: the end of the "
                          "log was deleted", sequence=last + 1)
    if head_sequence < last or head_hash != previous:
        raise ChainBroken(f"the chain head (entry {head_sequence}) does not match the last "
                          f"entry ({last})", sequence=last)
    return ChainReport(entries=count, head_sequence=last, head_hash=previous, pending=pending)
