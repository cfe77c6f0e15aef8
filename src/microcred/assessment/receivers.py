"""What assessment does when the apps below it say something happened (connected in
``AssessmentConfig.ready()``).

- earning's ``attempt_submitted``: the decision deadline is set and the primary review opened;
  ``attempt_withdrawn``: open reviews are cancelled. Both run inside earning's transaction,
  right after the attempt's transition, so the submission and its review commit together.
- catalog's ``version_published``: a new version of a micro-credential keeps its assessors: the
  pool, each member's standing, and the calibration anchors (re-keyed to the new version's
  criteria by position, when the rubric still has the same number of criteria; otherwise the
  anchors no longer fit and the organization writes new ones).
"""

from __future__ import annotations

from typing import Any

from microcred.actors import SYSTEM, Actor
from microcred.assessment.models import CalibrationAnchor, PoolMember
from microcred.assessment.services.assignment import attempt_review_open, attempt_reviews_cancel
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt


def open_review(*, attempt: Attempt, actor: Actor, **_: Any) -> None:
    attempt_review_open(attempt=attempt, actor=actor)


def cancel_reviews(*, attempt: Attempt, actor: Actor, **_: Any) -> None:
    attempt_reviews_cancel(attempt=attempt, actor=actor)


def carry_pool_forward(*, micro_credential: MicroCredential, previous: MicroCredential,
                       **_: Any) -> None:
    existing = set(micro_credential.pool_members.values_list("assessor_id", flat=True))
    PoolMember.objects.bulk_create(
        PoolMember(micro_credential=micro_credential, assessor_id=m.assessor_id,
                   status=m.status, is_lead=m.is_lead, agreement=m.agreement,
                   qualified_at=m.qualified_at,
                   needs_first_moderation=m.needs_first_moderation)
        for m in previous.pool_members.all() if m.assessor_id not in existing)
    old = [c.pk for c in previous.criteria.order_by("position")]
    new = [c.pk for c in micro_credential.criteria.order_by("position")]
    if len(old) == len(new) and not micro_credential.calibration_anchors.exists():
        by_position = {str(o): str(n) for o, n in zip(old, new, strict=True)}
        CalibrationAnchor.objects.bulk_create(
            CalibrationAnchor(micro_credential=micro_credential, position=a.position,
                              title=a.title, evidence=a.evidence,
                              expected_outcomes={by_position[k]: v
                                                 for k, v in a.expected_outcomes.items()
                                                 if k in by_position})
            for a in previous.calibration_anchors.all())
    audit_record(actor=SYSTEM, action="pool.carried_forward", target=micro_credential,
                 data={"from_version": previous.version, "version": micro_credential.version})
