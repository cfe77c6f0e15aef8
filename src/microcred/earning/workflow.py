"""The attempt's state machine: which status may follow which, and the one function that moves
an attempt, writing the audit row (who, when, from, to) in the caller's transaction.

::

    draft ──submit──> submitted ──assign/claim──> in_review ──decide──> passed | not_yet
      ▲                   ▲  ▲                      │  │                          │
      │ (edit)            │  └──claim expired───────┘  └──return incomplete──> returned
    returned ──resubmit───┘                                                        │
    not_yet ──appeal (once)──> in_review                                           │
    draft | submitted | in_review | returned ──withdraw──> withdrawn   <───────────┘

The database backs this with check constraints on the dates each status needs and a partial
unique constraint (one open attempt per learner and micro-credential); callers hold the row
lock (``select_for_update``) so two requests cannot both move the same attempt.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.errors import InvalidState

__all__ = ["TRANSITIONS", "attempt_transition", "can_transition"]

S = Attempt.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.SUBMITTED, S.PASSED, S.NOT_YET, S.RETURNED, S.WITHDRAWN}),
    S.NOT_YET: frozenset({S.IN_REVIEW}),  # an appeal
    S.PASSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def can_transition(attempt: Attempt, to: str) -> bool:
    return to in TRANSITIONS.get(attempt.status, frozenset())


class TransitionRefused(InvalidState):
    code = "transition_refused"


def attempt_transition(
    *, attempt: Attempt, to: str, actor: Actor, reason: str = "",
    data: dict[str, Any] | None = None,
) -> Attempt:
    """Move a locked attempt to ``to``, set the dates that status needs, and audit it."""
    source = attempt.status
    if not can_transition(attempt, to):
        raise TransitionRefused(
            _("This attempt is %(status)s and cannot become %(to)s.")
            % {"status": attempt.get_status_display(), "to": Attempt.Status(to).label})
    now = timezone.now()
    attempt.status = to
    fields = ["status", "updated_at"]
    if to == S.SUBMITTED and source in (S.DRAFT, S.RETURNED):
        attempt.submitted_at = now
        attempt.return_reason = "" if source == S.RETURNED else attempt.return_reason
        fields += ["submitted_at", "return_reason"]
    if to in Attempt.DECIDED_STATUSES:
        attempt.decided_at = now
        fields.append("decided_at")
    if source in Attempt.DECIDED_STATUSES:
        attempt.decided_at = None
        fields.append("decided_at")
    if to == S.WITHDRAWN:
        attempt.withdrawn_at = now
        fields.append("withdrawn_at")
    if to == S.RETURNED:
        attempt.return_reason = reason
        fields.append("return_reason")
    attempt.save(update_fields=sorted(set(fields)))
    audit_record(actor=actor, action="attempt.transition", target=attempt,
                 data={"from": source, "to": to,
                       # the reason is free text (kept on the attempt), never in the log
                       **({"reason_given": True} if reason else {}),
                       **(data or {})})
    return attempt
