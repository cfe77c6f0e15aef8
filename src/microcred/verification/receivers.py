"""Verification answering what the apps below it ask."""

from __future__ import annotations

from html import unescape
from typing import Any

from django.utils.html import strip_tags

from microcred.verification.messages import check_message


def word_check(*, check: Any, **_: Any) -> str:
    """``issuance.signals.check_worded``: a verifier check's sentence in the active language,
    as plain text (for a form error)."""
    return unescape(strip_tags(check_message(check)))
