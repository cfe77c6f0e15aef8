"""Template filters showing a micro-credential's text in the reader's language.

``{{ mc|tr:"title" }}``, ``{{ criterion|tr:"name" }}``, ``{{ prompt|tr:"prompt" }}``, and
``lang="{{ mc|tr_lang }}"`` on the element holding it.
"""

from __future__ import annotations

from typing import Any

from django import template

from microcred.catalog.languages import text_language, translated

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    return translated(obj, field)


@register.filter
def tr_lang(obj: Any) -> str:
    return text_language(obj)
