"""The audit log: append-only and hash-chained.

Each entry names its actor by user id only (a foreign key *without* a database constraint and
with ``DO_NOTHING``), so deleting or anonymizing an account never needs to touch the log: a
``SET NULL`` would be an UPDATE, which the log refuses. The id is pseudonymous once the account
is anonymized (``accounts.services.account_delete``). ``data`` must never carry personal data
(names, emails, free text about a person), because an entry can never be erased.

Rows are refused UPDATE and DELETE three times over: ``save()`` on an existing row and
``delete()`` raise, the manager's queryset refuses ``update()``/``delete()``, and a database
trigger (``microcred.audit.db_guards``) raises on UPDATE, DELETE and TRUNCATE.
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
    ``previous_hash`` (``microcred.audit.chain``); ``sequence`` counts 1, 2, 3... with no gap.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=128)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target"]), models.Index(fields=["action"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly()


class AuditChainHead(models.Model):
    """The single row (pk 1) naming the last entry: the lock writers queue on, and the witness
    that lets ``audit verify`` notice entries removed from the end of the log."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
