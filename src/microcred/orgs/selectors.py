from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.actors import Actor, System
from microcred.errors import NotAllowed
from microcred.orgs.models import Organization, Role


def organizations_where(*, user: Any, role: Role | str) -> QuerySet[Organization]:
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=role).distinct()


def has_role(user: Any, organization: Organization, *roles: Role | str) -> bool:
    """Whether ``user`` (a person, or an anonymous visitor) holds any of ``roles`` in
    ``organization`` (one query). The platform itself holds none: it is let through by
    ``require_role``, never by this."""
    if not roles:
        raise ValueError("name at least one role")
    if not getattr(user, "is_authenticated", False):
        return False
    return organization.memberships.filter(user=user, role__in=list(roles)).exists()


def require_role(actor: Actor, organization: Organization, *roles: Role | str,
                 message: str = "") -> None:
    """Raise ``NotAllowed`` unless ``actor`` holds one of ``roles`` in ``organization``.

    ``SYSTEM`` passes: the platform acting on its own (the command line, the demo loader, the
    worker) was chosen by whoever wrote that call. ``message`` says what was refused; by
    default it names the organization and the roles that may.
    """
    if isinstance(actor, System):
        return
    if has_role(actor, organization, *roles):
        return
    if not message:
        names = ", ".join(str(Role(role).label).lower() for role in roles)
        message = _("Only people with one of these roles in %(org)s can do this: %(roles)s.") % {
            "org": organization.name, "roles": names}
    raise NotAllowed(message)


def user_has_role(*, user: Any, organization: Organization, role: Role | str) -> bool:
    return has_role(user, organization, role)


def user_may_author(*, user: Any, organization: Organization) -> bool:
    """Authors write an organization's micro-credentials and stacks; its administrators may too
    (one query)."""
    return has_role(user, organization, Role.AUTHOR, Role.ADMIN)
