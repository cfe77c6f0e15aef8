"""The verifier's sentences in the reader's language.

The credential core (``microcred.vc.verifier``) writes each check's sentence in English from a
stable ``code`` and its ``params``; its ``MESSAGES`` marks every English template with ``N_`` so
the catalog (``tests/i18n_catalog.py``) extracts it from there. Here the template is translated
when shown, ``gettext(MESSAGES[code]) % params``, so a report reads in the active language. A
check without a code the core knows (built by hand) keeps its English, marked ``lang="en"``.

Params that are English text from deeper in the core (``reason``, ``problems``: an error's own
words) cannot be translated; inside a translated sentence they are marked ``lang="en"`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext_lazy

from microcred.vc.verifier import MESSAGES

__all__ = ["check_message", "summary_message"]

#: Params whose values are English sentences from the core, not identifiers or numbers.
ENGLISH_PARAMS = frozenset({"reason", "problems"})

#: The checks' names as they appear inside a sentence ("the proof check failed").
CHECK_NAMES: Mapping[str, Promise] = {
    "format": pgettext_lazy("verification check, in a sentence", "format"),
    "schema": pgettext_lazy("verification check, in a sentence", "schema"),
    "proof": pgettext_lazy("verification check, in a sentence", "proof"),
    "issuer": pgettext_lazy("verification check, in a sentence", "issuer"),
    "validity": pgettext_lazy("verification check, in a sentence", "validity"),
    "status": pgettext_lazy("verification check, in a sentence", "status"),
    "holder": pgettext_lazy("verification check, in a sentence", "holder"),
    "credentials": pgettext_lazy("verification check, in a sentence", "credentials"),
    "recipient": pgettext_lazy("verification check, in a sentence", "recipient"),
}


def _english(text: str) -> SafeString:
    return format_html('<span lang="en">{}</span>', text)


def _sentence(code: str, params: Mapping[str, Any], english: str) -> SafeString:
    template = MESSAGES.get(code)
    if template is None:
        return _english(english)
    values = {name: _english(str(value)) if name in ENGLISH_PARAMS and value
              else conditional_escape(str(value)) for name, value in params.items()}
    # The template is the core's (escaped here) and every value is escaped or built by
    # format_html.
    return mark_safe(conditional_escape(gettext(template)) % values)  # noqa: S308


def check_message(check: Any) -> SafeString:
    """The check's sentence as HTML in the active language (English parts marked lang="en")."""
    parts = getattr(check, "parts", ()) or ()
    if parts:
        return mark_safe(" ".join(check_message(part) for part in parts))  # noqa: S308
    return _sentence(getattr(check, "code", ""), getattr(check, "params", {}), check.message)


def summary_message(report: Any) -> str:
    """The report's summary as plain text in the active language, for messages that are not
    HTML (an error shown in a form). A summary the core has no template for stays English.
    The core's params are used as they are (``count``), except the checks' names, which are
    named in the active language."""
    template = MESSAGES.get(getattr(report, "summary_code", ""))
    if template is None:
        return str(report.summary)
    params = dict(report.summary_params)
    if "checks" in params:
        names = report.names("failed") or report.names("unknown")
        params["checks"] = ", ".join(str(CHECK_NAMES.get(n, n)) for n in names)
    return gettext(template) % params
