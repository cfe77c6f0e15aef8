from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from microcred.orgs.models import Organization, Role


def organizations_where(*, user: Any, role: Role | str) -> QuerySet[Organization]:
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=role).distinct()


def user_has_role(*, user: Any, organization: Organization, role: Role | str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return organization.memberships.filter(user=user, role=role).exists()


def user_may_author(*, user: Any, organization: Organization) -> bool:
    """Authors write an organization's micro-credentials and stacks; its administrators may too
    (one query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return organization.memberships.filter(user=user,
                                           role__in=[Role.AUTHOR, Role.ADMIN]).exists()
