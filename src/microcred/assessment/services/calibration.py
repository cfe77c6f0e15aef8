"""Calibration: an assessor scores the organization's anchor samples, and qualifies for the
pool when their scores agree with the agreed outcomes often enough."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import Actor
from microcred.assessment.models import CalibrationAnchor, CalibrationScore, Outcome, PoolMember
from microcred.assessment.selectors import policy_get
from microcred.assessment.services.policy import require_admin
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.notifications.services import in_language_of, notify

__all__ = ["calibration_anchor_create", "calibration_record", "calibration_restart"]


def calibration_anchor_create(
    *, actor: Actor, micro_credential: MicroCredential, title: str, evidence: str,
    expected: Mapping[int, str],
) -> CalibrationAnchor:
    require_admin(actor, micro_credential.organization)
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
    *, assessor: User, anchor_id: int, scores: Mapping[int, str]
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
            threshold = policy_get(organization=mc.organization).calibration_threshold
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


def calibration_restart(*, assessor: User, micro_credential: MicroCredential) -> PoolMember:
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
