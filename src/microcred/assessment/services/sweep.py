"""The periodic sweep (``microcred assessment sweep``, and ``microcred sweep``): reminders
before the decision deadline, expired claims returned to the pool, work past its deadline
reassigned, and waiting work handed out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.actors import SYSTEM
from microcred.assessment.deadlines import add_business_days
from microcred.assessment.models import Assignment, ReviewRequest
from microcred.assessment.selectors import policy_get
from microcred.assessment.services.assignment import (
    assignment_end,
    attempt_locked,
    attempt_return_to_pool,
    review_request_open,
)
from microcred.audit.services import audit_record
from microcred.notifications.services import in_language_of, notify

__all__ = ["SweepReport", "assignments_sweep"]


@dataclass
class SweepReport:
    reminded: int = 0
    expired: int = 0
    reassigned: int = 0


def assignments_sweep(*, now: datetime | None = None) -> SweepReport:
    """The periodic job (``microcred assessment sweep``): remind assessors before the decision
    deadline, return expired claims to the pool and reassign work that passed its deadline.
    Each assignment is handled in its own transaction with the attempt locked."""
    now = now or timezone.now()
    report = SweepReport()
    touched: set[int] = set()
    active = Assignment.objects.filter(status=Assignment.Status.ACTIVE).select_related(
        "attempt__micro_credential__organization")
    for assignment_id in list(active.values_list("pk", flat=True)):
        with transaction.atomic():
            assignment = Assignment.objects.select_related(
                "attempt__micro_credential__organization").get(pk=assignment_id)
            attempt = attempt_locked(assignment.attempt_id)
            assignment.refresh_from_db()
            if assignment.status != Assignment.Status.ACTIVE:
                continue
            due = attempt.decision_due_at
            overdue_held = due is not None and now >= due and assignment.created_at < due
            if assignment.expires_at <= now or overdue_held:
                touched.add(attempt.pk)
                reason = "overdue" if overdue_held else "claim_expired"
                assignment_end(assignment, Assignment.Status.EXPIRED, SYSTEM, reason=reason)
                attempt_return_to_pool(attempt, assignment, SYSTEM)
                with in_language_of(assignment.assessor):
                    notify(user=assignment.assessor, kind="assignment.expired",
                           subject=_("A submission went back to the pool"),
                           body=_("%(mc)s, attempt %(n)s was not decided in time and was "
                                  "reassigned.") % {"mc": attempt.micro_credential.title,
                                                    "n": attempt.number})
                report.expired += 1
                if review_request_open(attempt=attempt, kind=assignment.kind, actor=SYSTEM,
                                       exclude=[assignment.assessor_id]):
                    report.reassigned += 1
                continue
            policy = policy_get(organization=attempt.micro_credential.organization)
            if (due is not None and assignment.reminded_at is None and now < due
                    and add_business_days(now, policy.reminder_business_days) >= due):
                assignment.reminded_at = now
                assignment.save(update_fields=["reminded_at"])
                audit_record(actor=SYSTEM, action="assignment.reminded", target=assignment)
                with in_language_of(assignment.assessor):
                    notify(user=assignment.assessor, kind="assignment.reminder",
                           subject=_("Reminder: a decision is due soon"),
                           body=_("%(mc)s, attempt %(n)s is due by %(due)s.")
                           % {"mc": attempt.micro_credential.title, "n": attempt.number,
                              "due": timezone.localtime(due).strftime("%Y-%m-%d")},
                           url=reverse("assessment:score", kwargs={"public_id": attempt.public_id}))
                report.reminded += 1
    # Work waiting in the pool: try to hand it out (someone may have qualified meanwhile).
    waiting = ReviewRequest.objects.filter(closed_at__isnull=True).exclude(
        attempt__assignments__status=Assignment.Status.ACTIVE).values_list(
        "attempt_id", "kind")
    for attempt_id, kind in list(waiting):
        if attempt_id in touched:
            continue
        with transaction.atomic():
            attempt = attempt_locked(attempt_id)
            if not Assignment.objects.filter(attempt=attempt, kind=kind,
                                             status=Assignment.Status.ACTIVE).exists():
                if review_request_open(attempt=attempt, kind=kind, actor=SYSTEM):
                    report.reassigned += 1
    return report
