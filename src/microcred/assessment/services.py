from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.assessment.models import Assessment, CriterionScore, Outcome
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Role
from microcred.orgs.selectors import user_has_role


@dataclass(frozen=True)
class ScoreInput:
    outcome: str
    feedback: str = ""


class AlreadyAssessed(InvalidState):
    code = "already_assessed"


def assessment_record(
    *,
    assessor: Any,
    attempt_id: int,
    scores: Mapping[int, ScoreInput],
    summary: str = "",
) -> Assessment:
    """Score every rubric criterion of a submitted attempt and record the outcome.

    Pass on every criterion passes the attempt and enqueues issuance in the same transaction
    (so a crash cannot lose it); any Not Yet returns it to the learner with the feedback.
    The row lock on the attempt plus the one-to-one constraint make a double click harmless:
    the second call finds the attempt already assessed.
    """
    from microcred.issuance.services import credential_request_issue

    with transaction.atomic():
        try:
            attempt = (
                Attempt.objects.select_for_update()
                .select_related("micro_credential__organization")
                .get(pk=attempt_id)
            )
        except Attempt.DoesNotExist:
            raise NotFound(_("No such attempt.")) from None
        mc = attempt.micro_credential
        if not user_has_role(user=assessor, organization=mc.organization, role=Role.ASSESSOR):
            raise NotAllowed(_("Only assessors of %(org)s can score this submission.")
                             % {"org": mc.organization.name})
        if attempt.learner_id == assessor.pk:
            raise NotAllowed(_("You cannot assess your own submission."), code="own_submission")
        if Assessment.objects.filter(attempt=attempt).exists():
            raise AlreadyAssessed(_("This submission has already been assessed."))
        if attempt.status != Attempt.Status.SUBMITTED:
            raise InvalidState(_("Only submitted work can be assessed."), code="not_submitted")

        criteria = list(mc.criteria.all())
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

        passed = all(scores[c.pk].outcome == Outcome.PASS for c in criteria)
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    attempt=attempt,
                    assessor=assessor,
                    outcome=Outcome.PASS if passed else Outcome.NOT_YET,
                    summary=summary.strip(),
                )
        except IntegrityError:
            raise AlreadyAssessed(_("This submission has already been assessed.")) from None
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=assessment, criterion=c, outcome=scores[c.pk].outcome,
                           feedback=scores[c.pk].feedback.strip())
            for c in criteria
        )
        attempt.status = Attempt.Status.PASSED if passed else Attempt.Status.NOT_YET
        attempt.updated_at = timezone.now()
        attempt.save(update_fields=["status", "updated_at"])
        audit_record(actor=assessor, action="assessment.recorded", target=assessment,
                     data={"attempt": attempt.pk, "outcome": assessment.outcome})
        if passed:
            credential_request_issue(actor=assessor, attempt=attempt)
    return assessment
