"""An organization's assessment rules: who may change them, and the decision deadline they set.

Reading the rules writes nothing (``selectors.policy_get`` gives the defaults, unsaved, to an
organization that never changed them); the row is created when an administrator saves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.actors import Actor
from microcred.assessment.deadlines import add_business_days
from microcred.assessment.models import AssessmentPolicy
from microcred.assessment.selectors import policy_get
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.errors import ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import require_role

__all__ = ["decision_due_at", "policy_for", "policy_update", "require_admin"]

_FIELDS = frozenset({"moderation_rate", "calibration_threshold", "decision_business_days",
                     "claim_hours", "reminder_business_days"})


def require_admin(actor: Actor, organization: Organization) -> None:
    require_role(actor, organization, Role.ADMIN,
                 message=_("Only administrators of %(org)s can do this.")
                 % {"org": organization.name})


def policy_for(*, organization: Organization) -> AssessmentPolicy:
    """The organization's policy row, created with the defaults if it has none: for the write
    path only (reads use ``selectors.policy_get``)."""
    policy, _created = AssessmentPolicy.objects.get_or_create(organization=organization)
    return policy


def policy_update(*, actor: Actor, organization: Organization, **values: Any) -> AssessmentPolicy:
    require_admin(actor, organization)
    with transaction.atomic():
        policy = policy_for(organization=organization)
        for key, value in values.items():
            if key not in _FIELDS:
                raise ValidationFailed(_("Unknown policy field %(f)s.") % {"f": key})
            setattr(policy, key, value)
        policy.save()
        audit_record(actor=actor, action="assessment_policy.updated", target=policy,
                     data={k: str(v) for k, v in values.items()})
    return policy


def decision_due_at(*, attempt: Attempt, submitted_at: datetime) -> datetime:
    policy = policy_get(organization=attempt.micro_credential.organization)
    return add_business_days(submitted_at, policy.decision_business_days)
