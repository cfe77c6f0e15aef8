"""Whether a learner's credentials complete a stack: the one definition of "complete".

A stack (``catalog.models.Stack``) names micro-credentials by ``lineage``: a credential for any
version of a member counts. When a member credential is signed, ``issuance.stack_credentials``
asks :func:`stack_completion` whether the learner's credentials now complete each published
stack holding it, and requests the stack's own credential if they do; the learner's pathway page
(``microcred.learner.progress``) shows the same answer, member by member.

What counts as earned: an issued credential for the member (any version, renewals included)
that is valid now, that is neither revoked nor suspended nor past its ``validUntil``. A revoked
member credential stops counting; a stack credential already issued is not withdrawn when a
member is revoked later (an issuer revokes it by hand if they want to; see
``issuance.stack_credentials``).

The rules:
- ``all``: every member earned, in any order.
- ``any_n``: at least ``required_count`` members earned.
- ``in_order``: every member earned, and in the order of their positions: walking the members
  in order, each needs a credential issued no earlier than the one counted for the member
  before it. A member earned out of order does not complete the stack (earning it again
  later, e.g. a renewal, does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from microcred.catalog.models import Stack, StackMember
from microcred.issuance.models import Credential

__all__ = ["StackCompletion", "stack_completion"]


@dataclass(frozen=True)
class StackCompletion:
    """Where a learner's credentials leave a stack."""

    stack: Stack
    #: The members, by position.
    members: list[StackMember]
    #: The learner's valid credentials per member lineage, oldest first (members with none
    #: are left out).
    credentials: dict[UUID, list[Credential]]
    complete: bool
    #: How many members the rule needs (all of them, or N).
    needed_count: int
    #: For ``in_order``: the position of the first member the chain of credentials does not
    #: reach (None: it reaches every member, or the rule is another).
    break_position: int | None
    #: The credentials that complete the stack, in member order (empty until complete).
    completing_credentials: list[Credential]

    def earned(self, member: StackMember) -> bool:
        """Whether the learner holds a valid credential for ``member`` (in order or not)."""
        return bool(self.credentials.get(member.lineage))

    @property
    def earned_count(self) -> int:
        return sum(1 for m in self.members if self.earned(m))


def _valid_credentials(learner: Any, lineages: list[UUID]) -> dict[UUID, list[Credential]]:
    """The learner's valid credentials per member lineage, oldest first."""
    now = timezone.now()
    rows = (Credential.objects.filter(
        learner=learner, status=Credential.Status.ISSUED, stack__isnull=True,
        micro_credential__lineage__in=lineages, revoked_at__isnull=True,
        suspended_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("micro_credential").order_by("issued_at", "pk"))
    by_lineage: dict[UUID, list[Credential]] = {}
    for row in rows:
        by_lineage.setdefault(row.micro_credential.lineage, []).append(row)
    return by_lineage


def _in_order_chain(members: list[StackMember], credentials: dict[UUID, list[Credential]],
                    ) -> tuple[list[Credential], int | None]:
    """For ``in_order``: walking the members by position, the earliest credential of each
    issued no earlier than the one taken for the member before it. Returns the credentials
    taken and the position where the chain breaks (None: unbroken, the stack is complete)."""
    chosen: list[Credential] = []
    after: tuple[datetime, int] | None = None
    for member in members:
        # Issue times have whole seconds; within one second the earlier request comes first.
        found = next((c for c in credentials.get(member.lineage, [])
                      if after is None or (c.issued_at, c.pk) > after), None)
        if found is None:
            return chosen, member.position
        chosen.append(found)
        after = (found.issued_at, found.pk)
    return chosen, None


def stack_completion(*, learner: Any, stack: Stack) -> StackCompletion:
    """Whether ``learner``'s valid credentials meet ``stack``'s rule, and which ones do. An
    anonymous visitor holds none."""
    members = list(stack.members.select_related("micro_credential").order_by("position"))
    credentials = (_valid_credentials(learner, [m.lineage for m in members])
                   if learner.is_authenticated else {})
    earned = [m for m in members if credentials.get(m.lineage)]
    break_position: int | None = None
    completing: list[Credential] = []
    if stack.rule == Stack.Rule.ANY_N:
        needed = min(stack.required_count or len(members), len(members))
        complete = bool(members) and len(earned) >= needed
        if complete:
            completing = [credentials[m.lineage][0] for m in earned]
    elif stack.rule == Stack.Rule.IN_ORDER:
        needed = len(members)
        chain, break_position = _in_order_chain(members, credentials)
        complete = bool(members) and break_position is None
        completing = chain if complete else []
    else:
        needed = len(members)
        complete = bool(members) and len(earned) == len(members)
        if complete:
            completing = [credentials[m.lineage][0] for m in members]
    return StackCompletion(stack=stack, members=members, credentials=credentials,
                           complete=complete, needed_count=needed,
                           break_position=break_position, completing_credentials=completing)
