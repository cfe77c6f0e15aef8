from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.api.models import HeldCredential
from microcred.audit.services import audit_record
from microcred.errors import NotAllowed, ValidationFailed
from microcred.vc.errors import VCError
from microcred.verification.messages import summary_message
from microcred.verification.services import MAX_CREDENTIAL_BYTES, credential_verify
from microcred.verification.summary import credential_summary

__all__ = ["held_credential_upsert", "profile_update", "vc_issue", "CredentialRefused"]


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
        held.title = (summary.title if summary else "")[:300]
        held.issuer_name = (summary.issuer_name or summary.issuer_id if summary else "")[:300]
        held.source_url = source_url[:1000]
        held.save()
        audit_record(actor=actor, action="held_credential.created" if created
                     else "held_credential.replaced", target=held,
                     data={"credential_id": credential_id})
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
