"""Scoring and what follows it: the decision by the micro-credential's rule, moderation of a
share of decisions, adjudication of a disagreement by a lead, and the final decision (which,
on a Pass, tells the apps above through ``assessment.signals.attempt_passed``); and work
returned to the learner unscored because something is missing.

Every function that changes an attempt locks its row first (``assignment.attempt_locked``);
the per-kind unique constraint on ``Assessment`` makes a double click harmless.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import SYSTEM, Actor
from microcred.assessment.models import (
    Appeal,
    Assessment,
    Assignment,
    CriterionScore,
    Outcome,
    PoolMember,
    ReviewKind,
    ReviewRequest,
)
from microcred.assessment.selectors import policy_get
from microcred.assessment.services.assignment import (
    AlreadyClaimed,
    assignment_claim,
    assignment_end,
    attempt_locked,
    review_request_open,
)
from microcred.assessment.signals import attempt_passed
from microcred.audit.services import audit_record
from microcred.catalog.models import RubricCriterion
from microcred.earning.models import Attempt
from microcred.earning.workflow import attempt_transition
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.notifications.services import in_language_of, notify
from microcred.orgs.models import Role
from microcred.orgs.selectors import user_has_role

__all__ = ["AlreadyAssessed", "ScoreInput", "assessment_record", "attempt_return_incomplete"]


@dataclass(frozen=True)
class ScoreInput:
    outcome: str
    feedback: str = ""


class AlreadyAssessed(InvalidState):
    code = "already_assessed"


def _validate_scores(criteria: list[RubricCriterion], scores: Mapping[int, ScoreInput]) -> None:
    problems: dict[str, str] = {}
    for criterion in criteria:
        score = scores.get(criterion.pk)
        key = f"criterion_{criterion.pk}"
        if score is None or score.outcome not in Outcome.values:
            problems[f"{key}_outcome"] = _("Choose Pass or Not Yet for “%(name)s”.") % {
                "name": criterion.name}
        elif score.outcome == Outcome.NOT_YET and not score.feedback.strip():
            problems[f"{key}_feedback"] = _(
                "Explain what is missing for “%(name)s”: feedback is required for Not Yet."
            ) % {"name": criterion.name}
    if problems:
        raise ValidationFailed(" ".join(problems.values()), problems=problems)


def _moderation_due(attempt: Attempt, assessor: User) -> bool:
    """Every first decision of a newly qualified assessor, and a steady share of the rest:
    decision n of the micro-credential is moderated when floor(n*rate) steps up, so exactly
    ``rate`` of each micro-credential's decisions are, spread evenly, and the choice never
    depends on the outcome."""
    mc = attempt.micro_credential
    member = PoolMember.objects.select_for_update().filter(micro_credential=mc,
                                                           assessor=assessor).first()
    if member is not None and member.needs_first_moderation:
        member.needs_first_moderation = False
        member.save(update_fields=["needs_first_moderation"])
        return True
    rate = float(policy_get(organization=mc.organization).moderation_rate)
    n = Assessment.objects.filter(kind=ReviewKind.PRIMARY, attempt__micro_credential=mc).count()
    return math.floor(n * rate + 1e-9) > math.floor((n - 1) * rate + 1e-9)


def _finalize(attempt: Attempt, decision: Assessment, actor: Actor) -> None:
    passed = decision.outcome == Outcome.PASS
    attempt_transition(attempt=attempt,
                       to=Attempt.Status.PASSED if passed else Attempt.Status.NOT_YET,
                       actor=actor, data={"assessment": decision.pk, "kind": decision.kind})
    if passed:
        attempt_passed.send(sender=Attempt, attempt=attempt, actor=actor)
    url = reverse("learner:attempt", kwargs={"public_id": attempt.public_id})
    with in_language_of(attempt.learner):
        notify(user=attempt.learner, kind=f"decision.{decision.outcome}",
               subject=(_("Pass: %(mc)s") if passed else _("Not Yet: %(mc)s"))
               % {"mc": attempt.micro_credential.title},
               body=_("Your assessor's feedback is on the attempt page.") if not passed else
               _("Congratulations. Your credential is being issued."), url=url)


def assessment_record(
    *,
    assessor: User,
    attempt_id: int,
    scores: Mapping[int, ScoreInput],
    summary: str = "",
    note_to_lead: str = "",
) -> Assessment:
    """Score every criterion for the review the assessor holds and route the result.

    Overall outcome by the micro-credential's rule (by default every criterion Pass). A
    primary decision may be sampled for moderation (the attempt stays in review until a second
    assessor scores it independently); a disagreement goes to a lead assessor, whose
    adjudication stands; an appeal review stands. An assessor scoring from the pool without a
    claim claims in the same transaction. The row lock plus the per-kind unique constraint make
    a double click harmless.
    """
    with transaction.atomic():
        attempt = attempt_locked(attempt_id)
        mc = attempt.micro_credential
        if not user_has_role(user=assessor, organization=mc.organization, role=Role.ASSESSOR):
            raise NotAllowed(_("Only assessors of %(org)s can score this submission.")
                             % {"org": mc.organization.name})
        if attempt.learner_id == assessor.pk:
            raise NotAllowed(_("You cannot assess your own submission."), code="own_submission")
        if attempt.status == Attempt.Status.WITHDRAWN:
            raise InvalidState(_("The learner withdrew this submission."), code="withdrawn")
        assignment = Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                               status=Assignment.Status.ACTIVE).first()
        if assignment is None:
            if attempt.status in Attempt.DECIDED_STATUSES or (
                    attempt.status == Attempt.Status.IN_REVIEW
                    and Assessment.objects.filter(attempt=attempt, assessor=assessor).exists()):
                raise AlreadyAssessed(_("This submission has already been assessed."))
            if attempt.status not in (Attempt.Status.SUBMITTED, Attempt.Status.IN_REVIEW):
                raise InvalidState(_("Only submitted work can be assessed."),
                                   code="not_submitted")
            try:
                assignment = assignment_claim(assessor=assessor, attempt_id=attempt.pk)
            except AlreadyClaimed:
                raise AlreadyClaimed(
                    _("Another assessor holds this submission.")) from None
            attempt.refresh_from_db()
        kind = assignment.kind
        if Assessment.objects.filter(attempt=attempt, kind=kind).exists():
            raise AlreadyAssessed(_("This submission has already been assessed."))
        criteria = list(mc.criteria.all())
        _validate_scores(criteria, scores)
        passed = mc.passes({c.pk: scores[c.pk].outcome for c in criteria})
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    attempt=attempt, kind=kind, assessor=assessor,
                    outcome=Outcome.PASS if passed else Outcome.NOT_YET,
                    summary=summary.strip(), note_to_lead=note_to_lead.strip())
        except IntegrityError:
            raise AlreadyAssessed(_("This submission has already been assessed.")) from None
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=assessment, criterion=c, outcome=scores[c.pk].outcome,
                           feedback=scores[c.pk].feedback.strip())
            for c in criteria)
        assignment_end(assignment, Assignment.Status.COMPLETED, assessor)
        ReviewRequest.objects.filter(attempt=attempt, kind=kind, closed_at__isnull=True).update(
            closed_at=timezone.now())
        audit_record(actor=assessor, action="assessment.recorded", target=assessment,
                     data={"attempt": attempt.pk, "outcome": assessment.outcome, "kind": kind})
        _route(attempt, assessment, assessor)
    return assessment


def _route(attempt: Attempt, assessment: Assessment, actor: User) -> None:
    kind = assessment.kind
    if kind == ReviewKind.PRIMARY:
        if _moderation_due(attempt, actor):
            audit_record(actor=SYSTEM, action="moderation.sampled", target=attempt,
                         data={"assessment": assessment.pk})
            review_request_open(attempt=attempt, kind=ReviewKind.MODERATION, actor=SYSTEM)
        else:
            _finalize(attempt, assessment, actor)
    elif kind == ReviewKind.MODERATION:
        primary = Assessment.objects.get(attempt=attempt, kind=ReviewKind.PRIMARY)
        agreed = primary.outcome == assessment.outcome
        audit_record(actor=actor, action="moderation.compared", target=attempt,
                     data={"agreed": agreed, "primary": primary.pk, "moderation": assessment.pk})
        if agreed:
            _finalize(attempt, primary, actor)
        else:
            review_request_open(attempt=attempt, kind=ReviewKind.ADJUDICATION, actor=SYSTEM)
    elif kind == ReviewKind.ADJUDICATION:
        _finalize(attempt, assessment, actor)
    elif kind == ReviewKind.APPEAL:
        Appeal.objects.filter(attempt=attempt).update(decided_at=timezone.now())
        _finalize(attempt, assessment, actor)


def attempt_return_incomplete(*, assessor: User, attempt_id: int, reason: str) -> Attempt:
    """Send work back without scoring it because something is missing or unreadable; the
    learner fixes it in the same attempt (it does not count as a Not Yet)."""
    if not reason.strip():
        raise ValidationFailed(_("Say what is missing or unreadable."),
                               problems={"reason": _("Say what is missing or unreadable.")})
    with transaction.atomic():
        attempt = attempt_locked(attempt_id)
        assignment = Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                               kind=ReviewKind.PRIMARY,
                                               status=Assignment.Status.ACTIVE).first()
        if assignment is None:
            raise InvalidState(_("Only the assessor holding this submission can return it."),
                               code="not_assigned")
        assignment_end(assignment, Assignment.Status.CANCELLED, assessor, reason="returned")
        ReviewRequest.objects.filter(attempt=attempt, closed_at__isnull=True).update(
            closed_at=timezone.now())
        attempt_transition(attempt=attempt, to=Attempt.Status.RETURNED, actor=assessor,
                           reason=reason.strip())
        with in_language_of(attempt.learner):
            notify(user=attempt.learner, kind="attempt.returned",
                   subject=_("Your submission was returned: %(mc)s")
                   % {"mc": attempt.micro_credential.title},
                   body=reason.strip(),
                   url=reverse("learner:attempt", kwargs={"public_id": attempt.public_id}))
    return attempt
