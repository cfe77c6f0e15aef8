"""A learner's progress through a stack (pathway): where each member stands for them.

Whether the stack is complete, and which credentials count, is issuance's answer
(:func:`microcred.issuance.stack_completion.stack_completion`, the same one that issues the
stack credential); this adds what the learner is doing about the rest, from their attempts:
in review, in progress, scored Not Yet, not started, and for ``in_order`` stacks the members
after the next one shown as locked, and the next step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from microcred.catalog.models import MicroCredential, Stack, StackMember
from microcred.earning.models import Attempt
from microcred.issuance.models import Credential
from microcred.issuance.stack_completion import stack_completion

__all__ = ["MemberProgress", "MemberState", "StackProgress", "stack_progress"]


class MemberState:
    EARNED = "earned"
    IN_REVIEW = "in_review"
    IN_PROGRESS = "in_progress"
    NOT_YET = "not_yet"
    NOT_STARTED = "not_started"
    LOCKED = "locked"
    # in_order: a valid credential, but issued before the member above it was earned.
    OUT_OF_ORDER = "out_of_order"


@dataclass(frozen=True)
class MemberProgress:
    member: StackMember
    state: str
    # The valid credential counted for this member (None unless earned).
    credential: Credential | None = None
    # The learner's latest attempt at any version of the member (None if never started).
    attempt: Attempt | None = None
    is_next: bool = False

    @property
    def micro_credential(self) -> MicroCredential:
        return self.member.micro_credential

    @property
    def earned(self) -> bool:
        return self.state == MemberState.EARNED


@dataclass(frozen=True)
class StackProgress:
    stack: Stack
    members: list[MemberProgress]
    complete: bool
    earned_count: int
    # How many members the rule needs (all of them, or N).
    needed_count: int
    credit_hours_earned: Decimal
    credit_hours_total: Decimal
    # The credentials that complete the stack, in member order (empty until complete).
    completing_credentials: list[Credential] = field(default_factory=list)

    @property
    def next_member(self) -> MemberProgress | None:
        return next((m for m in self.members if m.is_next), None)

    @property
    def shown_count(self) -> int:
        """Earned members toward the rule, capped at what the rule needs (for the bar)."""
        return min(self.earned_count, self.needed_count)


def _attempt_state(attempt: Attempt | None) -> str:
    if attempt is None or attempt.status == Attempt.Status.WITHDRAWN:
        return MemberState.NOT_STARTED
    if attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.IN_REVIEW):
        return MemberState.IN_REVIEW
    if attempt.status in (Attempt.Status.DRAFT, Attempt.Status.RETURNED):
        return MemberState.IN_PROGRESS
    if attempt.status == Attempt.Status.NOT_YET:
        return MemberState.NOT_YET
    # Passed, but no valid credential: still being issued, or revoked, suspended or expired
    # (those no longer count; the learner starts again).
    if attempt.credentials.filter(status=Credential.Status.PENDING).exists():
        return MemberState.IN_REVIEW
    return MemberState.NOT_STARTED


def _latest_attempts(learner: Any, lineages: list[UUID]) -> dict[UUID, Attempt]:
    """The learner's latest attempt at any version of each member."""
    attempts: dict[UUID, Attempt] = {}
    if learner.is_authenticated:
        for attempt in (Attempt.objects.filter(learner=learner,
                                               micro_credential__lineage__in=lineages)
                        .select_related("micro_credential").order_by("pk")):
            attempts[attempt.micro_credential.lineage] = attempt  # the latest wins
    return attempts


def stack_progress(*, learner: Any, stack: Stack) -> StackProgress:
    """Where ``learner`` stands in ``stack``: each member earned, in progress or not started
    (or locked, for ``in_order``), whether the rule is met, and credit hours."""
    completion = stack_completion(learner=learner, stack=stack)
    members = completion.members
    attempts = _latest_attempts(learner, [m.lineage for m in members])
    in_order = stack.rule == Stack.Rule.IN_ORDER
    break_position = completion.break_position

    rows: list[MemberProgress] = []
    for m in members:
        attempt = attempts.get(m.lineage)
        earned = completion.earned(m)
        if in_order and break_position is not None and m.position >= break_position:
            if earned:
                state = MemberState.OUT_OF_ORDER
            else:
                state = _attempt_state(attempt)
                if m.position > break_position and state == MemberState.NOT_STARTED:
                    state = MemberState.LOCKED
        elif earned:
            state = MemberState.EARNED
        else:
            state = _attempt_state(attempt)
        rows.append(MemberProgress(
            member=m, state=state,
            credential=completion.credentials[m.lineage][-1] if earned else None,
            attempt=attempt))

    if not completion.complete:
        # The next step: for in_order the member where the chain breaks; otherwise the first
        # member the learner can act on (not earned, not waiting on an assessor).
        actionable = (MemberState.NOT_STARTED, MemberState.IN_PROGRESS, MemberState.NOT_YET,
                      MemberState.OUT_OF_ORDER)
        first = next((r for r in rows if (r.member.position == break_position if in_order
                                          else r.state in actionable)), None)
        rows = [MemberProgress(member=r.member, state=r.state, credential=r.credential,
                               attempt=r.attempt, is_next=r is first) for r in rows]

    zero = Decimal("0")
    return StackProgress(
        stack=stack, members=rows, complete=completion.complete,
        earned_count=completion.earned_count, needed_count=completion.needed_count,
        credit_hours_earned=sum((r.credential.micro_credential.credit_hours or zero
                                 for r in rows if r.credential is not None), zero),
        credit_hours_total=sum((m.micro_credential.credit_hours or zero for m in members), zero),
        completing_credentials=completion.completing_credentials,
    )
