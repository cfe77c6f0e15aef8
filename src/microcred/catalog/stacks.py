"""Stacks (pathways): micro-credentials grouped toward a larger goal, and a learner's progress.

A stack names micro-credentials by ``lineage``: a credential for any version of a member counts.
Completing a published stack earns the stack's own credential; that is issued by
``microcred.issuance.stack_credentials`` when a member credential is signed, using
:func:`stack_progress` below as the one definition of "complete".

What counts as earned: an issued credential for the member (any version, renewals included)
that is valid now, that is neither revoked nor suspended nor past its ``validUntil``. A revoked
member credential stops counting for progress; a stack credential already issued is not
withdrawn when a member is revoked later (an issuer revokes it by hand if they want to; see
``issuance.stack_credentials``).

The rules:
- ``all``: every member earned, in any order.
- ``any_n``: at least ``required_count`` members earned.
- ``in_order``: every member earned, and in the order of their positions: walking the members
  in order, each needs a credential issued no earlier than the one counted for the member
  before it. A member earned out of order does not complete the stack (earning it again
  later, e.g. a renewal, does), and on the pathway page the members after the next one are
  shown as locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential, Stack, StackMember
from microcred.catalog.services import unique_slug
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import user_has_role, user_may_author

__all__ = [
    "ACHIEVEMENT_TYPES",
    "MemberProgress",
    "MemberState",
    "StackProgress",
    "stack_create",
    "stack_progress",
    "stack_publish",
    "stack_retire",
    "stack_update",
    "rule_sentence",
]

#: The OB 3.0 achievementType values offered for a stack (the vocabulary is extensible; these
#: are the ones that describe a group of micro-credentials).
ACHIEVEMENT_TYPES = ("Certificate", "Certification", "CertificateOfCompletion", "Diploma",
                     "Badge", "Award", "Achievement")


def _may_author(actor: Actor, organization: Organization) -> bool:
    return user_may_author(user=actor, organization=organization)


def _is_admin(actor: Actor, organization: Organization) -> bool:
    return user_has_role(user=actor, organization=organization, role=Role.ADMIN)


def _problems(
    *, organization: Organization, title: str, description: str, rule: str,
    required_count: int | None, achievement_type: str, members: Sequence[MicroCredential],
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = _("Give the stack a title.")
    if not description.strip():
        problems["description"] = _("Describe what completing the stack shows.")
    if rule not in Stack.Rule.values:
        problems["rule"] = _("Choose a completion rule.")
    if achievement_type not in ACHIEVEMENT_TYPES:
        problems["achievement_type"] = _("Choose a kind of achievement.")
    if not members:
        problems["members"] = _("Choose at least one micro-credential.")
    elif any(mc.organization_id != organization.pk for mc in members):
        problems["members"] = _("A stack holds only its own organization's micro-credentials.")
    elif len({mc.lineage for mc in members}) != len(members):
        problems["members"] = _("Each micro-credential can be in a stack once.")
    if rule == Stack.Rule.ANY_N:
        if required_count is None or required_count < 1:
            problems["required_count"] = _("Say how many micro-credentials are needed.")
        elif members and required_count > len(members):
            problems["required_count"] = _("The stack does not hold that many "
                                           "micro-credentials.")
    return problems


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationFailed(_("The stack cannot be saved: %(problems)s")
                               % {"problems": " ".join(problems.values())},
                               problems=problems)


def _write_members(stack: Stack, members: Sequence[MicroCredential]) -> None:
    stack.members.all().delete()
    StackMember.objects.bulk_create([
        StackMember(stack=stack, position=i, micro_credential=mc, lineage=mc.lineage)
        for i, mc in enumerate(members, start=1)
    ])


def stack_create(
    *,
    actor: Actor,
    organization: Organization,
    title: str,
    description: str,
    rule: str,
    required_count: int | None = None,
    achievement_type: str = "Certificate",
    members: Sequence[MicroCredential],
    slug: str = "",
    language: str = "en",
) -> Stack:
    """A draft stack of ``members`` in that order. Authors and administrators of the
    organization; members may still be drafts (publishing needs them published)."""
    if not _may_author(actor, organization):
        raise NotAllowed(_("Only an author of %(org)s can make its stacks.")
                         % {"org": organization.name})
    title, description = (title or "").strip(), (description or "").strip()
    members = list(members)
    problems = _problems(organization=organization, title=title, description=description,
                         rule=rule, required_count=required_count,
                         achievement_type=achievement_type, members=members)
    slug = (slug or "").strip()
    if slug and (slugify(slug) != slug or Stack.objects.filter(slug=slug).exists()):
        problems["slug"] = _("That address is taken or not a valid address.")
    _raise_if(problems)
    try:
        with transaction.atomic():
            stack = Stack.objects.create(
                organization=organization, title=title,
                slug=slug or unique_slug(Stack, title, fallback="stack"),
                description=description, language=language or "en", rule=rule,
                required_count=required_count if rule == Stack.Rule.ANY_N else None,
                achievement_type=achievement_type, created_by=actor,
            )
            _write_members(stack, members)
            audit_record(actor=actor, action="stack.created", target=stack,
                         data={"members": [mc.pk for mc in members], "rule": rule})
    except IntegrityError:
        # Two people chose the same address at the same moment.
        raise ValidationFailed(_("That address is taken."),
                               problems={"slug": _("That address is taken.")}) from None
    return stack


def _locked(stack_id: int) -> Stack:
    try:
        return Stack.objects.select_for_update().select_related("organization").get(pk=stack_id)
    except Stack.DoesNotExist:
        raise NotFound(_("No such stack.")) from None


def stack_update(
    *,
    actor: Actor,
    stack_id: int,
    title: str | None = None,
    description: str | None = None,
    rule: str | None = None,
    required_count: int | None = None,
    achievement_type: str | None = None,
    members: Sequence[MicroCredential] | None = None,
    language: str | None = None,
) -> Stack:
    """Change a draft stack; ``None`` keeps a field as it is. A published stack is frozen:
    learners are working toward the rule they were shown."""
    with transaction.atomic():
        stack = _locked(stack_id)
        if not _may_author(actor, stack.organization):
            raise NotAllowed(_("Only an author of %(org)s can change its stacks.")
                             % {"org": stack.organization.name})
        if stack.status != Stack.Status.DRAFT:
            raise InvalidState(_("Only a draft stack can be changed."), code="not_a_draft")
        new_members = list(members) if members is not None else [
            m.micro_credential for m in stack.members.select_related("micro_credential")]
        stack.title = (title if title is not None else stack.title).strip()
        stack.description = (description if description is not None
                             else stack.description).strip()
        stack.rule = rule if rule is not None else stack.rule
        stack.achievement_type = achievement_type or stack.achievement_type
        stack.language = language or stack.language
        count = required_count if required_count is not None else stack.required_count
        stack.required_count = count if stack.rule == Stack.Rule.ANY_N else None
        _raise_if(_problems(organization=stack.organization, title=stack.title,
                            description=stack.description, rule=stack.rule,
                            required_count=stack.required_count,
                            achievement_type=stack.achievement_type, members=new_members))
        stack.save()
        if members is not None:
            _write_members(stack, new_members)
        audit_record(actor=actor, action="stack.updated", target=stack,
                     data={"members": [mc.pk for mc in new_members], "rule": stack.rule})
    return stack


def stack_publish(*, actor: Actor, stack_id: int) -> Stack:
    """Open a draft stack to learners. Administrators of the organization only, and every
    member must have a published version (the one learners can earn now)."""
    with transaction.atomic():
        stack = _locked(stack_id)
        if not _is_admin(actor, stack.organization):
            raise NotAllowed(_("Only an administrator of %(org)s can publish its stacks.")
                             % {"org": stack.organization.name})
        if stack.status != Stack.Status.DRAFT:
            raise InvalidState(_("This stack is already published or retired."),
                               code="not_a_draft")
        members = list(stack.members.select_related("micro_credential"))
        if not members:
            raise ValidationFailed(_("A stack needs at least one micro-credential."),
                                   problems={"members": _("Choose at least one "
                                                          "micro-credential.")})
        published = set(MicroCredential.objects.filter(
            lineage__in=[m.lineage for m in members], status=MicroCredential.Status.PUBLISHED,
        ).values_list("lineage", flat=True))
        unpublished = [m.micro_credential.title for m in members if m.lineage not in published]
        if unpublished:
            message = (_("Publish these micro-credentials first: %(titles)s")
                       % {"titles": ", ".join(unpublished)})
            raise ValidationFailed(message, code="members_unpublished",
                                   problems={"members": message})
        stack.status = Stack.Status.PUBLISHED
        stack.published_at = timezone.now()
        stack.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="stack.published", target=stack)
    return stack


def stack_retire(*, actor: Actor, stack_id: int) -> Stack:
    """Close a published stack: no new stack credentials; those issued stay valid."""
    with transaction.atomic():
        stack = _locked(stack_id)
        if not _is_admin(actor, stack.organization):
            raise NotAllowed(_("Only an administrator of %(org)s can retire its stacks.")
                             % {"org": stack.organization.name})
        if stack.status != Stack.Status.PUBLISHED:
            raise InvalidState(_("Only a published stack can be retired."),
                               code="not_published")
        stack.status = Stack.Status.RETIRED
        stack.save(update_fields=["status"])
        audit_record(actor=actor, action="stack.retired", target=stack)
    return stack


def rule_sentence(stack: Stack, count: int) -> str:
    """The completion rule in plain words, in the active language."""
    if stack.rule == Stack.Rule.ANY_N:
        n = stack.required_count or count
        return ngettext("Earn any %(n)s of these %(count)s micro-credentials:",
                        "Earn any %(n)s of these %(count)s micro-credentials:",
                        n) % {"n": n, "count": count}
    if stack.rule == Stack.Rule.IN_ORDER:
        return npgettext("stack rule: in order", "Earn this micro-credential:",
                         "Earn these %(count)s micro-credentials, in this order:",
                         count) % {"count": count}
    return npgettext("stack rule: all", "Earn this micro-credential:",
                     "Earn all %(count)s of these micro-credentials, in any order:",
                     count) % {"count": count}


# -- a learner's progress ----------------------------------------------------------------------


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
    credential: Any = None
    # The learner's latest attempt at any version of the member (None if never started).
    attempt: Any = None
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
    completing_credentials: list[Any] = field(default_factory=list)

    @property
    def next_member(self) -> MemberProgress | None:
        return next((m for m in self.members if m.is_next), None)

    @property
    def shown_count(self) -> int:
        """Earned members toward the rule, capped at what the rule needs (for the bar)."""
        return min(self.earned_count, self.needed_count)


def _valid_credentials(learner: Any, lineages: list[Any]) -> dict[Any, list[Any]]:
    """The learner's valid credentials per member lineage, oldest first."""
    from microcred.issuance.models import Credential

    now = timezone.now()
    rows = (Credential.objects.filter(
        learner=learner, status=Credential.Status.ISSUED, stack__isnull=True,
        micro_credential__lineage__in=lineages, revoked_at__isnull=True,
        suspended_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("micro_credential").order_by("issued_at", "pk"))
    by_lineage: dict[Any, list[Any]] = {}
    for row in rows:
        by_lineage.setdefault(row.micro_credential.lineage, []).append(row)
    return by_lineage


def _in_order_chain(members: list[StackMember],
                    credentials: dict[Any, list[Any]]) -> tuple[list[Any], int | None]:
    """For ``in_order``: walking the members by position, the earliest credential of each
    issued no earlier than the one taken for the member before it. Returns the credentials
    taken and the position where the chain breaks (None: unbroken, the stack is complete)."""
    chosen: list[Any] = []
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


def _attempt_state(attempt: Any) -> str:
    from microcred.earning.models import Attempt

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
    from microcred.issuance.models import Credential

    if attempt.credentials.filter(status=Credential.Status.PENDING).exists():
        return MemberState.IN_REVIEW
    return MemberState.NOT_STARTED


def stack_progress(*, learner: Any, stack: Stack) -> StackProgress:
    """Where ``learner`` stands in ``stack``: each member earned, in progress or not started
    (or locked, for ``in_order``), whether the rule is met, and credit hours."""
    from microcred.earning.models import Attempt

    members = list(stack.members.select_related("micro_credential").order_by("position"))
    lineages = [m.lineage for m in members]
    credentials = _valid_credentials(learner, lineages) if learner.is_authenticated else {}
    attempts: dict[Any, Any] = {}
    if learner.is_authenticated:
        for attempt in (Attempt.objects.filter(learner=learner,
                                               micro_credential__lineage__in=lineages)
                        .select_related("micro_credential").order_by("pk")):
            attempts[attempt.micro_credential.lineage] = attempt  # the latest wins

    earned = {m.lineage for m in members if credentials.get(m.lineage)}
    in_order = stack.rule == Stack.Rule.IN_ORDER
    chain, break_position = _in_order_chain(members, credentials) if in_order else ([], None)

    rows: list[MemberProgress] = []
    for m in members:
        attempt = attempts.get(m.lineage)
        if in_order and break_position is not None and m.position >= break_position:
            if m.lineage in earned:
                state = MemberState.OUT_OF_ORDER
            else:
                state = _attempt_state(attempt)
                if m.position > break_position and state == MemberState.NOT_STARTED:
                    state = MemberState.LOCKED
        elif m.lineage in earned:
            state = MemberState.EARNED
        else:
            state = _attempt_state(attempt)
        rows.append(MemberProgress(
            member=m, state=state,
            credential=credentials[m.lineage][-1] if m.lineage in earned else None,
            attempt=attempt))

    earned_count = len(earned)
    completing: list[Any] = []
    if stack.rule == Stack.Rule.ANY_N:
        needed = min(stack.required_count or len(members), len(members))
        complete = bool(members) and earned_count >= needed
        if complete:
            completing = [credentials[m.lineage][0] for m in members if m.lineage in earned]
    elif in_order:
        needed = len(members)
        complete = bool(members) and break_position is None
        completing = chain if complete else []
    else:
        needed = len(members)
        complete = bool(members) and earned_count == len(members)
        if complete:
            completing = [credentials[m.lineage][0] for m in members]

    if not complete:
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
        stack=stack, members=rows, complete=complete, earned_count=earned_count,
        needed_count=needed,
        credit_hours_earned=sum((r.credential.micro_credential.credit_hours or zero
                                 for r in rows if r.credential is not None), zero),
        credit_hours_total=sum((m.micro_credential.credit_hours or zero for m in members), zero),
        completing_credentials=completing,
    )
