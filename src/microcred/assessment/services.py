"""Assessment writes: pools and calibration, assignment and claims, scoring, moderation,
adjudication, appeals and the deadline sweep.

Every function that changes an attempt locks its row first (``select_for_update``), so two
assessors, a double click or the sweep running beside a scorer are serialized; the partial
unique constraints on ``Assignment``, ``ReviewRequest`` and ``Assessment`` refuse what slips
through. The attempt's status only moves through ``earning.workflow.attempt_transition``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import SYSTEM, Actor
from microcred.assessment.deadlines import add_business_days
from microcred.assessment.models import (
    Appeal,
    Assessment,
    AssessmentPolicy,
    Assignment,
    CalibrationAnchor,
    CalibrationScore,
    CriterionScore,
    Outcome,
    PoolMember,
    ReviewKind,
    ReviewRequest,
)
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.earning.workflow import attempt_transition
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.notifications.services import in_language_of, notify
from microcred.orgs.models import Membership, Organization, Role
from microcred.orgs.selectors import require_role, user_has_role


@dataclass(frozen=True)
class ScoreInput:
    outcome: str
    feedback: str = ""


class AlreadyAssessed(InvalidState):
    code = "already_assessed"


class AlreadyClaimed(InvalidState):
    code = "already_claimed"


# ---------------------------------------------------------------------------------- policy


def policy_for(*, organization: Organization) -> AssessmentPolicy:
    policy, _created = AssessmentPolicy.objects.get_or_create(organization=organization)
    return policy


def policy_update(*, actor: Actor, organization: Organization, **values: Any) -> AssessmentPolicy:
    _require_admin(actor, organization)
    with transaction.atomic():
        policy = policy_for(organization=organization)
        allowed = {"moderation_rate", "calibration_threshold", "decision_business_days",
                   "claim_hours", "reminder_business_days"}
        for key, value in values.items():
            if key not in allowed:
                raise ValidationFailed(_("Unknown policy field %(f)s.") % {"f": key})
            setattr(policy, key, value)
        policy.save()
        audit_record(actor=actor, action="assessment_policy.updated", target=policy,
                     data={k: str(v) for k, v in values.items()})
    return policy


def _require_admin(actor: Actor, organization: Organization) -> None:
    require_role(actor, organization, Role.ADMIN,
                 message=_("Only administrators of %(org)s can do this.")
                 % {"org": organization.name})


def decision_due_at(*, attempt: Attempt, submitted_at: datetime) -> datetime:
    policy = policy_for(organization=attempt.micro_credential.organization)
    return add_business_days(submitted_at, policy.decision_business_days)


# ------------------------------------------------------------------------ pools, calibration


def pool_member_add(
    *, actor: Actor, micro_credential: MicroCredential, assessor: Any, is_lead: bool = False
) -> PoolMember:
    """Put an assessor of the organization in a micro-credential's pool.

    With calibration anchors they start calibrating and qualify by agreeing with the anchors;
    a micro-credential without anchors has nothing to calibrate against, so the admin's
    decision qualifies them directly (recorded in the audit row).
    """
    org = micro_credential.organization
    _require_admin(actor, org)
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
        _require_admin(actor, member.micro_credential.organization)
        if is_lead and member.status != PoolMember.Status.QUALIFIED:
            raise InvalidState(_("Only a qualified assessor can lead."), code="not_qualified")
        member.is_lead = is_lead
        member.save(update_fields=["is_lead"])
        audit_record(actor=actor, action="pool.lead_set", target=member,
                     data={"is_lead": is_lead})
    return member


def calibration_anchor_create(
    *, actor: Actor, micro_credential: MicroCredential, title: str, evidence: str,
    expected: Mapping[int, str],
) -> CalibrationAnchor:
    _require_admin(actor, micro_credential.organization)
    criteria = {c.pk for c in micro_credential.criteria.all()}
    if set(expected) != criteria or not all(v in Outcome.values for v in expected.values()):
        raise ValidationFailed(_("Give the agreed outcome for every criterion."),
                               code="anchor_incomplete")
    with transaction.atomic():
        position = micro_credential.calibration_anchors.count() + 1
        anchor = CalibrationAnchor.objects.create(
            micro_credential=micro_credential, position=position, title=title,
            evidence=evidence, expected_outcomes={str(k): v for k, v in expected.items()})
        audit_record(actor=actor, action="calibration.anchor_created", target=anchor)
    return anchor


def calibration_record(
    *, assessor: Any, anchor_id: int, scores: Mapping[int, str]
) -> PoolMember:
    """Score one anchor. After the last anchor, the agreement with the agreed outcomes
    (criteria that match / criteria scored) decides: at or above the organization's threshold
    qualifies the assessor, whose first real decision is then always moderated."""
    with transaction.atomic():
        try:
            anchor = CalibrationAnchor.objects.select_related(
                "micro_credential__organization").get(pk=anchor_id)
        except CalibrationAnchor.DoesNotExist:
            raise NotFound(_("No such calibration sample.")) from None
        mc = anchor.micro_credential
        member = PoolMember.objects.select_for_update().filter(
            micro_credential=mc, assessor=assessor).first()
        if member is None:
            raise NotAllowed(_("You are not in the pool for this micro-credential."))
        if member.status != PoolMember.Status.CALIBRATING:
            raise InvalidState(_("Your calibration for this micro-credential is finished."),
                               code="calibration_finished")
        criteria = list(mc.criteria.all())
        problems = {f"criterion_{c.pk}_outcome": _("Choose Pass or Not Yet for “%(name)s”.")
                    % {"name": c.name} for c in criteria if scores.get(c.pk) not in Outcome.values}
        if problems:
            raise ValidationFailed(" ".join(problems.values()), problems=problems)
        if CalibrationScore.objects.filter(anchor=anchor, assessor=assessor).exists():
            raise InvalidState(_("You have already scored this sample."), code="already_scored")
        CalibrationScore.objects.bulk_create(
            CalibrationScore(anchor=anchor, assessor=assessor, criterion=c,
                             outcome=scores[c.pk],
                             agrees=anchor.expected_outcomes.get(str(c.pk)) == scores[c.pk])
            for c in criteria)
        audit_record(actor=assessor, action="calibration.scored", target=anchor)
        anchors = mc.calibration_anchors.count()
        done = CalibrationScore.objects.filter(
            anchor__micro_credential=mc, assessor=assessor).values("anchor").distinct().count()
        if done >= anchors:
            rows = CalibrationScore.objects.filter(anchor__micro_credential=mc, assessor=assessor)
            agreement = Decimal(rows.filter(agrees=True).count()) / Decimal(rows.count())
            member.agreement = agreement.quantize(Decimal("0.001"))
            threshold = policy_for(organization=mc.organization).calibration_threshold
            if agreement >= threshold:
                member.status = PoolMember.Status.QUALIFIED
                member.qualified_at = timezone.now()
                member.needs_first_moderation = True
            else:
                member.status = PoolMember.Status.NOT_QUALIFIED
            member.save()
            audit_record(actor=assessor, action="calibration.finished", target=member,
                         data={"agreement": str(member.agreement), "status": member.status,
                               "threshold": str(threshold)})
            with in_language_of(assessor):
                notify(user=assessor, kind="calibration.finished",
                       subject=(_("You are qualified to assess %(mc)s") if member.status ==
                                PoolMember.Status.QUALIFIED else
                                _("Calibration for %(mc)s: not yet qualified")) % {"mc": mc.title},
                       body=_("Your agreement with the agreed outcomes: %(a)s%% (needed: %(t)s%%).")
                       % {"a": round(agreement * 100), "t": round(threshold * 100)},
                       url=reverse("assessment:calibration", kwargs={"slug": mc.slug}))
    return member


def calibration_restart(*, assessor: Any, micro_credential: MicroCredential) -> PoolMember:
    """Try calibration again after falling short: the earlier scores are kept in the audit
    trail's counts only; the member scores every anchor afresh."""
    with transaction.atomic():
        member = PoolMember.objects.select_for_update().filter(
            micro_credential=micro_credential, assessor=assessor).first()
        if member is None or member.status != PoolMember.Status.NOT_QUALIFIED:
            raise InvalidState(_("There is no calibration to restart."), code="no_restart")
        deleted, _rows = CalibrationScore.objects.filter(
            anchor__micro_credential=micro_credential, assessor=assessor).delete()
        member.status = PoolMember.Status.CALIBRATING
        member.agreement = None
        member.save()
        audit_record(actor=assessor, action="calibration.restarted", target=member,
                     data={"scores_cleared": deleted})
    return member


# ------------------------------------------------------------------------------ assignment


def pool_configured(*, micro_credential: MicroCredential) -> bool:
    return PoolMember.objects.filter(micro_credential=micro_credential).exists()


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
    policy = policy_for(organization=attempt.micro_credential.organization)
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


def _locked_attempt(attempt_id: int) -> Attempt:
    try:
        return (Attempt.objects.select_for_update()
                .select_related("micro_credential__organization").get(pk=attempt_id))
    except Attempt.DoesNotExist:
        raise NotFound(_("No such attempt.")) from None


def assignment_claim(*, assessor: Any, attempt_id: int) -> Assignment:
    """Take an open review from the pool queue. Two assessors clicking at once: the row lock
    serializes them and the second is told it is taken."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
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


def _end_assignment(assignment: Assignment, status: str, actor: Actor,
                    reason: str = "") -> None:
    assignment.status = status
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["status", "ended_at"])
    audit_record(actor=actor, action=f"assignment.{status}", target=assignment,
                 data={"attempt": assignment.attempt_id, **({"reason": reason} if reason else {})})


def _return_to_pool(attempt: Attempt, assignment: Assignment, actor: Actor) -> None:
    if assignment.kind == ReviewKind.PRIMARY and attempt.status == Attempt.Status.IN_REVIEW:
        attempt_transition(attempt=attempt, to=Attempt.Status.SUBMITTED, actor=actor,
                           data={"assignment": assignment.pk, "why": assignment.status})


def assignment_release(*, assessor: Any, attempt_id: int) -> Assignment:
    """Give a review back to the pool (a conflict of interest, no time)."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        assignment = Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                               status=Assignment.Status.ACTIVE).first()
        if assignment is None:
            raise InvalidState(_("You do not hold this submission."), code="not_assigned")
        _end_assignment(assignment, Assignment.Status.RELEASED, assessor)
        _return_to_pool(attempt, assignment, assessor)
        review_request_open(attempt=attempt, kind=assignment.kind, actor=SYSTEM,
                            exclude=[assessor.pk])
    return assignment


def attempt_submitted(*, attempt: Attempt, actor: Actor) -> Assignment | None:
    """Called by ``earning.attempt_submit`` in its transaction: set the deadline and assign."""
    attempt.decision_due_at = decision_due_at(attempt=attempt, submitted_at=attempt.submitted_at
                                              or timezone.now())
    attempt.save(update_fields=["decision_due_at"])
    return review_request_open(attempt=attempt, kind=ReviewKind.PRIMARY, actor=SYSTEM)


def attempt_withdrawn(*, attempt: Attempt, actor: Actor) -> None:
    """Called by ``earning.attempt_withdraw``: nobody keeps reviewing withdrawn work."""
    for assignment in Assignment.objects.filter(
            attempt=attempt, status=Assignment.Status.ACTIVE).select_related("assessor"):
        _end_assignment(assignment, Assignment.Status.CANCELLED, actor, reason="withdrawn")
        with in_language_of(assignment.assessor):
            notify(user=assignment.assessor, kind="assignment.cancelled",
                   subject=_("A submission you held was withdrawn"),
                   body=_("%(mc)s, attempt %(n)s: the learner withdrew it; nothing to do.")
                   % {"mc": attempt.micro_credential.title, "n": attempt.number})
    ReviewRequest.objects.filter(attempt=attempt, closed_at__isnull=True).update(
        closed_at=timezone.now())


# ---------------------------------------------------------------------------------- scoring


def _validate_scores(criteria: list[Any], scores: Mapping[int, ScoreInput]) -> None:
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


def _moderation_due(attempt: Attempt, assessor: Any) -> bool:
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
    rate = float(policy_for(organization=mc.organization).moderation_rate)
    n = Assessment.objects.filter(kind=ReviewKind.PRIMARY, attempt__micro_credential=mc).count()
    return math.floor(n * rate + 1e-9) > math.floor((n - 1) * rate + 1e-9)


def _finalize(attempt: Attempt, decision: Assessment, actor: Actor) -> None:
    from microcred.issuance.services import credential_request_issue

    passed = decision.outcome == Outcome.PASS
    attempt_transition(attempt=attempt,
                       to=Attempt.Status.PASSED if passed else Attempt.Status.NOT_YET,
                       actor=actor, data={"assessment": decision.pk, "kind": decision.kind})
    if passed:
        credential_request_issue(actor=actor, attempt=attempt)
    url = reverse("earning:attempt", kwargs={"public_id": attempt.public_id})
    with in_language_of(attempt.learner):
        notify(user=attempt.learner, kind=f"decision.{decision.outcome}",
               subject=(_("Pass: %(mc)s") if passed else _("Not Yet: %(mc)s"))
               % {"mc": attempt.micro_credential.title},
               body=_("Your assessor's feedback is on the attempt page.") if not passed else
               _("Congratulations. Your credential is being issued."), url=url)


def assessment_record(
    *,
    assessor: Any,
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
        attempt = _locked_attempt(attempt_id)
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
        _end_assignment(assignment, Assignment.Status.COMPLETED, assessor)
        ReviewRequest.objects.filter(attempt=attempt, kind=kind, closed_at__isnull=True).update(
            closed_at=timezone.now())
        audit_record(actor=assessor, action="assessment.recorded", target=assessment,
                     data={"attempt": attempt.pk, "outcome": assessment.outcome, "kind": kind})
        _route(attempt, assessment, assessor)
    return assessment


def _route(attempt: Attempt, assessment: Assessment, actor: Actor) -> None:
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


def attempt_return_incomplete(*, assessor: Any, attempt_id: int, reason: str) -> Attempt:
    """Send work back without scoring it because something is missing or unreadable; the
    learner fixes it in the same attempt (it does not count as a Not Yet)."""
    if not reason.strip():
        raise ValidationFailed(_("Say what is missing or unreadable."),
                               problems={"reason": _("Say what is missing or unreadable.")})
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        assignment = Assignment.objects.filter(attempt=attempt, assessor=assessor,
                                               kind=ReviewKind.PRIMARY,
                                               status=Assignment.Status.ACTIVE).first()
        if assignment is None:
            raise InvalidState(_("Only the assessor holding this submission can return it."),
                               code="not_assigned")
        _end_assignment(assignment, Assignment.Status.CANCELLED, assessor, reason="returned")
        ReviewRequest.objects.filter(attempt=attempt, closed_at__isnull=True).update(
            closed_at=timezone.now())
        attempt_transition(attempt=attempt, to=Attempt.Status.RETURNED, actor=assessor,
                           reason=reason.strip())
        with in_language_of(attempt.learner):
            notify(user=attempt.learner, kind="attempt.returned",
                   subject=_("Your submission was returned: %(mc)s")
                   % {"mc": attempt.micro_credential.title},
                   body=reason.strip(),
                   url=reverse("earning:attempt", kwargs={"public_id": attempt.public_id}))
    return attempt


def appeal_create(*, learner: Any, attempt_id: int, reason: str) -> Appeal:
    """Appeal a Not Yet, once per attempt; a different assessor reviews it and that stands."""
    if not reason.strip():
        raise ValidationFailed(_("Say why you are appealing."),
                               problems={"reason": _("Say why you are appealing.")})
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
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


# ------------------------------------------------------------------------------ the sweep


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
            attempt = _locked_attempt(assignment.attempt_id)
            assignment.refresh_from_db()
            if assignment.status != Assignment.Status.ACTIVE:
                continue
            due = attempt.decision_due_at
            overdue_held = due is not None and now >= due and assignment.created_at < due
            if assignment.expires_at <= now or overdue_held:
                touched.add(attempt.pk)
                reason = "overdue" if overdue_held else "claim_expired"
                _end_assignment(assignment, Assignment.Status.EXPIRED, SYSTEM, reason=reason)
                _return_to_pool(attempt, assignment, SYSTEM)
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
            policy = policy_for(organization=attempt.micro_credential.organization)
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
            attempt = _locked_attempt(attempt_id)
            if not Assignment.objects.filter(attempt=attempt, kind=kind,
                                             status=Assignment.Status.ACTIVE).exists():
                if review_request_open(attempt=attempt, kind=kind, actor=SYSTEM):
                    report.reassigned += 1
    return report


__all__ = [
    "AlreadyAssessed", "AlreadyClaimed", "ScoreInput", "SweepReport", "appeal_create",
    "assessment_record", "assignment_claim", "assignment_release", "assignments_sweep",
    "attempt_return_incomplete", "attempt_submitted", "attempt_withdrawn",
    "calibration_anchor_create", "calibration_record", "calibration_restart",
    "decision_due_at", "policy_for", "policy_update", "pool_member_add", "pool_member_set_lead",
    "review_request_open",
]
