from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.services import audit_record
from microcred.catalog.models import (
    EvidencePrompt,
    EvidencePromptTranslation,
    MicroCredential,
    MicroCredentialTranslation,
    RubricCriterion,
    RubricCriterionTranslation,
)
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
    language: str = "en",
) -> MicroCredential:
    """Create a draft micro-credential with its evidence prompts and rubric, written in
    ``language``."""
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
    if language not in _languages():
        problems["language"] = _("Choose one of the site's languages.")
    if problems:
        raise ValidationFailed(" ".join(problems.values()), problems=problems)
    with transaction.atomic():
        mc = MicroCredential.objects.create(
            language=language,
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


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def micro_credential_translate(
    *,
    actor: Any,
    micro_credential_id: int,
    language: str,
    title: str,
    competency: str,
    key_method: str,
    prompts: dict[int, str],
    criteria: dict[int, CriterionSpec],
) -> MicroCredential:
    """Add (or replace) the micro-credential's text in one more language.

    ``prompts`` and ``criteria`` are keyed by position. Every part must be translated, so a
    reader never sees half a rubric in one language. Drafts only: publishing freezes the text
    learners and assessors rely on, in every language.
    """
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().select_related("organization").get(
            pk=micro_credential_id
        )
        org = mc.organization
        if not (user_has_role(user=actor, organization=org, role=Role.AUTHOR)
                or user_has_role(user=actor, organization=org, role=Role.ADMIN)):
            raise NotAllowed(_("Only an author of %(org)s can translate it.") % {"org": org.name})
        if mc.is_published:
            raise InvalidState(_("A published micro-credential is frozen; translate it before "
                                 "publishing."), code="already_published")
        all_prompts = list(mc.prompts.all())
        all_criteria = list(mc.criteria.all())
        problems: dict[str, str] = {}
        if language not in _languages() or language == mc.language:
            problems["language"] = _("Choose a language other than the one it is written in.")
        if not (title.strip() and competency.strip() and key_method.strip()):
            problems["title"] = _("Translate the title, the competency and the key method.")
        if any(not prompts.get(p.position, "").strip() for p in all_prompts):
            problems["prompts"] = _("Translate every evidence prompt.")
        for c in all_criteria:
            spec = criteria.get(c.position)
            if spec is None or not (spec.name.strip() and spec.pass_descriptor.strip()
                                    and spec.not_yet_descriptor.strip()):
                problems["criteria"] = _("Translate every criterion and both its descriptors.")
        if problems:
            raise ValidationFailed(" ".join(problems.values()), problems=problems)
        MicroCredentialTranslation.objects.update_or_create(
            micro_credential=mc, language=language,
            defaults={"title": title.strip(), "competency": competency.strip(),
                      "key_method": key_method.strip()})
        for p in all_prompts:
            EvidencePromptTranslation.objects.update_or_create(
                prompt_of=p, language=language,
                defaults={"prompt": prompts[p.position].strip()})
        for c in all_criteria:
            spec = criteria[c.position]
            RubricCriterionTranslation.objects.update_or_create(
                criterion=c, language=language,
                defaults={"name": spec.name.strip(),
                          "pass_descriptor": spec.pass_descriptor.strip(),
                          "not_yet_descriptor": spec.not_yet_descriptor.strip()})
        audit_record(actor=actor, action="micro_credential.translated", target=mc,
                     data={"language": language})
    return mc
