"""Who assesses a micro-credential: its pool of the organization's assessors, and its leads
(who adjudicate disagreements)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import Actor
from microcred.assessment.models import PoolMember
from microcred.assessment.services.policy import require_admin
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential
from microcred.errors import InvalidState, NotFound, ValidationFailed
from microcred.orgs.models import Role
from microcred.orgs.selectors import user_has_role

__all__ = ["pool_configured", "pool_member_add", "pool_member_set_lead"]


def pool_configured(*, micro_credential: MicroCredential) -> bool:
    return PoolMember.objects.filter(micro_credential=micro_credential).exists()


def pool_member_add(
    *, actor: Actor, micro_credential: MicroCredential, assessor: User, is_lead: bool = False
) -> PoolMember:
    """Put an assessor of the organization in a micro-credential's pool.

    With calibration anchors they start calibrating and qualify by agreeing with the anchors;
    a micro-credential without anchors has nothing to calibrate against, so the admin's
    decision qualifies them directly (recorded in the audit row).
    """
    org = micro_credential.organization
    require_admin(actor, org)
    if not user_has_role(user=assessor, organization=org, role=Role.ASSESSOR):
        raise ValidationFailed(_("%(who)s is not an assessor of %(org)s.")
                               % {"who": assessor.display_name, "org": org.name},
                               code="not_an_assessor")
    with transaction.atomic():
        member, created = PoolMember.objects.select_for_update().get_or_create(
            micro_credential=micro_credential, assessor=assessor)
        if created:
            if not micro_credential.calibration_anchors.exists():
                member.status = PoolMember.Status.QUALIFIED
                member.qualified_at = timezone.now()
            audit_record(actor=actor, action="pool.member_added", target=member,
                         data={"status": member.status})
        if is_lead and member.status == PoolMember.Status.QUALIFIED:
            member.is_lead = True
        member.save()
    return member


def pool_member_set_lead(*, actor: Actor, member_id: int, is_lead: bool) -> PoolMember:
    with transaction.atomic():
        member = PoolMember.objects.select_for_update().select_related(
            "micro_credential__organization").filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("No such pool member."))
        require_admin(actor, member.micro_credential.organization)
        if is_lead and member.status != PoolMember.Status.QUALIFIED:
            raise InvalidState(_("Only a qualified assessor can lead."), code="not_qualified")
        member.is_lead = is_lead
        member.save(update_fields=["is_lead"])
        audit_record(actor=actor, action="pool.lead_set", target=member,
                     data={"is_lead": is_lead})
    return member
