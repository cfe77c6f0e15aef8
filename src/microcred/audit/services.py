from __future__ import annotations

from typing import Any

from django.db import models

from microcred.audit.models import AuditEvent


def audit_target(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def audit_record(
    *, actor: Any | None, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Record who did what to which object. Call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target=audit_target(target),
        data=data or {},
    )
