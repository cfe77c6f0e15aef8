from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed

__all__ = ["profile_update"]


def profile_update(*, actor: User, data: dict[str, Any]) -> Any:
    """PUT /profile: the person's name is the only field they hold here."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(_("A profile needs a name."), problems={"name": _("Required.")})
    with transaction.atomic():
        actor.display_name = name.strip()[:150]
        actor.save(update_fields=["display_name"])
        audit_record(actor=actor, action="profile.updated", target=actor,
                     data={"fields": ["name"]})  # never the name: the log is permanent
    return actor
