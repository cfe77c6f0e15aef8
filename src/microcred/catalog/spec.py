"""A whole micro-credential as plain values: what authoring pages, the import/export format and
new versions read and write. ``micro_credential_write`` stores one; ``spec_of`` reads one back.

Nothing here touches the database; ``spec_problems`` says, by path, what is wrong with a spec
(``parts[1].prompts[0].prompt``), so a form, an import file and an API can all name the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from microcred.catalog.models import (
    EvidencePrompt,
    MicroCredential,
    Part,
    Resource,
)

__all__ = [
    "AlignmentSpec", "CitationSpec", "CriterionSpec", "CriterionText", "MethodComponentSpec",
    "MicroCredentialSpec", "PartSpec", "PartText", "PromptSpec", "ResourceSpec",
    "TranslationSpec", "spec_problems",
]

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[-a-z0-9]{1,120}$")
_URL = re.compile(r"^https?://[^\s]+$")


@dataclass(frozen=True)
class PromptSpec:
    kind: str
    prompt: str
    required: bool = True
    instructions: str = ""
    word_limit: int | None = None
    max_bytes: int | None = None
    accepted_kinds: tuple[str, ...] = ()
    allow_link: bool = True


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    pass_descriptor: str
    not_yet_descriptor: str
    guidance: str = ""


@dataclass(frozen=True)
class PartSpec:
    title: str
    kind: str = Part.Kind.OTHER
    instructions: str = ""
    prompts: tuple[PromptSpec, ...] = ()
    criteria: tuple[CriterionSpec, ...] = ()


@dataclass(frozen=True)
class MethodComponentSpec:
    name: str
    explanation: str = ""


@dataclass(frozen=True)
class CitationSpec:
    authors: str
    title: str
    year: int | None = None
    source: str = ""
    url: str = ""


@dataclass(frozen=True)
class ResourceSpec:
    kind: str
    title: str
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class AlignmentSpec:
    target_name: str
    target_url: str
    target_framework: str = ""
    target_code: str = ""
    target_description: str = ""
    target_type: str = ""


@dataclass(frozen=True)
class CriterionText:
    name: str
    pass_descriptor: str
    not_yet_descriptor: str


@dataclass(frozen=True)
class PartText:
    title: str
    instructions: str = ""
    prompts: tuple[str, ...] = ()
    criteria: tuple[CriterionText, ...] = ()


@dataclass(frozen=True)
class TranslationSpec:
    """The learner-facing text in one more language, shaped like the original: one entry per
    part, prompt and criterion, in order."""

    title: str
    competency: str
    key_method: str
    parts: tuple[PartText, ...] = ()


@dataclass(frozen=True)
class MicroCredentialSpec:
    title: str
    competency: str
    key_method: str
    parts: tuple[PartSpec, ...]
    slug: str = ""
    language: str = "en"
    research: str = ""
    method_components: tuple[MethodComponentSpec, ...] = ()
    citations: tuple[CitationSpec, ...] = ()
    resources: tuple[ResourceSpec, ...] = ()
    alignments: tuple[AlignmentSpec, ...] = ()
    pass_rule: str = MicroCredential.PassRule.ALL
    pass_minimum: int | None = None
    topic: str = ""
    tags: tuple[str, ...] = ()
    audience: str = ""
    level: str = ""
    estimated_hours: Decimal | None = None
    credit_hours: Decimal | None = None
    ceus: Decimal | None = None
    fee: Decimal = Decimal(0)
    fee_currency: str = "USD"
    sponsor_can_cover: bool = True
    achievement_type: str = "MicroCredential"
    badge_colour: str = "#1d4e89"
    badge_accent: str = "#f2b705"
    translations: dict[str, TranslationSpec] = field(default_factory=dict)


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _blank(value: str) -> bool:
    return not value.strip()


#: Longer than any answer a person writes; also keeps the number inside the database's integer.
MAX_WORD_LIMIT = 100_000


def _decimal_problem(value: Decimal | None, upper: int) -> bool:
    return value is not None and not (Decimal(0) <= value <= upper)


def spec_problems(spec: MicroCredentialSpec) -> dict[str, str]:
    """Everything wrong with ``spec``, keyed by path; empty when it can be saved."""
    p: dict[str, str] = {}
    for name in ("title", "competency", "key_method"):
        if _blank(getattr(spec, name)):
            p[name] = {"title": _("Give the micro-credential a title."),
                       "competency": _("State the competency it certifies."),
                       "key_method": _("Describe the key method.")}[name]
    if len(spec.title) > 200:
        p["title"] = _("Keep the title to 200 characters.")
    if spec.slug and not _SLUG.match(spec.slug):
        p["slug"] = _("Use lowercase letters, digits and hyphens only.")
    if spec.language not in _languages():
        p["language"] = _("Choose one of the site's languages.")
    if not spec.parts:
        p["parts"] = _("Add at least one part with something to submit.")
    prompts = criteria = 0
    for i, part in enumerate(spec.parts):
        at = f"parts[{i}]"
        if _blank(part.title):
            p[f"{at}.title"] = _("Give the part a title.")
        if part.kind not in Part.Kind.values:
            p[f"{at}.kind"] = _("Choose overview, artifacts, reflection or other.")
        if not part.prompts:
            p[f"{at}.prompts"] = _("Add at least one prompt to this part.")
        for j, prompt in enumerate(part.prompts):
            pat = f"{at}.prompts[{j}]"
            prompts += 1
            if prompt.kind not in EvidencePrompt.Kind.values:
                p[f"{pat}.kind"] = _("Choose a written answer or a file.")
            if _blank(prompt.prompt):
                p[f"{pat}.prompt"] = _("Write the question or the instructions.")
            if prompt.word_limit is not None and not 1 <= prompt.word_limit <= MAX_WORD_LIMIT:
                p[f"{pat}.word_limit"] = _("A word limit must be a whole number from 1 to "
                                           "%(max)s.") % {"max": MAX_WORD_LIMIT}
            if prompt.max_bytes is not None and not (
                    1 <= prompt.max_bytes <= settings.UPLOAD_MAX_BYTES):
                p[f"{pat}.max_bytes"] = _("A file size limit must be between 1 byte and "
                                          "%(max)s bytes.") % {"max": settings.UPLOAD_MAX_BYTES}
            bad = [k for k in prompt.accepted_kinds if k not in EvidencePrompt.FileKind.values]
            if bad:
                p[f"{pat}.accepted_kinds"] = _("Unknown kind of file: %(kinds)s.") % {
                    "kinds": ", ".join(bad)}
        for j, criterion in enumerate(part.criteria):
            cat = f"{at}.criteria[{j}]"
            criteria += 1
            for name in ("name", "pass_descriptor", "not_yet_descriptor"):
                if _blank(getattr(criterion, name)):
                    p[f"{cat}.{name}"] = _(
                        "Each criterion needs a name, a Pass descriptor and a Not Yet "
                        "descriptor.")
    if spec.parts and not prompts:
        p.setdefault("parts", _("Add at least one prompt."))
    if spec.parts and not criteria:
        p["criteria"] = _("Add at least one rubric criterion.")
    if spec.pass_rule not in MicroCredential.PassRule.values:
        p["pass_rule"] = _("Choose every criterion, or at least a number of them.")
    elif spec.pass_rule == MicroCredential.PassRule.AT_LEAST and not (
            spec.pass_minimum and 1 <= spec.pass_minimum <= criteria):
        p["pass_minimum"] = _("Say how many criteria must be Pass: between 1 and %(n)s.") % {
            "n": criteria}
    for i, component in enumerate(spec.method_components):
        if _blank(component.name):
            p[f"method_components[{i}].name"] = _("Name the method component.")
    for i, citation in enumerate(spec.citations):
        if _blank(citation.authors) or _blank(citation.title):
            p[f"citations[{i}]"] = _("A citation needs its authors and its title.")
        if citation.year is not None and not 1000 <= citation.year <= 2200:
            p[f"citations[{i}].year"] = _("Give the year as four digits.")
        if citation.url and not _URL.match(citation.url):
            p[f"citations[{i}].url"] = _("Give a full web address starting with https://.")
    for i, resource in enumerate(spec.resources):
        if resource.kind not in Resource.Kind.values:
            p[f"resources[{i}].kind"] = _("Choose a kind of resource.")
        if _blank(resource.title):
            p[f"resources[{i}].title"] = _("Give the resource a title.")
        if resource.url and not _URL.match(resource.url):
            p[f"resources[{i}].url"] = _("Give a full web address starting with https://.")
    for i, alignment in enumerate(spec.alignments):
        if _blank(alignment.target_name):
            p[f"alignments[{i}].target_name"] = _("Name the skill or standard.")
        if not _URL.match(alignment.target_url):
            p[f"alignments[{i}].target_url"] = _("Give a full web address starting with "
                                                 "https://.")
    if spec.audience and spec.audience not in MicroCredential.Audience.values:
        p["audience"] = _("Choose one of the audiences.")
    if spec.level and spec.level not in MicroCredential.Level.values:
        p["level"] = _("Choose introductory, intermediate or advanced.")
    for name in ("estimated_hours", "credit_hours", "ceus"):
        if _decimal_problem(getattr(spec, name), 999):
            p[name] = _("Give a number between 0 and 999.")
    if not Decimal(0) <= spec.fee <= Decimal(99999):
        p["fee"] = _("Give a fee between 0 and 99,999.")
    if not re.fullmatch(r"[A-Z]{3}", spec.fee_currency):
        p["fee_currency"] = _("Give the currency as a three-letter code such as USD.")
    if any(_blank(tag) or len(tag) > 50 for tag in spec.tags):
        p["tags"] = _("Tags must be short words or phrases (up to 50 characters).")
    for name in ("badge_colour", "badge_accent"):
        if not _COLOUR.match(getattr(spec, name)):
            p[name] = _("Give a colour as # followed by six hexadecimal digits.")
    for language, t in spec.translations.items():
        at = f"translations.{language}"
        if language not in _languages() or language == spec.language:
            p[at] = _("Choose a language other than the one it is written in.")
            continue
        if _blank(t.title) or _blank(t.competency) or _blank(t.key_method):
            p[at] = _("Translate the title, the competency and the key method.")
        if len(t.parts) != len(spec.parts) or any(
            len(tp.prompts) != len(sp.prompts) or len(tp.criteria) != len(sp.criteria)
            or _blank(tp.title) or any(_blank(x) for x in tp.prompts)
            or any(_blank(c.name) or _blank(c.pass_descriptor) or _blank(c.not_yet_descriptor)
                   for c in tp.criteria)
            for tp, sp in zip(t.parts, spec.parts, strict=False)
        ):
            p[f"{at}.parts"] = _("Translate every part, prompt and criterion (the translation "
                                 "must have the same parts, prompts and criteria as the "
                                 "original).")
    return p
