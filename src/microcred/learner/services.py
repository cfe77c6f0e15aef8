"""The credentials a learner keeps from other issuers: verified, then stored as received.

Two ways in, one store (:class:`~microcred.learner.models.HeldCredential`): an Open Badges 3.0
or VC credential (:func:`held_credential_upsert`, behind the OB 3.0 API's ``POST /credentials``
and the import page) and an Open Badges 2.0 badge (:func:`held_badge_ob2_import`, the import
page only). Only a credential that names the account is kept.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed
from microcred.issuance.selectors import learner_profile_for
from microcred.learner.models import HeldCredential
from microcred.vc.baking import unbake
from microcred.vc.errors import VCError
from microcred.vc.fetch import fetch_bytes
from microcred.vc.ob2 import parse_ob2_date
from microcred.vc.openbadges import email_identity_matches
from microcred.vc.verifier import Check
from microcred.verification.services import (
    MAX_CREDENTIAL_BYTES,
    credential_verify,
    issuer_standing,
    ob2_verify,
)
from microcred.verification.summary import credential_summary
from microcred.web.verifier_messages import summary_message

__all__ = [
    "CredentialRefused",
    "held_badge_ob2_import",
    "held_credential_upsert",
]

#: The largest badge image kept (as a data: URL) for showing an imported badge.
MAX_BADGE_IMAGE_BYTES = 512 * 1024
_IMAGE_TYPES = {"image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp"}


class CredentialRefused(ValidationFailed):
    """The credential did not verify; ``report`` says why."""

    code = "credential_not_verified"

    def __init__(self, message: str, *, report: Any, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.report = report


def _acceptable(report: Any) -> bool:
    """Keep what is authentic and not invalid now, whoever issued it (issue 24, item 3).

    ``authentic`` must have passed: every proof valid over exactly this content and made with
    a key of the issuer (Data Integrity 1.0, section 4.4). ``valid_now`` must not have failed
    (expired, not yet valid, revoked or suspended); a check that could not be made (an
    outside status list out of reach) leaves it ``unknown`` and does not block. Conformance
    problems (a structure that does not fully follow OB 3.0 / VC 2.0) do not block either:
    they are kept with the credential and shown. Any other check (``recipient``) must not
    have failed."""
    answers = report.answers
    return (report.credential is not None
            and answers["authentic"] == "passed"
            and answers["valid_now"] != "failed"
            and not report.names("failed"))


def _content_id(text: str) -> str:
    """The key of a credential without an ``id`` (VC 2.0, section 4.4 makes it optional):
    the SHA-256 of its exact text, so the same credential added again is the same row."""
    return f"urn:sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def held_credential_upsert(
    *, actor: User, data: bytes | str, source_url: str = ""
) -> tuple[HeldCredential, bool]:
    """Verify, then keep (or replace) a credential in ``actor``'s account, keyed on its id
    (or, when it has none, on the hash of its text: :func:`_content_id`). Returns the row and
    whether it was created. The text is stored exactly as received (for a baked image, the
    credential it carries, exactly as baked), with the conformance problems its verification
    found (see :func:`_acceptable`).

    Only a credential awarded to ``actor`` is kept (see :func:`_refuse_unless_recipient`):
    anyone can copy a public credential, and keeping one must not make it theirs."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if len(raw) > MAX_CREDENTIAL_BYTES:
        raise ValidationFailed(_("This is too large to be a credential."), code="too_large")
    baked = _baked_text(raw)
    if baked is None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed(
                _("This is not a credential: it is neither text (a credential's JSON or a "
                  "compact JWS, in UTF-8) nor a baked PNG or SVG badge."),
                code="not_json") from None
    report = credential_verify(data=raw)
    if not _acceptable(report):
        raise CredentialRefused(
            _("The credential did not verify: %(summary)s") % {"summary": summary_message(report)},
            report=report)
    document = report.credential or {}
    _refuse_unless_recipient(actor=actor, document=document, report=report)
    summary = credential_summary(document)
    standing = issuer_standing(report, claimed_name=summary.issuer_name if summary else "",
                               issuer_id=summary.issuer_id if summary else "")
    stripped = (baked if baked is not None else raw.decode("utf-8")).strip()
    given_id = document.get("id")
    credential_id = (given_id if isinstance(given_id, str) and given_id
                     else _content_id(stripped))
    fmt = HeldCredential.Format.JSON if stripped.startswith("{") else HeldCredential.Format.JWS
    with transaction.atomic():
        held, created = HeldCredential.objects.select_for_update().get_or_create(
            owner=actor, credential_id=credential_id[:500],
            defaults={"format": fmt, "text": stripped},
        )
        held.format, held.text = fmt, stripped
        held.standard = HeldCredential.Standard.OB3
        held.title = (summary.title if summary else "")[:300]
        held.issuer_name = (standing.organization
                            or (standing.registry_issuer_name if standing.listed else "")
                            or standing.claimed_name or standing.issuer_id)[:300]
        held.issuer_listed_by = standing.registry[:300] if standing.listed else ""
        held.issuer_confirmed = standing.confirmed
        held.issuer_name_clash = bool(standing.name_clash)
        held.description = summary.description if summary else ""
        held.issued_on = _when(summary.valid_from if summary else "")
        held.expires_at = _when(summary.valid_until if summary else "")
        held.verified_at = timezone.now()
        held.conformance_problems = _problems_kept(report)
        held.source_url = source_url[:1000]
        held.save()
        audit_record(actor=actor, action="held_credential.created" if created
                     else "held_credential.replaced", target=held,
                     data={"credential_id": credential_id})
    return held, created


def _problems_kept(report: Any) -> list[dict[str, str]]:
    """The conformance problems to keep with the credential: where, what, and the spec
    section that states the rule (a link, when the rule has one)."""
    kept = []
    for problem in report.conformance_problems:
        entry = {"path": str(problem.get("path", "")), "message": str(problem.get("message", ""))}
        section = problem.get("section")
        if isinstance(section, str) and section.startswith("https://"):
            entry["section"] = section
        kept.append(entry)
    return kept


def _baked_text(raw: bytes) -> str | None:
    """The credential text baked into ``raw`` when it is a PNG or SVG image, else ``None``.

    An image with nothing baked into it (or a broken one) is refused here with a sentence
    saying so, rather than read as text it is not."""
    if _sniff_image(raw) not in {"image/png", "image/svg+xml"}:
        return None
    try:
        return unbake(raw).text
    except VCError as error:
        raise ValidationFailed(
            _("The file is an image with no badge baked into it (%(why)s).")
            % {"why": error.message.rstrip(".")}, code="no_baked_credential") from None


# -- whose credential it is -------------------------------------------------------------------


def _account_identities(actor: User) -> tuple[str, str]:
    """(email, DID) by which a credential can name ``actor``.

    The account's email is the one it signs in with (the only address an account has: the
    platform issues its own credentials to it too); the DID is the one the learner set on
    their profile, and only once the account has proven it controls it (``issuance.did_auth``):
    anyone can type anyone's DID, so a DID merely typed there ties nothing to the account."""
    email = (actor.email or "").strip()
    profile = learner_profile_for(user=actor)
    if profile is None or profile.did_proven_at is None:
        return email, ""
    return email, profile.did.strip()


def _unproven_did(actor: User) -> str:
    """The DID on ``actor``'s profile that they have not proven yet, else ``""``."""
    profile = learner_profile_for(user=actor)
    if profile is None or profile.did_proven_at is not None:
        return ""
    return profile.did.strip()


def _subjects(document: dict[str, Any]) -> list[dict[str, Any]]:
    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    return [s for s in subjects if isinstance(s, dict)]


def _identity_objects(subject: dict[str, Any]) -> list[dict[str, Any]]:
    identifier = subject.get("identifier")
    identifiers = identifier if isinstance(identifier, list) else [identifier]
    return [i for i in identifiers if isinstance(i, dict)]


def _names_account(subjects: list[dict[str, Any]], *, email: str, did: str) -> bool:
    for subject in subjects:
        subject_id = subject.get("id")
        if isinstance(subject_id, str):
            if did and subject_id.strip() == did:
                return True
            if email and subject_id.strip().lower() == f"mailto:{email.lower()}":
                return True
        if any(email_identity_matches(i, email) for i in _identity_objects(subject)):
            return True
    return False


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _recipients_named(subjects: list[dict[str, Any]]) -> list[str]:
    """What the credential says about its recipient, for the refusal: identifiers as written
    (a hash stays a hash: the address behind it is not ours to guess)."""
    named: list[str] = []
    for subject in subjects:
        subject_id = subject.get("id")
        if isinstance(subject_id, str) and subject_id.strip():
            named.append(_short(subject_id.strip()))
        for identity in _identity_objects(subject):
            value = identity.get("identityHash")
            if isinstance(value, str) and value:
                kind = identity.get("identityType")
                named.append(f"{kind}: {_short(value)}" if isinstance(kind, str) and kind
                             else _short(value))
    return named


def _refuse_unless_recipient(*, actor: User, document: dict[str, Any], report: Any) -> None:
    """Refuse a credential that does not name ``actor`` as its recipient (by a DID of theirs,
    or their email address, hashed or not), saying what it names instead."""
    email, did = _account_identities(actor)
    subjects = _subjects(document)
    if _names_account(subjects, email=email, did=did):
        return
    named = _recipients_named(subjects)
    recipient = "; ".join(named)
    account = f"{email}, {did}" if did else email
    unproven = "" if did else _unproven_did(actor)
    if unproven and _names_account(subjects, email="", did=unproven):
        url = f"{settings.PUBLIC_URL}{reverse('issuance:profile_edit')}#did-proof"
        message = _("This credential names your DID %(did)s, but your account has not yet "
                    "proven that it controls this DID, so the credential cannot be added. Prove "
                    "it on your profile page, then add the credential again: %(url)s") \
            % {"did": unproven, "url": url}
        report.checks.append(Check.of("recipient", "failed", "recipient.not_account",
                                      recipient=recipient, account=email))
        raise CredentialRefused(message, report=report, code="recipient_did_unproven")
    if not named:
        message = _("This credential names no recipient, so it cannot be tied to your account.")
    elif did:
        message = _("This credential was issued to someone else: it names %(recipient)s, which "
                    "matches neither your account's email address (%(email)s) nor your DID "
                    "(%(did)s).") % {"recipient": recipient, "email": email, "did": did}
    elif unproven:
        message = _("This credential was issued to someone else: it names %(recipient)s, which "
                    "matches neither your account's email address (%(email)s) nor your DID "
                    "(%(did)s, not yet proven).") % {"recipient": recipient, "email": email,
                                                     "did": unproven}
    else:
        message = _("This credential was issued to someone else: it names %(recipient)s, which "
                    "does not match your account's email address (%(email)s), and your profile "
                    "gives no DID.") % {"recipient": recipient, "email": email}
    report.checks.append(Check.of("recipient", "failed", "recipient.not_account",
                                  recipient=recipient or "—", account=account))
    raise CredentialRefused(message, report=report, code="recipient_mismatch")


def _when(value: Any) -> datetime | None:
    return parse_ob2_date(value)


def _sniff_image(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in head:
        return "image/svg+xml"
    return None


def _data_url(data: bytes) -> str:
    kind = _sniff_image(data)
    if kind is None or len(data) > MAX_BADGE_IMAGE_BYTES:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _badge_image(report: Any, data: bytes | str) -> str:
    """The badge's image as a data: URL: the baked image itself when one was uploaded, else
    the badge class's image (a data: URL, or fetched from https through the guarded
    fetcher). Empty when there is none that can be shown; the image is decoration here, so
    failing to get it never blocks the import."""
    if report.carrier in {"png", "svg"} and isinstance(data, bytes):
        baked = _data_url(data)
        if baked:
            return baked
    badge = report.badge_class or {}
    image = badge.get("image")
    if isinstance(image, dict):
        image = image.get("id")
    if not isinstance(image, str):
        return ""
    if image.startswith("data:"):
        header, _, body = image.partition(",")
        kind = header.removeprefix("data:").split(";")[0].lower()
        ok = kind in _IMAGE_TYPES and ";base64" in header and len(body) <= MAX_BADGE_IMAGE_BYTES * 2
        return image if ok else ""
    if not image.startswith("https://") or not settings.VERIFIER_ALLOW_NETWORK:
        return ""
    try:
        fetched = fetch_bytes(image, accept="image/png, image/svg+xml, image/*", timeout=10.0,
                              max_bytes=MAX_BADGE_IMAGE_BYTES,
                              allow_private=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES)
    except VCError:
        return ""
    return _data_url(fetched)


def held_badge_ob2_import(
    *, actor: User, data: bytes | str, source_url: str = ""
) -> tuple[HeldCredential, bool]:
    """Verify an Open Badges 2.0 badge awarded to ``actor`` (the recipient must be their email
    address, hashed or not) and keep it in their account, keyed on the assertion's id.

    What is kept is the assertion as presented (JSON text or the signed JWS; for a hosted
    badge given by its URL, the issuer's copy), with what its badge class and issuer said, for
    display. Returns the row and whether it was created."""
    report = ob2_verify(data=data, email=actor.email)
    recipient = report.check("recipient")
    if recipient is not None and recipient.outcome == "failed":
        named = (report.credential or {}).get("recipient")
        named = named if isinstance(named, dict) else {}
        identity = named.get("identity")
        kind = named.get("type")
        described = (f"{kind}: {_short(identity)}" if isinstance(identity, str) and identity
                     and isinstance(kind, str) else "—")
        raise CredentialRefused(
            _("This badge was awarded to someone else: it names %(recipient)s, which does not "
              "match your account's email address (%(email)s).")
            % {"recipient": described, "email": actor.email},
            report=report, code="recipient_mismatch")
    proof, issuer = report.check("proof"), report.check("issuer")
    acceptable = (report.credential is not None and report.text
                  and all(c is not None and c.outcome == "passed"
                          for c in (proof, issuer, recipient))
                  and all(c.outcome != "failed" for c in report.checks))
    if not acceptable:
        raise CredentialRefused(
            _("The badge did not verify: %(summary)s") % {"summary": summary_message(report)},
            report=report)
    assertion = report.credential
    credential_id = assertion.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise ValidationFailed(_("The badge has no id, so it cannot be kept or replaced."),
                               code="credential_without_id")
    badge = report.badge_class or {}
    profile = report.issuer or {}

    def text(document: dict[str, Any], name: str) -> str:
        value = document.get(name)
        return value if isinstance(value, str) else ""

    fmt = HeldCredential.Format.JWS if report.method == "signed" else HeldCredential.Format.JSON
    image = _badge_image(report, data)
    with transaction.atomic():
        held, created = HeldCredential.objects.select_for_update().get_or_create(
            owner=actor, credential_id=credential_id[:500],
            defaults={"format": fmt, "text": report.text,
                      "standard": HeldCredential.Standard.OB2},
        )
        held.format, held.text = fmt, report.text
        held.standard = HeldCredential.Standard.OB2
        held.title = text(badge, "name")[:300]
        held.description = text(badge, "description")[:5000]
        held.issuer_name = (text(profile, "name") or text(profile, "id"))[:300]
        held.issuer_confirmed = False  # Open Badges 2.0 badges are never issued here
        held.issuer_name_clash = bool(issuer_standing(
            report, claimed_name=text(profile, "name"), issuer_id=text(profile, "id")).name_clash)
        held.image = image
        held.issued_on = _when(assertion.get("issuedOn"))
        held.expires_at = _when(assertion.get("expires"))
        held.verified_at = timezone.now()
        held.source_url = source_url[:1000]
        held.save()
        audit_record(actor=actor, action="held_credential.created" if created
                     else "held_credential.replaced", target=held,
                     data={"credential_id": credential_id, "standard": "ob2"})
    return held, created

