from __future__ import annotations

from microcred.audit.models import AuditEvent

__all__ = ["audit_latest"]


def audit_latest(*, limit: int) -> list[AuditEvent]:
    """The last ``limit`` entries written, oldest first, pending ones included."""
    return list(reversed(AuditEvent.objects.order_by("-id")[:limit]))
