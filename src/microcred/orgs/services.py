from __future__ import annotations

from typing import Any

from django.db import transaction

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.orgs.models import Membership, Organization, Role


def organization_create(
    *, actor: Actor, name: str, slug: str, url: str = "", description: str = ""
) -> Organization:
    with transaction.atomic():
        org = Organization.objects.create(name=name, slug=slug, url=url, description=description)
        audit_record(actor=actor, action="organization.created", target=org)
    return org


def membership_grant(
    *, actor: Actor, organization: Organization, user: Any, role: Role | str
) -> Membership:
    """Give ``user`` a role; granting a role they already hold changes nothing."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, role=Role(role)
        )
        if created:
            audit_record(
                actor=actor,
                action="membership.granted",
                target=membership,
                data={"user": user.pk, "role": str(role)},
            )
    return membership
