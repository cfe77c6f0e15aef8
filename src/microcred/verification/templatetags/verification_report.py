"""``{{ check|check_message }}``: a verifier check's sentence in the active language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from microcred.verification.messages import check_message as _check_message

register = template.Library()


@register.filter
def check_message(check: Any) -> SafeString:
    return _check_message(check)


@register.filter
def asks(report: Any, answer: str) -> bool:
    """Whether ``report`` made any check behind ``answer`` (``authentic``, ``valid_now``,
    ``conformant``): a partial report (a DID proof's) answers only what it asked."""
    from microcred.vc.verifier import ANSWERS

    names = ANSWERS.get(answer, frozenset())
    return any(check.name in names for check in getattr(report, "checks", ()))
