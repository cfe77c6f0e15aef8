"""Stacks (pathways): micro-credentials grouped toward a larger goal, as their organization
defines them: authoring (create, change a draft, publish, retire) and the rule in words.

A stack names micro-credentials by ``lineage``: a credential for any version of a member counts.
The rule (``all``, ``any_n`` or ``in_order``) is applied to a learner's credentials by
``microcred.issuance.stack_completion`` (the stack's own credential is issued when it is met:
``issuance.stack_credentials``); a learner's progress through a stack is
``microcred.learner.progress``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.catalog.models import MicroCredential, Stack, StackMember
from microcred.catalog.services import unique_slug
from microcred.errors import InvalidState, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import require_role

__all__ = [
    "ACHIEVEMENT_TYPES",
    "stack_create",
    "stack_publish",
    "stack_retire",
    "stack_update",
    "rule_sentence",
]

#: The OB 3.0 achievementType values offered for a stack (the vocabulary is extensible; these
#: are the ones that describe a group of micro-credentials).
ACHIEVEMENT_TYPES = ("Certificate", "Certification", "CertificateOfCompletion", "Diploma",
                     "Badge", "Award", "Achievement")


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
    require_role(actor, organization, Role.AUTHOR, Role.ADMIN,
                 message=_("Only an author of %(org)s can make its stacks.")
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
        require_role(actor, stack.organization, Role.AUTHOR, Role.ADMIN,
                     message=_("Only an author of %(org)s can change its stacks.")
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
        require_role(actor, stack.organization, Role.ADMIN,
                     message=_("Only an administrator of %(org)s can publish its stacks.")
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
        require_role(actor, stack.organization, Role.ADMIN,
                     message=_("Only an administrator of %(org)s can retire its stacks.")
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

