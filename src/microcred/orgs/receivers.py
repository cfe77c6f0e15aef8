"""Orgs answering what the apps below it ask about people's roles."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from microcred.accounts.models import User
from microcred.orgs.models import Membership


def roles_held(*, user: User, roles: Collection[str], **_: Any) -> bool:
    """``accounts.signals.roles_asked``: whether ``user`` holds any of ``roles`` in some
    organization."""
    return Membership.objects.filter(user=user, role__in=roles).exists()
