from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.catalog.badges import BADGE_MAX_BYTES, badge_clean
from microcred.catalog.models import (
    Alignment,
    Citation,
    EvidencePrompt,
    EvidencePromptTranslation,
    MethodComponent,
    MicroCredential,
    MicroCredentialTranslation,
    Part,
    PartTranslation,
    Resource,
    RubricCriterion,
    RubricCriterionTranslation,
)
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    CriterionSpec,
    CriterionText,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    PartText,
    PromptSpec,
    ResourceSpec,
    TranslationSpec,
    spec_problems,
)
from microcred.catalog.versions import version_published
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import require_role
from microcred.web.uploads import read_upload


def unique_slug(model: type[models.Model], title: str, *, fallback: str) -> str:
    """A slug from ``title`` that no row of ``model`` uses yet (``-2``, ``-3``... appended)."""
    base = slugify(title)[:100] or fallback
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locked(micro_credential_id: int) -> MicroCredential:
    try:
        return MicroCredential.objects.select_for_update().select_related("organization").get(
            pk=micro_credential_id)
    except MicroCredential.DoesNotExist:
        raise NotFound(_("No such micro-credential.")) from None


_CHILDREN = ("parts", "method_components", "citations", "resources", "alignments",
             "translations")


def _write_children(mc: MicroCredential, spec: MicroCredentialSpec) -> None:
    """Replace everything a micro-credential holds with what ``spec`` says (drafts only)."""
    # Prompts and criteria belong to parts, but also to the micro-credential directly.
    mc.prompts.all().delete()
    mc.criteria.all().delete()
    for name in _CHILDREN:
        getattr(mc, name).all().delete()
    prompt_n = criterion_n = 0
    parts: list[tuple[Part, list[EvidencePrompt], list[RubricCriterion]]] = []
    for i, ps in enumerate(spec.parts, start=1):
        part = Part.objects.create(micro_credential=mc, position=i, kind=ps.kind,
                                   title=ps.title.strip(), instructions=ps.instructions.strip())
        prompts = []
        for p in ps.prompts:
            prompt_n += 1
            prompts.append(EvidencePrompt(
                micro_credential=mc, part=part, position=prompt_n, kind=p.kind,
                prompt=p.prompt.strip(), instructions=p.instructions.strip(),
                required=p.required, word_limit=p.word_limit, max_bytes=p.max_bytes,
                accepted_kinds=list(p.accepted_kinds), allow_link=p.allow_link))
        criteria = []
        for c in ps.criteria:
            criterion_n += 1
            criteria.append(RubricCriterion(
                micro_credential=mc, part=part, position=criterion_n, name=c.name.strip(),
                pass_descriptor=c.pass_descriptor.strip(),
                not_yet_descriptor=c.not_yet_descriptor.strip(), guidance=c.guidance.strip()))
        parts.append((part, EvidencePrompt.objects.bulk_create(prompts),
                      RubricCriterion.objects.bulk_create(criteria)))
    MethodComponent.objects.bulk_create(
        MethodComponent(micro_credential=mc, position=i, name=m.name.strip(),
                        explanation=m.explanation.strip())
        for i, m in enumerate(spec.method_components, start=1))
    Citation.objects.bulk_create(
        Citation(micro_credential=mc, position=i, authors=c.authors.strip(), year=c.year,
                 title=c.title.strip(), source=c.source.strip(), url=c.url.strip())
        for i, c in enumerate(spec.citations, start=1))
    Resource.objects.bulk_create(
        Resource(micro_credential=mc, position=i, kind=r.kind, title=r.title.strip(),
                 url=r.url.strip(), description=r.description.strip())
        for i, r in enumerate(spec.resources, start=1))
    Alignment.objects.bulk_create(
        Alignment(micro_credential=mc, position=i, target_name=a.target_name.strip(),
                  target_url=a.target_url.strip(), target_framework=a.target_framework.strip(),
                  target_code=a.target_code.strip(),
                  target_description=a.target_description.strip(),
                  target_type=a.target_type.strip())
        for i, a in enumerate(spec.alignments, start=1))
    for language, t in spec.translations.items():
        MicroCredentialTranslation.objects.create(
            micro_credential=mc, language=language, title=t.title.strip(),
            competency=t.competency.strip(), key_method=t.key_method.strip())
        for (part, prompts, criteria), pt in zip(parts, t.parts, strict=True):
            PartTranslation.objects.create(part=part, language=language, title=pt.title.strip(),
                                           instructions=pt.instructions.strip())
            EvidencePromptTranslation.objects.bulk_create(
                EvidencePromptTranslation(prompt_of=p, language=language, prompt=text.strip())
                for p, text in zip(prompts, pt.prompts, strict=True))
            RubricCriterionTranslation.objects.bulk_create(
                RubricCriterionTranslation(criterion=c, language=language, name=ct.name.strip(),
                                           pass_descriptor=ct.pass_descriptor.strip(),
                                           not_yet_descriptor=ct.not_yet_descriptor.strip())
                for c, ct in zip(criteria, pt.criteria, strict=True))


_SCALARS = ("title", "competency", "key_method", "research", "language", "pass_rule",
            "pass_minimum", "topic", "audience", "level", "estimated_hours", "credit_hours",
            "ceus", "fee", "fee_currency", "sponsor_can_cover", "achievement_type",
            "badge_colour", "badge_accent")


def _scalars(spec: MicroCredentialSpec) -> dict[str, Any]:
    values = {name: getattr(spec, name) for name in _SCALARS}
    for name in ("title", "competency", "key_method", "research", "topic"):
        values[name] = values[name].strip()
    if spec.pass_rule == MicroCredential.PassRule.ALL:
        values["pass_minimum"] = None
    values["tags"] = sorted({t.strip() for t in spec.tags})
    return values


def micro_credential_write(
    *,
    actor: User,
    organization: Organization,
    spec: MicroCredentialSpec,
    micro_credential_id: int | None = None,
) -> MicroCredential:
    """Create a draft from ``spec``, or replace a draft's whole content with it.

    Refused (``ValidationFailed`` with ``problems`` keyed by path) when the spec is incomplete;
    refused (``InvalidState``) for anything but a draft: a published version is frozen, and
    changing it means drafting the next version (``micro_credential_new_version``).
    """
    require_role(actor, organization, Role.AUTHOR, Role.ADMIN,
                 message=_("Only an author of %(org)s can write its micro-credentials.")
                 % {"org": organization.name})
    problems = spec_problems(spec)
    if problems:
        raise ValidationFailed(" ".join(dict.fromkeys(problems.values())), problems=problems)
    with transaction.atomic():
        if micro_credential_id is None:
            if spec.slug and MicroCredential.objects.filter(slug=spec.slug).exists():
                raise ValidationFailed(
                    _("The address %(slug)s is taken by another micro-credential.")
                    % {"slug": spec.slug}, problems={"slug": _("This address is taken.")})
            mc = MicroCredential.objects.create(
                organization=organization,
                slug=spec.slug or unique_slug(MicroCredential, spec.title,
                                              fallback="micro-credential"),
                created_by=actor, **_scalars(spec))
            action = "micro_credential.created"
        else:
            mc = _locked(micro_credential_id)
            if mc.organization_id != organization.pk:
                raise NotAllowed(_("This micro-credential belongs to another organization."))
            if not mc.is_editable:
                raise InvalidState(
                    _("Only a draft can be changed. A published version is frozen: draft a "
                      "new version to change it."), code="not_a_draft")
            if spec.slug and spec.slug != mc.slug:
                if mc.version > 1 or MicroCredential.objects.filter(slug=spec.slug).exists():
                    raise ValidationFailed(
                        _("The address cannot change to %(slug)s.") % {"slug": spec.slug},
                        problems={"slug": _("Versions keep their first address, and an "
                                            "address in use cannot be reused.")})
                mc.slug = spec.slug
            for name, value in _scalars(spec).items():
                setattr(mc, name, value)
            mc.save()
            action = "micro_credential.updated"
        _write_children(mc, spec)
        audit_record(actor=actor, action=action, target=mc, data={"version": mc.version})
    return mc


def micro_credential_create(
    *,
    actor: User,
    organization: Organization,
    title: str,
    competency: str,
    key_method: str,
    prompts: Sequence[PromptSpec],
    criteria: Sequence[CriterionSpec],
    slug: str | None = None,
    language: str = "en",
) -> MicroCredential:
    """Create a draft with one part holding every prompt and criterion: the short form for
    quick starts (``micro_credential_write`` takes the whole model)."""
    spec = MicroCredentialSpec(
        title=title, competency=competency, key_method=key_method, slug=slug or "",
        language=language,
        parts=(PartSpec(title=_("Evidence"), prompts=tuple(prompts),
                        criteria=tuple(criteria)),) if prompts or criteria else (),
    )
    return micro_credential_write(actor=actor, organization=organization, spec=spec)


def micro_credential_spec(mc: MicroCredential) -> MicroCredentialSpec:
    """Everything ``mc`` holds, as a spec that ``micro_credential_write`` would store
    unchanged."""
    parts = list(mc.parts.prefetch_related("prompts__translations", "criteria__translations",
                                           "translations"))
    translations: dict[str, TranslationSpec] = {}
    for t in mc.translations.all():
        texts = []
        for part in parts:
            pt = next((x for x in part.translations.all() if x.language == t.language), None)
            texts.append(PartText(
                title=pt.title if pt else "", instructions=pt.instructions if pt else "",
                prompts=tuple(next((x.prompt for x in p.translations.all()
                                    if x.language == t.language), "")
                              for p in part.prompts.all()),
                criteria=tuple(
                    next((CriterionText(x.name, x.pass_descriptor, x.not_yet_descriptor)
                          for x in c.translations.all() if x.language == t.language),
                         CriterionText("", "", ""))
                    for c in part.criteria.all())))
        translations[t.language] = TranslationSpec(
            title=t.title, competency=t.competency, key_method=t.key_method, parts=tuple(texts))
    return MicroCredentialSpec(
        slug=mc.slug, tags=tuple(mc.tags),
        **{name: getattr(mc, name) for name in _SCALARS},
        parts=tuple(
            PartSpec(title=part.title, kind=part.kind, instructions=part.instructions,
                     prompts=tuple(PromptSpec(
                         kind=p.kind, prompt=p.prompt, required=p.required,
                         instructions=p.instructions, word_limit=p.word_limit,
                         max_bytes=p.max_bytes, accepted_kinds=tuple(p.accepted_kinds),
                         allow_link=p.allow_link) for p in part.prompts.all()),
                     criteria=tuple(CriterionSpec(
                         name=c.name, pass_descriptor=c.pass_descriptor,
                         not_yet_descriptor=c.not_yet_descriptor, guidance=c.guidance)
                         for c in part.criteria.all()))
            for part in parts),
        method_components=tuple(MethodComponentSpec(m.name, m.explanation)
                                for m in mc.method_components.all()),
        citations=tuple(CitationSpec(authors=c.authors, title=c.title, year=c.year,
                                     source=c.source, url=c.url) for c in mc.citations.all()),
        resources=tuple(ResourceSpec(kind=r.kind, title=r.title, url=r.url,
                                     description=r.description) for r in mc.resources.all()),
        alignments=tuple(AlignmentSpec(
            target_name=a.target_name, target_url=a.target_url,
            target_framework=a.target_framework, target_code=a.target_code,
            target_description=a.target_description, target_type=a.target_type)
            for a in mc.alignments.all()),
        translations=translations,
    )


def micro_credential_submit_for_review(*, actor: Actor,
                                       micro_credential_id: int) -> MicroCredential:
    """An author hands a complete draft to the organization's reviewers (its admins)."""
    with transaction.atomic():
        mc = _locked(micro_credential_id)
        require_role(actor, mc.organization, Role.AUTHOR, Role.ADMIN,
                     message=_("Only an author of %(org)s can do this.")
                     % {"org": mc.organization.name})
        if mc.status != MicroCredential.Status.DRAFT:
            raise InvalidState(_("Only a draft can be sent for review."), code="not_a_draft")
        if not mc.prompts.exists() or not mc.criteria.exists():
            raise InvalidState(_("Add evidence prompts and rubric criteria before sending it "
                                 "for review."), code="incomplete")
        mc.status = MicroCredential.Status.IN_REVIEW
        mc.submitted_at = timezone.now()
        mc.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(actor=actor, action="micro_credential.submitted_for_review", target=mc,
                     data={"from": "draft", "to": "in_review"})
    return mc


def micro_credential_return_to_draft(*, actor: Actor, micro_credential_id: int,
                                     note: str = "") -> MicroCredential:
    """A reviewer sends it back for changes (or an author takes it back to edit)."""
    with transaction.atomic():
        mc = _locked(micro_credential_id)
        require_role(actor, mc.organization, Role.AUTHOR, Role.ADMIN,
                     message=_("Only an author or an administrator of %(org)s can do this.")
                     % {"org": mc.organization.name})
        if mc.status != MicroCredential.Status.IN_REVIEW:
            raise InvalidState(_("Only a micro-credential in review can go back to draft."),
                               code="not_in_review")
        mc.status = MicroCredential.Status.DRAFT
        mc.review_note = note.strip()
        mc.save(update_fields=["status", "review_note", "updated_at"])
        audit_record(actor=actor, action="micro_credential.returned_to_draft", target=mc,
                     data={"from": "in_review", "to": "draft",
                           "note_given": bool(mc.review_note)})
    return mc


def micro_credential_publish(*, actor: Actor, micro_credential_id: int) -> MicroCredential:
    """Publish a version: it appears in the catalog and is frozen. Only the organization's
    administrators publish (they review what authors send them; an administrator may also
    publish their own draft). A new version supersedes the previous one."""
    with transaction.atomic():
        mc = _locked(micro_credential_id)
        org = mc.organization
        require_role(actor, org, Role.ADMIN,
                     message=_("Only an administrator of %(org)s can publish it.")
                     % {"org": org.name})
        if mc.is_published:
            raise InvalidState(_("This micro-credential is already published."),
                               code="already_published")
        if mc.is_frozen:
            raise InvalidState(_("This version was published before and cannot be published "
                                 "again."), code="frozen")
        if not mc.prompts.exists() or not mc.criteria.exists():
            raise InvalidState(_("Add evidence prompts and rubric criteria before publishing."),
                               code="incomplete")
        previous = MicroCredential.objects.select_for_update().filter(
            lineage=mc.lineage, status=MicroCredential.Status.PUBLISHED).first()
        if previous is not None:
            previous.status = MicroCredential.Status.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="micro_credential.superseded", target=previous,
                         data={"from": "published", "to": "superseded",
                               "by_version": mc.version})
        before = mc.status
        mc.status = MicroCredential.Status.PUBLISHED
        mc.published_at = timezone.now()
        mc.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(actor=actor, action="micro_credential.published", target=mc,
                     data={"from": before, "to": "published", "version": mc.version})
        if previous is not None:
            version_published.send(sender=MicroCredential, micro_credential=mc,
                                   previous=previous)
    return mc


def micro_credential_retire(*, actor: Actor, micro_credential_id: int) -> MicroCredential:
    """Take a published micro-credential out of the catalog. Credentials already issued stay
    valid, and attempts already submitted are still assessed; nobody can start a new one."""
    with transaction.atomic():
        mc = _locked(micro_credential_id)
        require_role(actor, mc.organization, Role.ADMIN,
                     message=_("Only an administrator of %(org)s can retire it.")
                     % {"org": mc.organization.name})
        if mc.status != MicroCredential.Status.PUBLISHED:
            raise InvalidState(_("Only a published micro-credential can be retired."),
                               code="not_published")
        mc.status = MicroCredential.Status.RETIRED
        mc.retired_at = timezone.now()
        mc.save(update_fields=["status", "retired_at", "updated_at"])
        audit_record(actor=actor, action="micro_credential.retired", target=mc,
                     data={"from": "published", "to": "retired"})
    return mc


def micro_credential_new_version(*, actor: User, micro_credential_id: int) -> MicroCredential:
    """Draft the next version of a published (or retired) micro-credential, starting from
    everything it holds. The published version stays live until the new one is published."""
    with transaction.atomic():
        mc = _locked(micro_credential_id)
        require_role(actor, mc.organization, Role.AUTHOR, Role.ADMIN,
                     message=_("Only an author of %(org)s can do this.")
                     % {"org": mc.organization.name})
        if not mc.is_frozen:
            raise InvalidState(_("This version is still being written: edit it instead."),
                               code="not_published")
        if MicroCredential.objects.filter(
                lineage=mc.lineage, status__in=[MicroCredential.Status.DRAFT,
                                                MicroCredential.Status.IN_REVIEW]).exists():
            raise InvalidState(_("A new version is already being written."),
                               code="draft_exists")
        latest = MicroCredential.objects.filter(lineage=mc.lineage).order_by("-version").first()
        assert latest is not None
        spec = micro_credential_spec(mc)
        draft = MicroCredential.objects.create(
            organization=mc.organization, slug=mc.slug, lineage=mc.lineage,
            version=latest.version + 1, previous_version=mc, created_by=actor,
            badge_image=mc.badge_image.name if mc.badge_image else "", **_scalars(spec))
        _write_children(draft, spec)
        audit_record(actor=actor, action="micro_credential.version_drafted", target=draft,
                     data={"from_version": mc.version, "version": draft.version})
    return draft


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def micro_credential_translate(
    *,
    actor: Actor,
    micro_credential_id: int,
    language: str,
    title: str,
    competency: str,
    key_method: str,
    prompts: dict[int, str],
    criteria: dict[int, CriterionSpec],
    parts: dict[int, tuple[str, str]] | None = None,
) -> MicroCredential:
    """Add (or replace) the micro-credential's text in one more language.

    ``prompts`` and ``criteria`` are keyed by position; ``parts`` (title, instructions) by
    part position, and when given every part needs a title. Every part must be translated, so a
    reader never sees half a rubric in one language. Drafts only: publishing freezes the text
    learners and assessors rely on, in every language.
    """
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().select_related("organization").get(
            pk=micro_credential_id
        )
        org = mc.organization
        require_role(actor, org, Role.AUTHOR, Role.ADMIN,
                     message=_("Only an author of %(org)s can translate it.") % {"org": org.name})
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
        all_parts = list(mc.parts.all())
        if parts is not None and any(not parts.get(p.position, ("", ""))[0].strip()
                                     for p in all_parts):
            problems["parts"] = _("Translate the title of every part.")
        if problems:
            raise ValidationFailed(" ".join(problems.values()), problems=problems)
        for part in all_parts if parts is not None else ():
            title_text, instructions_text = parts[part.position]  # type: ignore[index]
            PartTranslation.objects.update_or_create(
                part=part, language=language,
                defaults={"title": title_text.strip(),
                          "instructions": instructions_text.strip()})
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


def _badge_target(actor: Actor, micro_credential_id: int) -> MicroCredential:
    mc = _locked(micro_credential_id)
    require_role(actor, mc.organization, Role.AUTHOR, Role.ADMIN,
                 message=_("Only an author of %(org)s can change its badges.")
                 % {"org": mc.organization.name})
    if not mc.is_editable:
        raise InvalidState(_("Only a draft's badge can change. A published version is frozen: "
                             "draft a new version to change it."), code="not_a_draft")
    return mc


def micro_credential_badge_set(*, actor: Actor, micro_credential_id: int,
                               upload: Any) -> MicroCredential:
    """Store an uploaded badge image, cleaned (``badges.badge_clean``): a PNG re-encoded or an
    SVG rebuilt from an allow-list. Refused (``ValidationFailed``) when it cannot be made safe.
    The previous file is kept: earlier versions may still point at it."""
    data = read_upload(upload, limit=BADGE_MAX_BYTES)  # whole, or refused as too large
    clean, suffix = badge_clean(data, getattr(upload, "name", "") or "")
    with transaction.atomic():
        mc = _badge_target(actor, micro_credential_id)
        mc.badge_image.save(f"badge{suffix}", ContentFile(clean), save=False)
        mc.save(update_fields=["badge_image", "updated_at"])
        audit_record(actor=actor, action="micro_credential.badge_set", target=mc,
                     data={"kind": suffix.lstrip("."), "bytes": len(clean)})
    return mc


def micro_credential_badge_clear(*, actor: Actor, micro_credential_id: int) -> MicroCredential:
    """Go back to the badge generated from the title and the badge colours."""
    with transaction.atomic():
        mc = _badge_target(actor, micro_credential_id)
        mc.badge_image = ""
        mc.save(update_fields=["badge_image", "updated_at"])
        audit_record(actor=actor, action="micro_credential.badge_cleared", target=mc, data={})
    return mc
