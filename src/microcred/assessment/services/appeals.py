"""Appeals: a learner appeals a Not Yet, once per attempt; a different assessor reviews it and
that decision stands (``scoring`` finalizes it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.models import Appeal, ReviewKind
from microcred.assessment.services.assignment import attempt_locked, review_request_open
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.earning.workflow import attempt_transition
from microcred.errors import InvalidState, NotAllowed, ValidationFailed

__all__ = ["appeal_create"]


def appeal_create(*, learner: User, attempt_id: int, reason: str) -> Appeal:
    """Appeal a Not Yet, once per attempt; a different assessor reviews it and that stands."""
    if not reason.strip():
        raise ValidationFailed(_("Say why you are appealing."),
                               problems={"reason": _("Say why you are appealing.")})
    with transaction.atomic():
        attempt = attempt_locked(attempt_id)
        if attempt.learner_id != learner.pk:
            raise NotAllowed(_("This is not your attempt."))
        if Appeal.objects.filter(attempt=attempt).exists():
            raise InvalidState(_("You have already appealed this decision."),
                               code="already_appealed")
        if attempt.status != Attempt.Status.NOT_YET:
            raise InvalidState(_("Only a Not Yet can be appealed."), code="not_appealable")
        if Attempt.objects.filter(learner=learner, micro_credential=attempt.micro_credential,
                                  number__gt=attempt.number).exists():
            raise InvalidState(_("You have already started a new attempt."),
                               code="not_appealable")
        appeal = Appeal.objects.create(attempt=attempt, reason=reason.strip())
        attempt_transition(attempt=attempt, to=Attempt.Status.IN_REVIEW, actor=learner,
                           data={"appeal": appeal.pk})
        audit_record(actor=learner, action="appeal.created", target=appeal)
        review_request_open(attempt=attempt, kind=ReviewKind.APPEAL, actor=SYSTEM)
    return appeal
