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
    "schema.presentation_valid": _("The presentation has every required field."),
    "schema.presentation_problems": _(
        "The presentation does not follow the VC Data Model (problems: %(count)s): "
        "%(problems)s."),
    # proof
    "proof.valid": _("The signature is valid."),
    "proof.valid_set": _("All %(count)s signatures (a proof set) are valid."),
    "proof.valid_jwt": _("The %(alg)s signature of the token is valid."),
    "proof.missing": _("The credential has no proof: it is not signed."),
    "proof.signature_mismatch": _(
        "The signature does not match the document: it was changed after signing, or signed "
        "with another key."),
    "proof.invalid": _("The signature is not valid: %(reason)s."),
    "proof.unsupported": _(
        "The credential is signed with a kind of proof microcred does not verify: %(reason)s."),
    "proof.unsafe_terms": _(
        "The signature cannot vouch for %(names)s: JSON-LD would drop them or leave them "
        "relative (safe mode)."),
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
    "issuer.key_only": _(
        "It was signed with a key of %(signers)s; nothing ties that key to the issuer it "
        "names, %(issuer)s, so the issuer is not confirmed."),
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
    "status.standing_valid": _(
        "The issuer's status list says the credential is valid: it has not been revoked or "
        "suspended."),
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
    # presentations (microcred.vc.presentation)
    "format.presentation": _("Read a verifiable presentation."),
    "format.presentation_unsigned": _(
        "Read a verifiable presentation without a proof: nothing shows who presented it."),
    "format.not_a_presentation": _("A presentation's type must include VerifiablePresentation."),
    "proof.presentation_missing": _("The presentation has no proof: it is not signed."),
    "proof.challenge_missing": _(
        "The presentation's proof has no challenge, but the challenge %(challenge)s was expected."),
    "proof.challenge_mismatch": _(
        "The presentation's proof was made for another challenge, not %(challenge)s: it may be a "
        "replay."),
    "proof.domain_missing": _(
        "The presentation's proof has no domain, but the domain %(domain)s was expected."),
    "proof.domain_mismatch": _(
        "The presentation's proof was made for another domain, not %(domain)s."),
    "holder.valid": _("It was presented and signed by its holder, %(holder)s."),
    "holder.unnamed": _("It names no holder; it was signed by %(signers)s."),
    "holder.mismatch": _(
        "It was signed with a key of %(signers)s, which is not the holder %(holder)s."),
    "holder.unconfirmed": _(
        "The holder is %(holder)s, but without a valid signature it cannot be confirmed."),
    "holder.unnamed_unconfirmed": _(
        "It names no holder, and without a valid signature nobody is shown to present it."),
    "credentials.none": _("It holds no credentials."),
    "credentials.valid_one": _("The credential in it verified."),
    "credentials.valid": _("All %(count)s credentials in it verified."),
    "credentials.failed": _("%(count)s of the %(total)s credentials in it did not verify."),
    "credentials.unknown": _(
        "%(count)s of the %(total)s credentials in it could not be fully verified."),
    # Open Badges 2.0 (microcred.vc.ob2)
    "format.ob2_json": _("Read an Open Badges 2.0 assertion."),
    "format.ob2_signed": _("Read a signed Open Badges 2.0 assertion (a compact JWS)."),
    "format.ob2_url": _("Fetched the Open Badges 2.0 assertion at %(url)s."),
    "format.ob2_png": _("Read an Open Badges 2.0 assertion baked in a PNG image."),
    "format.ob2_svg": _("Read an Open Badges 2.0 assertion baked in an SVG image."),
    "format.ob2_not_an_assertion": _("This is not an Open Badges 2.0 assertion."),
    "schema.ob2_valid": _(
        "The assertion, its badge class and its issuer have every required field."),
    "schema.ob2_problems": _("The Open Badges 2.0 structure has problems: %(problems)s."),
    "proof.ob2_hosted": _("Its issuer hosts this assertion at %(url)s, unchanged."),
    "proof.ob2_hosted_gone": _(
        "Its issuer answers for %(url)s that the assertion is gone (revoked)."),
    "proof.ob2_hosted_changed": _(
        "The assertion differs from the one its issuer hosts at %(url)s: it was changed."),
    "proof.ob2_hosted_not_url": _("A hosted assertion's id must be its URL, not '%(id)s'."),
    "proof.ob2_hosted_unreachable": _(
        "The hosted assertion %(url)s could not be fetched (%(reason)s), so it could not be "
        "checked."),
    "proof.ob2_offline": _(
        "Checking an Open Badges 2.0 badge needs its issuer's site (%(url)s), and the network is "
        "off."),
    "proof.ob2_signed": _("The RS256 signature is valid for the key %(key)s."),
    "proof.ob2_signature_mismatch": _(
        "The signature does not match the key %(key)s: the assertion was changed after signing, or"
        " signed with another key."),
    "proof.ob2_signature_invalid": _("The signature cannot be checked: %(reason)s."),
    "proof.ob2_key_unreachable": _(
        "The signing key %(key)s could not be fetched (%(reason)s), so the signature could not be "
        "checked."),
    "proof.ob2_signed_without_signature": _(
        "It says it is a signed badge, but it came without its signature (the JWS)."),
    "proof.ob2_unsupported": _("Verification of type '%(type)s' is not supported."),
    "issuer.ob2_hosted": _("It is hosted on an address its issuer, %(issuer)s, vouches for."),
    "issuer.ob2_signed": _("It was signed with a key of its issuer, %(issuer)s."),
    "issuer.ob2_origin_mismatch": _(
        "It is hosted at %(url)s, which its issuer %(issuer)s does not vouch for."),
    "issuer.ob2_key_not_issuers": _(
        "The signing key %(key)s does not belong to the issuer %(issuer)s."),
    "issuer.ob2_unreachable": _(
        "The badge class or issuer profile %(url)s could not be fetched (%(reason)s), so the "
        "issuer could not be confirmed."),
    "issuer.ob2_offline": _(
        "The badge class or issuer profile %(url)s is on the issuer's site, and the network is "
        "off."),
    "issuer.ob2_unconfirmed": _(
        "The issuer is %(issuer)s, but without a valid proof it cannot be confirmed."),
    "issuer.ob2_missing": _("The badge class names no issuer."),
    "status.ob2_revoked": _("The issuer has revoked this badge."),
    "status.ob2_revoked_reason": _("The issuer has revoked this badge: %(reason)s."),
    "status.ob2_not_revoked": _("The issuer has not revoked this badge."),
    "status.ob2_list_unreachable": _(
        "The issuer's revocation list %(url)s could not be fetched (%(reason)s), so revocation is "
        "unknown."),
    "status.ob2_list_offline": _(
        "The issuer's revocation list %(url)s was not supplied and the network is off, so "
        "revocation is unknown."),
    "status.ob2_unknown": _("Without the issuer's hosted copy, revocation is unknown."),
    "recipient.match": _("It was awarded to %(email)s."),
    "recipient.mismatch": _("It was awarded to someone else, not to %(email)s."),
    "recipient.no_email": _(
        "It names no email address, so whether it was issued to %(email)s cannot be checked."),
    "recipient.unsupported": _(
        "It was awarded to a recipient of type '%(type)s', not to an email address such as "
        "%(email)s."),
    "recipient.not_account": _(
        "It names %(recipient)s as its recipient, not this account (%(account)s)."),
    # the report's summary
    "summary.verified": _("Verified: every check passed."),
    "summary.verified_nonconformant": _(
        "Verified: authentic and valid now. Its structure does not fully conform to its "
        "specification (problems found: %(count)s); that does not change the verdict."),
    "summary.failed_one": _("Not verified: the %(checks)s check failed."),
    "summary.failed_many": _("Not verified: the %(checks)s checks failed."),
    "summary.incomplete": _("Not fully verified: could not check %(checks)s."),
    "summary.malformed": _(
        "Not verified: it is not a well-formed verifiable credential (problems with the VC "
        "Data Model: %(count)s)."),
}

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
