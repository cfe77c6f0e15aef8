"""Assessment writes, by subject: ``policy`` (an organization's rules), ``pools``,
``calibration``, ``assignment`` (review requests, assignment and claims), ``scoring``
(decisions, moderation, adjudication), ``appeals`` and ``sweep`` (the periodic job).

The public names are re-exported here for callers outside the app (``from
microcred.assessment.services import pool_member_add``); inside the app, import from the
submodule.
"""

from __future__ import annotations

from microcred.assessment.services.appeals import appeal_create
from microcred.assessment.services.assignment import (
    AlreadyClaimed,
    assignment_claim,
    assignment_release,
    attempt_review_open,
    attempt_reviews_cancel,
    review_request_open,
)
from microcred.assessment.services.calibration import (
    calibration_anchor_create,
    calibration_record,
    calibration_restart,
)
from microcred.assessment.services.policy import decision_due_at, policy_for, policy_update
from microcred.assessment.services.pools import (
    pool_configured,
    pool_member_add,
    pool_member_set_lead,
)
from microcred.assessment.services.scoring import (
    AlreadyAssessed,
    ScoreInput,
    assessment_record,
    attempt_return_incomplete,
)
from microcred.assessment.services.sweep import SweepReport, assignments_sweep

__all__ = [
    "AlreadyAssessed", "AlreadyClaimed", "ScoreInput", "SweepReport", "appeal_create",
    "assessment_record", "assignment_claim", "assignment_release", "assignments_sweep",
    "attempt_return_incomplete", "attempt_review_open", "attempt_reviews_cancel",
    "calibration_anchor_create", "calibration_record", "calibration_restart",
    "decision_due_at", "policy_for", "policy_update", "pool_configured", "pool_member_add",
    "pool_member_set_lead", "review_request_open",
]
