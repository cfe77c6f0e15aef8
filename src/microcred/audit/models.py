"""The audit log: append-only and hash-chained, chained after commit.

Each entry names its actor by user id only (a foreign key *without* a database constraint and
with ``DO_NOTHING``), so deleting or anonymizing an account never needs to touch the log: a
``SET NULL`` would be an UPDATE, which the log refuses. The id is pseudonymous once the account
is anonymized (``accounts.services.account_delete``). ``data`` must never carry personal data
(names, emails, free text about a person), because an entry can never be erased.

A writer inserts its entry with the chain fields empty (``sequence``, ``previous_hash``,
``entry_hash``: *pending*), inside its own transaction and without any shared lock; the hasher
(``microcred.audit.services.audit_chain_extend``) fills them in later, once, in a commit-safe
order. Rows are refused every other UPDATE and every DELETE three times over: ``save()`` on an
existing row and ``delete()`` raise, the manager's queryset refuses ``update()``/``delete()``,
and database triggers (``microcred.audit.db_guards``) raise on DELETE, TRUNCATE and any UPDATE
but the one that fills a pending entry's empty chain fields.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from microcred.errors import MicrocredError

__all__ = ["AuditChainHead", "AuditEvent", "AuditLogAppendOnly", "GENESIS_HASH"]

# The ``previous_hash`` of the first entry.
GENESIS_HASH = "0" * 64


class AuditLogAppendOnly(MicrocredError):
    code = "audit_append_only"
    http_status = 500

    def __init__(self, message: str = "audit log is append-only") -> None:
        super().__init__(message)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogAppendOnly()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly()

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEvent(models.Model):
    """One row per state change, written by the service in the same transaction.

    ``target`` is "<app_label>.<model>:<pk>" so any object can be named without a generic FK.
    ``entry_hash`` is SHA-256 over the RFC 8785 (JCS) serialization of the entry with
    ``previous_hash`` (``microcred.audit.chain``); ``sequence`` counts 1, 2, 3... with no gap,
    in the order the hasher chains entries. All three are empty until then (``pending``).

    ``txid`` (PostgreSQL only) is the writing transaction's id, stamped by a database trigger
    (``pg_current_xact_id()``): the hasher chains in (``txid``, ``id``) order, and only entries
    before which no transaction still in progress could add one.
    """

    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=128)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    # NULL, not "": the trigger allows filling an empty (NULL) chain field once, nothing else.
    previous_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    txid = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # Write order; the chain's order is ``sequence`` (within a few entries of this one).
        ordering = ["id"]
        indexes = [
            models.Index(fields=["target"]),
            models.Index(fields=["action"]),
            # The hasher's work list: only pending entries, in the order it chains them.
            models.Index(fields=["txid", "id"], condition=models.Q(entry_hash__isnull=True),
                         name="audit_pending"),
        ]
        constraints = [
            # Chained or pending, never half-chained.
            models.CheckConstraint(
                condition=models.Q(sequence__isnull=True, previous_hash__isnull=True,
                                   entry_hash__isnull=True)
                | models.Q(sequence__isnull=False, previous_hash__isnull=False,
                           entry_hash__isnull=False),
                name="audit_chain_fields_together"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence or 'pending'} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly()

    @property
    def pending(self) -> bool:
        """Committed (or being written) but not yet chained by the hasher."""
        return self.entry_hash is None


class AuditChainHead(models.Model):
    """The single row (pk 1) naming the last chained entry: the lock the hasher takes (writers
    never touch it), and the witness that lets ``audit verify`` notice entries removed from the
    end of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
