from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.services import audit_record
from microcred.catalog.models import EvidencePrompt, MicroCredential, RubricCriterion
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import user_has_role


@dataclass(frozen=True)
class PromptSpec:
    kind: str
    prompt: str
    required: bool = True


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    pass_descriptor: str
    not_yet_descriptor: str


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "micro-credential"
    slug, n = base, 2
    while MicroCredential.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def micro_credential_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    competency: str,
    key_method: str,
    prompts: Sequence[PromptSpec],
    criteria: Sequence[CriterionSpec],
    slug: str | None = None,
) -> MicroCredential:
    """Create a draft micro-credential with its evidence prompts and rubric."""
    if not (user_has_role(user=actor, organization=organization, role=Role.AUTHOR)
            or user_has_role(user=actor, organization=organization, role=Role.ADMIN)):
        raise NotAllowed(_("Only an author of %(org)s can create its micro-credentials.")
                         % {"org": organization.name})
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = _("Give the micro-credential a title.")
    if not competency.strip():
        problems["competency"] = _("State the competency it certifies.")
    if not key_method.strip():
        problems["key_method"] = _("Describe the key method.")
    if not prompts:
        problems["prompts"] = _("Add at least one evidence prompt.")
    if not criteria:
        problems["criteria"] = _("Add at least one rubric criterion.")
    for p in prompts:
        if p.kind not in EvidencePrompt.Kind.values or not p.prompt.strip():
            problems["prompts"] = _("Each evidence prompt needs a kind and a question.")
    for c in criteria:
        if not (c.name.strip() and c.pass_descriptor.strip() and c.not_yet_descriptor.strip()):
            problems["criteria"] = _(
                "Each criterion needs a name, a Pass descriptor and a Not Yet descriptor."
            )
    if problems:
        raise ValidationFailed(" ".join(problems.values()), problems=problems)
    with transaction.atomic():
        mc = MicroCredential.objects.create(
            organization=organization,
            slug=slug or _unique_slug(title),
            title=title.strip(),
            competency=competency.strip(),
            key_method=key_method.strip(),
            created_by=actor,
        )
        EvidencePrompt.objects.bulk_create(
            EvidencePrompt(micro_credential=mc, position=i, kind=p.kind, prompt=p.prompt.strip(),
                           required=p.required)
            for i, p in enumerate(prompts, start=1)
        )
        RubricCriterion.objects.bulk_create(
            RubricCriterion(micro_credential=mc, position=i, name=c.name.strip(),
                            pass_descriptor=c.pass_descriptor.strip(),
                            not_yet_descriptor=c.not_yet_descriptor.strip())
            for i, c in enumerate(criteria, start=1)
        )
        audit_record(actor=actor, action="micro_credential.created", target=mc)
    return mc


def micro_credential_publish(*, actor: Any, micro_credential_id: int) -> MicroCredential:
    """Publish a draft: it appears in the catalog and its rubric is frozen."""
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().select_related("organization").get(
            pk=micro_credential_id
        )
        org = mc.organization
        if not (user_has_role(user=actor, organization=org, role=Role.AUTHOR)
                or user_has_role(user=actor, organization=org, role=Role.ADMIN)):
            raise NotAllowed(_("Only an author of %(org)s can publish it.") % {"org": org.name})
        if mc.is_published:
            raise InvalidState(_("This micro-credential is already published."),
                               code="already_published")
        if not mc.prompts.exists() or not mc.criteria.exists():
            raise InvalidState(_("Add evidence prompts and rubric criteria before publishing."))
        mc.status = MicroCredential.Status.PUBLISHED
        mc.published_at = timezone.now()
        mc.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="micro_credential.published", target=mc)
    return mc
