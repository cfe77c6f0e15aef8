"""The verifier's sentences in the reader's language.

The credential core (``microcred.vc.verifier``) writes each check's sentence in English from a
stable ``code`` and its ``params``. Here every code has a translatable template with the same
placeholders, so a report reads in the active language. A code without a template here (a newer
core, or a check built by hand) falls back to the core's English, marked ``lang="en"``.

Params that are English text from deeper in the core (``reason``, ``problems``: an error's own
words) cannot be translated; inside a translated sentence they are marked ``lang="en"`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["TEMPLATES", "check_message", "summary_message"]

#: Params whose values are English sentences from the core, not identifiers or numbers.
ENGLISH_PARAMS = frozenset({"reason", "problems"})

TEMPLATES: Mapping[str, Promise] = {
    # format
    "format.unreadable": _("The input could not be read: %(reason)s."),
    "format.open_badges_2": _(
        "This image carries an Open Badges 2.0 assertion, not a verifiable credential; "
        "Open Badges 2.0 badges are checked by their hosted URL."),
    "format.not_an_object": _("A credential must be a JSON object."),
    "format.json": _("Read a JSON-LD credential."),
    "format.json_png": _("Read a JSON-LD credential baked in a PNG image."),
    "format.json_svg": _("Read a JSON-LD credential baked in an SVG image."),
    "format.jwt": _("Read a JWT-secured credential."),
    "format.jwt_png": _("Read a JWT-secured credential baked in a PNG image."),
    "format.jwt_svg": _("Read a JWT-secured credential baked in an SVG image."),
    # schema
    "schema.valid": _("The credential has every required field."),
    "schema.problem": _("The credential's structure has 1 problem: %(problems)s."),
    "schema.problems": _("The credential's structure has %(count)s problems: %(problems)s."),
    "schema.problems_more": _(
        "The credential's structure has %(count)s problems: %(problems)s (and %(more)s more)."),
    # proof
    "proof.valid": _("The signature is valid."),
    "proof.valid_set": _("All %(count)s signatures (a proof set) are valid."),
    "proof.valid_jwt": _("The %(alg)s signature of the token is valid."),
    "proof.missing": _("The credential has no proof: it is not signed."),
    "proof.signature_mismatch": _(
        "The signature does not match the document: it was changed after signing, or signed "
        "with another key."),
    "proof.invalid": _("The signature is not valid: %(reason)s."),
    "proof.invalid_in_set": _("Proof %(number)s of %(total)s is not valid: %(reason)s."),
    "proof.key_unreachable": _(
        "The signing key could not be retrieved, so the signature could not be checked "
        "(%(reason)s)."),
    # issuer
    "issuer.missing": _("The credential names no issuer."),
    "issuer.unconfirmed": _(
        "The issuer is %(issuer)s, but without a valid signature it cannot be confirmed."),
    "issuer.unbound": _(
        "The signing key is not bound to an identifier, so it cannot be tied to the issuer "
        "%(issuer)s."),
    "issuer.mismatch": _(
        "It was signed with a key of %(signers)s, which is not the issuer %(issuer)s."),
    "issuer.valid": _("It was signed by its issuer, %(issuer)s."),
    # validity
    "validity.invalid_date": _("%(field)s '%(value)s' is not a valid date and time."),
    "validity.not_yet_valid": _("It is not valid until %(valid_from)s."),
    "validity.expired": _("It expired on %(valid_until)s."),
    "validity.valid_until": _("It is valid until %(valid_until)s."),
    "validity.valid": _("It is valid and does not expire."),
    # status
    "status.none": _("The issuer publishes no status for it: it cannot be revoked."),
    "status.unsupported": _("Status of type '%(type)s' is not supported here."),
    "status.revoked": _("The credential has been revoked."),
    "status.not_revoked": _("The credential has not been revoked."),
    "status.suspended": _("The credential is suspended."),
    "status.not_suspended": _("The credential is not suspended."),
    "status.refresh_available": _(
        "An updated version of the credential is available from its refresh service."),
    "status.refresh_none": _("No updated version of the credential has been announced."),
    "status.message": _("The issuer's status list gives this credential the status %(value)s."),
    "status.revocation_offline": _(
        "The status list %(url)s was not supplied and the network is off, so revocation is "
        "unknown."),
    "status.suspension_offline": _(
        "The status list %(url)s was not supplied and the network is off, so suspension is "
        "unknown."),
    "status.other_offline": _(
        "The status list %(url)s was not supplied and the network is off, so the credential's "
        "status is unknown."),
    "status.revocation_unreachable": _(
        "The status list %(url)s could not be fetched (%(reason)s), so revocation is unknown."),
    "status.suspension_unreachable": _(
        "The status list %(url)s could not be fetched (%(reason)s), so suspension is unknown."),
    "status.other_unreachable": _(
        "The status list %(url)s could not be fetched (%(reason)s), so the credential's status "
        "is unknown."),
    "status.revocation_unverified": _(
        "The status list is not signed by the credential's issuer, so revocation is unknown."),
    "status.suspension_unverified": _(
        "The status list is not signed by the credential's issuer, so suspension is unknown."),
    "status.other_unverified": _(
        "The status list is not signed by the credential's issuer, so the credential's status "
        "is unknown."),
    "status.revocation_error": _("%(reason)s, so revocation is unknown."),
    "status.suspension_error": _("%(reason)s, so suspension is unknown."),
    "status.other_error": _("%(reason)s, so the credential's status is unknown."),
    # the report's summary
    "summary.verified": _("Verified: every check passed."),
    "summary.failed_one": _("Not verified: the %(checks)s check failed."),
    "summary.failed_many": _("Not verified: the %(checks)s checks failed."),
    "summary.incomplete": _("Not fully verified: could not check %(checks)s."),
}

#: The checks' names as they appear inside a sentence ("the proof check failed").
CHECK_NAMES: Mapping[str, Promise] = {
    "format": pgettext_lazy("verification check, in a sentence", "format"),
    "schema": pgettext_lazy("verification check, in a sentence", "schema"),
    "proof": pgettext_lazy("verification check, in a sentence", "proof"),
    "issuer": pgettext_lazy("verification check, in a sentence", "issuer"),
    "validity": pgettext_lazy("verification check, in a sentence", "validity"),
    "status": pgettext_lazy("verification check, in a sentence", "status"),
}


def _english(text: str) -> SafeString:
    return format_html('<span lang="en">{}</span>', text)


def _sentence(code: str, params: Mapping[str, Any], english: str) -> SafeString:
    template = TEMPLATES.get(code)
    if template is None:
        return _english(english)
    values = {name: _english(str(value)) if name in ENGLISH_PARAMS and value
              else conditional_escape(str(value)) for name, value in params.items()}
    # The template is ours (escaped here) and every value is escaped or built by format_html.
    return mark_safe(conditional_escape(str(template)) % values)  # noqa: S308


def check_message(check: Any) -> SafeString:
    """The check's sentence as HTML in the active language (English parts marked lang="en")."""
    parts = getattr(check, "parts", ()) or ()
    if parts:
        return mark_safe(" ".join(check_message(part) for part in parts))  # noqa: S308
    return _sentence(getattr(check, "code", ""), getattr(check, "params", {}), check.message)


def summary_message(report: Any) -> str:
    """The report's summary as plain text in the active language, for messages that are not
    HTML (an error shown in a form). A summary the platform cannot translate stays English."""
    code = getattr(report, "summary_code", "")
    template = TEMPLATES.get(code)
    if template is None:
        return str(report.summary)
    names = report.names("failed") or report.names("unknown")
    params = {"checks": ", ".join(str(CHECK_NAMES.get(n, n)) for n in names)}
    return str(template) % params
