"""Who reviews an attempt: review requests, automatic assignment to the least-loaded eligible
assessor, claims from the pool queue, releases, and what a submission or a withdrawal starts
or ends.

Every function that changes an attempt locks its row first (``select_for_update``), so two
assessors, a double click or the sweep running beside a scorer are serialized; the partial
unique constraints on ``Assignment`` and ``ReviewRequest`` refuse what slips through. The
attempt's status only moves through ``earning.workflow.attempt_transition``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import SYSTEM, Actor
from microcred.assessment.models import (
    Assessment,
    Assignment,
    PoolMember,
    ReviewKind,
    ReviewRequest,
)
from microcred.assessment.selectors import policy_get
from microcred.assessment.services.policy import decision_due_at
from microcred.assessment.services.pools import pool_configured
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.earning.workflow import attempt_transition
from microcred.errors import InvalidState, NotAllowed, NotFound
from microcred.notifications.services import in_language_of, notify
from microcred.orgs.models import Membership, Role

__all__ = [
    "AlreadyClaimed", "assignment_claim", "assignment_end", "assignment_release",
    "attempt_locked", "attempt_return_to_pool", "attempt_review_open", "attempt_reviews_cancel",
    "review_request_open",
]


class AlreadyClaimed(InvalidState):
    code = "already_claimed"


def _learner_orgs(attempt: Attempt) -> set[int]:
    """The learner's own organizations, other than the issuer (everyone assessing is in it)."""
    return set(Membership.objects.filter(user_id=attempt.learner_id)
               .exclude(organization_id=attempt.micro_credential.organization_id)
               .values_list("organization_id", flat=True))


def _eligible(attempt: Attempt, kind: str) -> list[tuple[int, bool]]:
    """(assessor id, preferred) for everyone who may take this review, least loaded first.

    Hard rules: qualified in the pool and an assessor of the organization; not the learner;
    not a member of the learner's own organization; for a second look (moderation,
    adjudication, appeal) nobody who already scored this attempt; adjudication by a lead.
    Soft rules: someone who assessed this learner's earlier attempts only when no one else
    can; lead assessors last (they adjudicate).
    """
    mc = attempt.micro_credential
    if not pool_configured(micro_credential=mc):
        # No pool yet: the organization's assessors share one queue (no automatic assignment).
        candidates = set(Membership.objects.filter(
            organization=mc.organization, role=Role.ASSESSOR).values_list("user_id", flat=True))
    else:
        members = PoolMember.objects.filter(
            micro_credential=mc, status=PoolMember.Status.QUALIFIED,
            assessor__memberships__organization=mc.organization,
            assessor__memberships__role=Role.ASSESSOR)
        if kind == ReviewKind.ADJUDICATION:
            members = members.filter(is_lead=True)
        candidates = set(members.values_list("assessor_id", flat=True))
    excluded = {attempt.learner_id}
    learner_orgs = _learner_orgs(attempt)
    if learner_orgs:
        excluded |= set(Membership.objects.filter(organization_id__in=learner_orgs)
                        .values_list("user_id", flat=True))
    if kind != ReviewKind.PRIMARY:
        excluded |= set(Assessment.objects.filter(attempt=attempt)
                        .values_list("assessor_id", flat=True))
    earlier = set(Assessment.objects.filter(
        attempt__learner_id=attempt.learner_id, attempt__micro_credential=mc,
        attempt__number__lt=attempt.number).values_list("assessor_id", flat=True))
    ids = [m for m in candidates if m not in excluded]
    loads = dict(Assignment.objects.filter(status=Assignment.Status.ACTIVE, assessor_id__in=ids)
                 .values_list("assessor_id").annotate(n=Count("id")).values_list(
                     "assessor_id", "n"))
    # Leads are kept free for adjudication while others can take the work.
    leads = set(PoolMember.objects.filter(micro_credential=mc, is_lead=True)
                .values_list("assessor_id", flat=True)) if kind != ReviewKind.ADJUDICATION \
        else set()
    ranked = sorted(ids, key=lambda a: (a in earlier, a in leads, loads.get(a, 0), a))
    return [(a, a not in earlier) for a in ranked]


def _open_request(attempt: Attempt, kind: str) -> ReviewRequest:
    request = ReviewRequest.objects.filter(attempt=attempt, kind=kind,
                                           closed_at__isnull=True).first()
    if request is None:
        request = ReviewRequest.objects.create(attempt=attempt, kind=kind)
    return request


def _assign(*, attempt: Attempt, kind: str, assessor_id: int, actor: Actor,
            claimed: bool) -> Assignment:
    policy = policy_get(organization=attempt.micro_credential.organization)
    # A claim from the pool is held for ``claim_hours``; an automatic assignment until the
    # decision deadline (after which the sweep reassigns it).
    expires_at = timezone.now() + timedelta(hours=policy.claim_hours)
    if not claimed and attempt.decision_due_at and attempt.decision_due_at > expires_at:
        expires_at = attempt.decision_due_at
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                attempt=attempt, kind=kind, assessor_id=assessor_id, claimed=claimed,
                expires_at=expires_at)
    except IntegrityError:
        raise AlreadyClaimed(_("Another assessor already has this submission.")) from None
    if kind == ReviewKind.PRIMARY and attempt.status == Attempt.Status.SUBMITTED:
        attempt_transition(attempt=attempt, to=Attempt.Status.IN_REVIEW, actor=actor,
                           data={"assignment": assignment.pk})
    audit_record(actor=actor, action="assignment.claimed" if claimed else "assignment.assigned",
                 target=assignment, data={"attempt": attempt.pk, "kind": kind,
                                          "assessor": assessor_id})
    with in_language_of(User.objects.get(pk=assessor_id)):
        notify(user=User.objects.get(pk=assessor_id), kind=f"assignment.{kind}",
               subject=_("A submission is waiting for your %(kind)s")
               % {"kind": ReviewKind(kind).label.lower()},
               body=_("%(mc)s, attempt %(n)s. Please decide by %(due)s.")
               % {"mc": attempt.micro_credential.title, "n": attempt.number,
                  "due": timezone.localtime(attempt.decision_due_at).strftime("%Y-%m-%d")
                  if attempt.decision_due_at else "-"},
               url=reverse("assessment:score", kwargs={"public_id": attempt.public_id}))
    return assignment


def review_request_open(*, attempt: Attempt, kind: str, actor: Actor,
                        exclude: Iterable[int] = ()) -> Assignment | None:
    """Ask for a review of a (locked) attempt and give it to the least-loaded eligible
    assessor; with nobody eligible it waits in the pool queue."""
    _open_request(attempt, kind)
    if Assignment.objects.filter(attempt=attempt, kind=kind,
                                 status=Assignment.Status.ACTIVE).exists():
        return None
    if not pool_configured(micro_credential=attempt.micro_credential):
        return None  # the organization's shared queue: assessors claim
    skip = set(exclude)
    for assessor_id, _preferred in _eligible(attempt, kind):
        if assessor_id in skip:
            continue
        return _assign(attempt=attempt, kind=kind, assessor_id=assessor_id, actor=actor,
                       claimed=False)
    return None


def attempt_locked(attempt_id: int) -> Attempt:
    try:
        return (Attempt.objects.select_for_update()
                .select_related("micro_credential__organization").get(pk=attempt_id))
    except Attempt.DoesNotExist:
        raise NotFound(_("No such attempt.")) from None


def assignment_claim(*, assessor: User, attempt_id: int) -> Assignment:
    """Take an open review from the pool queue. Two assessors clicking at once: the row lock
    serializes them and the second is told it is taken."""
    with transaction.atomic():
        attempt = attempt_locked(attempt_id)
        if attempt.status == Attempt.Status.WITHDRAWN:
            raise InvalidState(_("The learner withdrew this submission."), code="withdrawn")
        request = ReviewRequest.objects.filter(attempt=attempt, closed_at__isnull=True).order_by(
            "created_at").first()
        if request is None:
            raise InvalidState(_("This submission is not waiting for a review."),
                               code="nothing_to_claim")
        if Assignment.objects.filter(attempt=attempt, kind=request.kind,
                                     status=Assignment.Status.ACTIVE).exists():
            raise AlreadyClaimed(_("Another assessor already has this submission."))
        if assessor.pk not in {a for a, _p in _eligible(attempt, request.kind)}:
            raise NotAllowed(_("You are not eligible to review this submission."),
                             code="not_eligible")
        return _assign(attempt=attempt, kind=request.kind, assessor_id=assessor.pk,
                       actor=assessor, claimed=True)


def assignment_end(assignment: Assignment, status: str, actor: Actor,
                   reason: str = "") -> None:
    assignment.status = status
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["status", "ended_at"])
    audit_record(actor=actor, action=f"assignment.{status}", target=assignment,
                 data={"attempt": assignment.attempt_id, **({"reason": reason} if reason else {})})


def attempt_return_to_pool(attempt: Attempt, assignment: Assignment, actor: Actor) -> None:
    if assignment.kind == ReviewKind.PRIMARY and attempt.status == Attempt.Status.IN_REVIEW:
        attempt_transition(attempt=attempt, to=Attempt.Status.SUBMITTED, actor=actor,
                           data={"assignment": assignment.pk, "why": assignment.status})


def assignment_release(*, assessor: User, attempt_id: int) -> Assignment:
    """Give a review back to the pool (a conflict of interest, no time)."""
    with transaction.atomic():
        attempt = attempt_locked(attempt_id)
        assignment = Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                               status=Assignment.Status.ACTIVE).first()
        if assignment is None:
            raise InvalidState(_("You do not hold this submission."), code="not_assigned")
        assignment_end(assignment, Assignment.Status.RELEASED, assessor)
        attempt_return_to_pool(attempt, assignment, assessor)
        review_request_open(attempt=attempt, kind=assignment.kind, actor=SYSTEM,
                            exclude=[assessor.pk])
    return assignment


def attempt_review_open(*, attempt: Attempt, actor: Actor) -> Assignment | None:
    """A submission was made (earning's ``attempt_submitted`` signal, received in the submitting
    transaction): set the decision deadline and ask for the primary review."""
    attempt.decision_due_at = decision_due_at(attempt=attempt, submitted_at=attempt.submitted_at
                                              or timezone.now())
    attempt.save(update_fields=["decision_due_at"])
    return review_request_open(attempt=attempt, kind=ReviewKind.PRIMARY, actor=SYSTEM)


def attempt_reviews_cancel(*, attempt: Attempt, actor: Actor) -> None:
    """A submission was withdrawn (earning's ``attempt_withdrawn`` signal, received in the
    withdrawing transaction): nobody keeps reviewing withdrawn work."""
    for assignment in Assignment.objects.filter(
            attempt=attempt, status=Assignment.Status.ACTIVE).select_related("assessor"):
        assignment_end(assignment, Assignment.Status.CANCELLED, actor, reason="withdrawn")
        with in_language_of(assignment.assessor):
            notify(user=assignment.assessor, kind="assignment.cancelled",
                   subject=_("A submission you held was withdrawn"),
                   body=_("%(mc)s, attempt %(n)s: the learner withdrew it; nothing to do.")
                   % {"mc": attempt.micro_credential.title, "n": attempt.number})
    ReviewRequest.objects.filter(attempt=attempt, closed_at__isnull=True).update(
        closed_at=timezone.now())
