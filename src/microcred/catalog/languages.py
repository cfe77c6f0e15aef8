"""A micro-credential in the reader's language: the author's text, or its translation.

Translation rows hang off the micro-credential, each evidence prompt and each rubric criterion
(``translations``); a missing row means the author's own text is shown, marked with its
language so screen readers pronounce it right (WCAG 2.2, 3.1.2 Language of Parts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from microcred.catalog.models import MicroCredential

__all__ = ["CriterionText", "MicroCredentialText", "languages_of", "micro_credential_text",
           "text_language", "translated"]


def _candidates(language: str) -> list[str]:
    language = (language or "").lower()
    base = language.split("-")[0]
    return [language] if base == language else [language, base]


def _original_language(obj: Any) -> str:
    mc = obj if isinstance(obj, MicroCredential) else obj.micro_credential
    return str(mc.language)


def _row(obj: Any, language: str | None) -> Any:
    """The translation row of ``obj`` for ``language`` (None: the author's own text)."""
    wanted = _candidates(language or get_language() or "")
    if obj.pk is None or _original_language(obj).lower() in wanted:
        return None
    rows = {row.language.lower(): row for row in obj.translations.all()}
    return next((rows[c] for c in wanted if c in rows), None)


def translated(obj: Any, field: str, language: str | None = None) -> str:
    """``obj.field`` in ``language`` (default: the active one), else the author's text."""
    row = _row(obj, language)
    return str(getattr(row if row is not None else obj, field))


def text_language(obj: Any, language: str | None = None) -> str:
    """The language :func:`translated` actually returns text in, for ``lang`` attributes."""
    row = _row(obj, language)
    return str(row.language if row is not None else _original_language(obj))


def languages_of(mc: MicroCredential) -> list[str]:
    """Every language ``mc`` can be read in, the author's first."""
    return [mc.language, *(t.language for t in mc.translations.all() if t.language != mc.language)]


@dataclass(frozen=True)
class CriterionText:
    position: int
    name: str
    pass_descriptor: str
    not_yet_descriptor: str


@dataclass(frozen=True)
class MicroCredentialText:
    language: str
    title: str
    competency: str
    key_method: str
    criteria: list[CriterionText]


def micro_credential_text(mc: MicroCredential, language: str) -> MicroCredentialText:
    """Everything a credential states about ``mc``, in ``language`` when the author translated
    it, otherwise in the author's language (and ``language`` says which one it is)."""
    used = text_language(mc, language)
    return MicroCredentialText(
        language=used,
        title=translated(mc, "title", used),
        competency=translated(mc, "competency", used),
        key_method=translated(mc, "key_method", used),
        criteria=[CriterionText(position=c.position, name=translated(c, "name", used),
                                pass_descriptor=translated(c, "pass_descriptor", used),
                                not_yet_descriptor=translated(c, "not_yet_descriptor", used))
                  for c in mc.criteria.all()],
    )
