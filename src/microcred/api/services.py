from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.api.models import HeldCredential
from microcred.audit.services import audit_record
from microcred.errors import NotAllowed, ValidationFailed
from microcred.vc.errors import VCError
from microcred.verification.messages import summary_message
from microcred.verification.services import MAX_CREDENTIAL_BYTES, credential_verify
from microcred.verification.summary import credential_summary

__all__ = [
    "CredentialRefused",
    "held_badge_ob2_import",
    "held_credential_upsert",
    "profile_update",
    "vc_issue",
]

#: The largest badge image kept (as a data: URL) for showing an imported badge.
MAX_BADGE_IMAGE_BYTES = 512 * 1024
_IMAGE_TYPES = {"image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp"}


class CredentialRefused(ValidationFailed):
    """The credential did not verify; ``report`` says why."""

    code = "credential_not_verified"

    def __init__(self, message: str, *, report: Any) -> None:
        super().__init__(message)
        self.report = report


def _acceptable(report: Any) -> bool:
    """Accept what verifies: a valid proof by its issuer and no failed check. A check that
    could not be made (an outside status list out of reach) does not block keeping it."""
    proof, issuer = report.check("proof"), report.check("issuer")
    return (report.credential is not None
            and proof is not None and proof.outcome == "passed"
            and issuer is not None and issuer.outcome == "passed"
            and all(c.outcome != "failed" for c in report.checks))


def held_credential_upsert(
    *, actor: Any, data: bytes | str, source_url: str = ""
) -> tuple[HeldCredential, bool]:
    """Verify, then keep (or replace) a credential in ``actor``'s account, keyed on its id.
    Returns the row and whether it was created. The text is stored exactly as received."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise ValidationFailed(_("This is too large to be a credential."), code="too_large")
    report = credential_verify(data=data)
    if not _acceptable(report):
        raise CredentialRefused(
            _("The credential did not verify: %(summary)s") % {"summary": summary_message(report)},
            report=report)
    document = report.credential or {}
    credential_id = document.get("id") if isinstance(document.get("id"), str) else None
    if not credential_id:
        raise ValidationFailed(_("The credential has no id, so it cannot be kept or replaced."),
                               code="credential_without_id")
    summary = credential_summary(document)
    stripped = text.strip()
    fmt = HeldCredential.Format.JSON if stripped.startswith("{") else HeldCredential.Format.JWS
    if report.carrier in {"png", "svg"}:
        # A baked image: keep the credential it carries, exactly as baked.
        from microcred.vc.baking import unbake

        stripped = unbake(data if isinstance(data, bytes) else data.encode()).text
        fmt = HeldCredential.Format.JSON if stripped.lstrip().startswith("{") \
            else HeldCredential.Format.JWS
    with transaction.atomic():
        held, created = HeldCredential.objects.select_for_update().get_or_create(
            owner=actor, credential_id=credential_id[:500],
            defaults={"format": fmt, "text": stripped},
        )
        held.format, held.text = fmt, stripped
        held.standard = HeldCredential.Standard.OB3
        held.title = (summary.title if summary else "")[:300]
        held.issuer_name = (summary.issuer_name or summary.issuer_id if summary else "")[:300]
        held.description = summary.description if summary else ""
        held.issued_on = _when(summary.valid_from if summary else "")
        held.expires_at = _when(summary.valid_until if summary else "")
        held.verified_at = timezone.now()
        held.source_url = source_url[:1000]
        held.save()
        audit_record(actor=actor, action="held_credential.created" if created
                     else "held_credential.replaced", target=held,
                     data={"credential_id": credential_id})
    return held, created


def _when(value: Any) -> datetime | None:
    from microcred.vc.ob2 import parse_ob2_date

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
    from microcred.vc.errors import VCError
    from microcred.vc.fetch import fetch_bytes

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
    *, actor: Any, data: bytes | str, source_url: str = ""
) -> tuple[HeldCredential, bool]:
    """Verify an Open Badges 2.0 badge awarded to ``actor`` (the recipient must be their email
    address, hashed or not) and keep it in their account, keyed on the assertion's id.

    What is kept is the assertion as presented (JSON text or the signed JWS; for a hosted
    badge given by its URL, the issuer's copy), with what its badge class and issuer said, for
    display. Returns the row and whether it was created."""
    from microcred.verification.services import ob2_verify

    report = ob2_verify(data=data, email=actor.email)
    recipient = report.check("recipient")
    if recipient is not None and recipient.outcome == "failed":
        raise CredentialRefused(
            _("This badge was awarded to another email address, not to the one of your "
              "account."), report=report)
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


def profile_update(*, actor: Any, data: dict[str, Any]) -> Any:
    """PUT /profile: the person's name is the only field they hold here."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(_("A profile needs a name."), problems={"name": _("Required.")})
    with transaction.atomic():
        actor.display_name = name.strip()[:150]
        actor.save(update_fields=["display_name"])
        audit_record(actor=actor, action="profile.updated", target=actor,
                     data={"fields": ["name"]})  # never the name: the log is permanent
    return actor


def vc_issue(*, actor: Any, credential: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """VC-API ``/credentials/issue``: sign ``credential`` as an organization ``actor``
    administers (its issuer id, or the only one they administer)."""
    from microcred.issuance import identity
    from microcred.issuance.services import issuer_key_get_or_create, issuer_key_load
    from microcred.orgs.models import Role
    from microcred.orgs.selectors import organizations_where
    from microcred.vc import openbadges as ob
    from microcred.vc.data_integrity import sign

    if not isinstance(credential, dict):
        raise ValidationFailed(_("credential must be a JSON object."))
    orgs = list(organizations_where(user=actor, role=Role.ADMIN))
    issuer = credential.get("issuer")
    wanted = issuer.get("id") if isinstance(issuer, dict) else issuer
    chosen = None
    for org in orgs:
        key = issuer_key_get_or_create(organization=org)
        if wanted in (None, "", identity.issuer_did(key)) and (wanted or len(orgs) == 1):
            chosen = (org, key)
            break
    if chosen is None:
        raise NotAllowed(_("You may issue only as an organization you administer; name its "
                           "DID as the issuer."))
    org, key = chosen
    document = dict(credential)
    did = identity.issuer_did(key)
    document["issuer"] = ({**issuer, "id": did} if isinstance(issuer, dict)
                          else {"id": did, "type": ["Profile"], "name": org.name})
    document.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if "validFrom" not in document and "issuanceDate" not in document:
        document["validFrom"] = ob.now_iso()
    suite = options.get("cryptosuite", "eddsa-rdfc-2022") if isinstance(options, dict) \
        else "eddsa-rdfc-2022"
    if suite not in {"eddsa-rdfc-2022", "eddsa-jcs-2022"}:
        raise ValidationFailed(_("Unsupported cryptosuite."), code="unsupported_cryptosuite")
    try:
        signed = sign(document, key=issuer_key_load(issuer_key=key), cryptosuite=suite,
                      verification_method=identity.verification_method_id(key))
    except VCError as error:  # unknown context, undefined terms, ...
        raise ValidationFailed(error.message, code=error.code) from None
    with transaction.atomic():
        audit_record(actor=actor, action="vc_api.issued", target=org,
                     data={"credential_id": signed.get("id"), "digest": len(json.dumps(signed))})
    return signed
