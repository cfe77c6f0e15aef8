"""``{{ check|check_message }}``: a verifier check's sentence in the active language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from microcred.web.verifier_messages import check_message as _check_message

register = template.Library()


@register.filter
def check_message(check: Any) -> SafeString:
    return _check_message(check)


@register.filter
def asks(report: Any, answer: str) -> bool:
    """Whether ``report`` made any check behind ``answer`` (``Report.asked``)."""
    return bool(report.asked(answer))
