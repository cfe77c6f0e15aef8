from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.accounts.selectors import signed_in
from microcred.assessment.agreement import cohens_kappa
from microcred.assessment.models import (
    Appeal,
    Assessment,
    AssessmentPolicy,
    Assignment,
    CalibrationAnchor,
    CalibrationScore,
    PoolMember,
    ReviewKind,
    ReviewRequest,
)
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.errors import NotAllowed, NotFound
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import organizations_where, user_has_role


def policy_get(*, organization: Organization) -> AssessmentPolicy:
    """The organization's assessment rules: its row, or the defaults (an unsaved row) while it
    never changed them. Reading writes nothing; ``services.policy.policy_update`` creates the
    row when an administrator saves."""
    return (AssessmentPolicy.objects.filter(organization=organization).first()
            or AssessmentPolicy(organization=organization))


@dataclass(frozen=True)
class QueueItem:
    """What an assessor may know about a submission in the queue: nothing about who wrote it
    (no name, email or organization of the learner; the organization shown is the issuer)."""

    public_id: UUID
    micro_credential_title: str
    organization_name: str
    attempt_number: int
    submitted_at: datetime | None
    decision_due_at: datetime | None
    kind: str
    mine: bool

    @property
    def kind_label(self) -> str:
        return str(ReviewKind(self.kind).label)

    @property
    def overdue(self) -> bool:
        return self.decision_due_at is not None and self.decision_due_at < timezone.now()


_FIELDS = ("attempt__public_id", "attempt__micro_credential__title",
           "attempt__micro_credential__organization__name", "attempt__number",
           "attempt__submitted_at", "attempt__decision_due_at", "kind")


def _queue_item(row: tuple[Any, ...], *, mine: bool) -> QueueItem:
    public_id, title, organization, number, submitted_at, due_at, kind = row
    return QueueItem(public_id, title, organization, number, submitted_at, due_at, kind, mine)


def assessor_queue(*, assessor: User | AnonymousUser) -> list[QueueItem]:
    """The assessor's own assignments, then open reviews in the pools they qualify for,
    oldest first. Blind by construction: the rows carry no learner field at all, and the
    assessor's own submissions are left out."""
    if not signed_in(assessor):
        return []
    mine = (Assignment.objects.filter(assessor=assessor, status=Assignment.Status.ACTIVE)
            .exclude(attempt__learner=assessor).order_by("attempt__submitted_at")
            .values_list(*_FIELDS))
    items = [_queue_item(row, mine=True) for row in mine]
    pools = PoolMember.objects.filter(assessor=assessor, status=PoolMember.Status.QUALIFIED)
    lead_mcs = set(pools.filter(is_lead=True).values_list("micro_credential_id", flat=True))
    mcs = set(pools.values_list("micro_credential_id", flat=True))
    orgs = organizations_where(user=assessor, role=Role.ASSESSOR)
    # Micro-credentials without a pool are open to all of the organization's assessors.
    unpooled = set(MicroCredential.objects.filter(organization__in=orgs)
                   .exclude(pool_members__isnull=False).values_list("pk", flat=True))
    mcs |= unpooled
    lead_mcs |= unpooled
    open_requests = (
        ReviewRequest.objects.filter(closed_at__isnull=True, attempt__micro_credential_id__in=mcs,
                                     attempt__micro_credential__organization__in=orgs)
        .exclude(attempt__learner=assessor)
        .exclude(attempt__assessments__assessor=assessor, kind__in=[
            ReviewKind.MODERATION, ReviewKind.ADJUDICATION, ReviewKind.APPEAL])
        .exclude(attempt__assignments__status=Assignment.Status.ACTIVE,
                 attempt__assignments__kind=F("kind"))
        .filter(Q(~Q(kind=ReviewKind.ADJUDICATION))
                | Q(attempt__micro_credential_id__in=lead_mcs))
        .order_by("attempt__submitted_at").values_list(*_FIELDS).distinct()
    )
    items += [_queue_item(row, mine=False) for row in open_requests]
    return items


def is_assessor_anywhere(*, user: User | AnonymousUser) -> bool:
    return organizations_where(user=user, role=Role.ASSESSOR).exists()


def attempt_get_for_assessor(*, assessor: User, public_id: UUID | str) -> Attempt:
    try:
        attempt = Attempt.objects.select_related("micro_credential__organization").get(
            public_id=public_id
        )
    except (Attempt.DoesNotExist, ValueError):
        raise NotFound(_("No such submission.")) from None
    if not user_has_role(user=assessor, organization=attempt.micro_credential.organization,
                         role=Role.ASSESSOR):
        raise NotAllowed(_("Only assessors of this organization can see this submission."))
    if attempt.learner_id == assessor.pk:
        raise NotAllowed(_("You cannot assess your own submission."), code="own_submission")
    return attempt


def active_assignment(*, assessor: User, attempt: Attempt) -> Assignment | None:
    return Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                     status=Assignment.Status.ACTIVE).first()


def can_open_evidence(*, user: User | AnonymousUser, attempt: Attempt) -> bool:
    """The learner, assessors who hold or held a review of it, and the issuer's admins."""
    if not signed_in(user):
        return False
    if attempt.learner_id == user.pk:
        return True
    if Assignment.objects.filter(attempt=attempt, assessor=user).exclude(
            status=Assignment.Status.CANCELLED).exists():
        return True
    return user_has_role(user=user, organization=attempt.micro_credential.organization,
                         role=Role.ADMIN)


def attempt_decision(*, attempt: Attempt) -> Assessment | None:
    """The assessment that stands for a decided attempt: appeal > adjudication > primary."""
    if attempt.status not in Attempt.DECIDED_STATUSES:
        return None
    by_kind = {a.kind: a for a in attempt.assessments.all()}
    for kind in (ReviewKind.APPEAL, ReviewKind.ADJUDICATION, ReviewKind.PRIMARY):
        if kind in by_kind:
            return by_kind[kind]
    return None


def previous_decision(*, attempt: Attempt) -> Assessment | None:
    """The decision on the learner's previous attempt (shown beside the rubric when revising)."""
    before = (Attempt.objects.filter(learner_id=attempt.learner_id,
                                     micro_credential_id=attempt.micro_credential_id,
                                     number__lt=attempt.number,
                                     status=Attempt.Status.NOT_YET).order_by("-number").first())
    return attempt_decision(attempt=before) if before else None


def appeal_of(*, attempt: Attempt) -> Appeal | None:
    return Appeal.objects.filter(attempt=attempt).first()


def reviews_for_lead(*, attempt: Attempt) -> list[Assessment]:
    """What an adjudicating lead sees: both earlier scorings, with their notes to the lead."""
    return list(attempt.assessments.filter(kind__in=[ReviewKind.PRIMARY, ReviewKind.MODERATION])
                .prefetch_related("scores__criterion"))


# ---------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class CalibrationState:
    member: PoolMember | None
    anchors: list[CalibrationAnchor]
    done: set[int]

    @property
    def next_anchor(self) -> CalibrationAnchor | None:
        return next((a for a in self.anchors if a.pk not in self.done), None)


def calibration_state(*, assessor: User, micro_credential: MicroCredential) -> CalibrationState:
    member = PoolMember.objects.filter(micro_credential=micro_credential,
                                       assessor=assessor).first()
    anchors = list(micro_credential.calibration_anchors.all())
    done = set(CalibrationScore.objects.filter(anchor__in=anchors, assessor=assessor)
               .values_list("anchor_id", flat=True))
    return CalibrationState(member=member, anchors=anchors, done=done)


def pool_memberships(*, assessor: User) -> QuerySet[PoolMember]:
    return PoolMember.objects.filter(assessor=assessor).select_related("micro_credential")


# --------------------------------------------------------------------------- admins


def admin_organizations(*, user: User | AnonymousUser) -> QuerySet[Organization]:
    return organizations_where(user=user, role=Role.ADMIN)


@dataclass(frozen=True)
class OverdueRow:
    public_id: UUID
    micro_credential_title: str
    attempt_number: int
    status: str
    decision_due_at: datetime
    assessor_name: str


def overdue_attempts(*, organization: Organization) -> list[OverdueRow]:
    now = timezone.now()
    attempts = (Attempt.objects.filter(
        micro_credential__organization=organization, decision_due_at__lt=now,
        status__in=[Attempt.Status.SUBMITTED, Attempt.Status.IN_REVIEW])
        .select_related("micro_credential").order_by("decision_due_at"))
    rows = []
    for a in attempts:
        holder = (Assignment.objects.filter(attempt=a, status=Assignment.Status.ACTIVE)
                  .select_related("assessor").first())
        rows.append(OverdueRow(a.public_id, a.micro_credential.title, a.number,
                               a.get_status_display(), a.decision_due_at,  # type: ignore[arg-type]
                               holder.assessor.display_name if holder else _("In the pool")))
    return rows


@dataclass(frozen=True)
class AgreementRow:
    assessor_name: str
    micro_credential_title: str
    moderated: int
    agreed: int
    kappa: float | None


def agreement_figures(*, organization: Organization) -> list[AgreementRow]:
    """Per assessor and micro-credential: how many moderated decisions agreed with the
    independent second scoring, and Cohen's kappa over their paired criterion scores."""
    moderations = (Assessment.objects.filter(
        kind=ReviewKind.MODERATION, attempt__micro_credential__organization=organization)
        .prefetch_related("scores"))
    primaries = {a.attempt_id: a for a in Assessment.objects.filter(
        kind=ReviewKind.PRIMARY, attempt__micro_credential__organization=organization,
        attempt_id__in=[m.attempt_id for m in moderations])
        .select_related("assessor", "attempt__micro_credential").prefetch_related("scores")}
    groups: dict[tuple[str, str], list[tuple[bool, list[tuple[str, str]]]]] = defaultdict(list)
    for m in moderations:
        p = primaries.get(m.attempt_id)
        if p is None:
            continue
        theirs = {s.criterion_id: s.outcome for s in m.scores.all()}
        pairs = [(s.outcome, theirs[s.criterion_id]) for s in p.scores.all()
                 if s.criterion_id in theirs]
        groups[(p.assessor.display_name, p.attempt.micro_credential.title)].append(
            (p.outcome == m.outcome, pairs))
    rows = []
    for (name, title), decisions in sorted(groups.items()):
        pairs = [pair for _agree, ps in decisions for pair in ps]
        rows.append(AgreementRow(name, title, len(decisions),
                                 sum(1 for agree, _ps in decisions if agree),
                                 cohens_kappa(pairs)))
    return rows


def pools_for_organization(*, organization: Organization) -> QuerySet[PoolMember]:
    return (PoolMember.objects.filter(micro_credential__organization=organization)
            .select_related("micro_credential", "assessor")
            .order_by("micro_credential__title", "assessor__display_name"))
