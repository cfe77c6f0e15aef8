"""Template filters for the public pages' metadata: language names and kinds of file.

``{{ mc.language|language_name }}`` and ``{{ prompt.accepted_kinds|file_kinds }}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from microcred.catalog.models import EvidencePrompt

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The language's name in the reader's language (the code when it is not one we offer)."""
    names = {c.lower(): name for c, name in settings.LANGUAGES}
    name = names.get((code or "").lower()) or names.get((code or "").split("-")[0].lower())
    return _(str(name)) if name else code


@register.filter
def file_kinds(kinds: Any) -> str:
    """The kinds of file a prompt accepts, named; every kind when the list is empty."""
    labels = dict(EvidencePrompt.FileKind.choices)
    if not kinds:
        return _("any kind microcred accepts")
    return ", ".join(str(labels.get(k, k)) for k in kinds)
