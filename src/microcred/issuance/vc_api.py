"""Issuance through the VC-API (W3C CCG VC-API: "Issue Credential" and "Update Status").

A caller with the ``vc.issue`` scope, an administrator of an issuing organization, sends its own
credential; the platform signs it as that organization and keeps it (``Credential`` with
``via_vc_api``), with Bitstring Status List entries, so it can later be revoked or suspended
like any other credential.

The rules, and why:

- The document keeps the caller's shape: a string ``issuer`` stays a string, an object stays an
  object, and every other property is signed as sent. The platform adds only what a credential
  issued here needs: its ``credentialStatus`` entry, and an ``id``, ``validFrom`` or ``issuer``
  the caller left out.
- The issuer is the organization's: its ``id`` must be the DID of the organization's active key
  (``identity.issuer_did``). The issuer profile comes from the organization, never from the
  caller: an issuer object may carry ``id``, ``type``, ``name`` and ``description``; a
  ``name`` or ``description`` that conforms (a string or language value objects, VC 2.0 section
  4.6) is replaced by the organization's own, so an administrator of one organization cannot
  sign a credential that names another. Other profile properties are refused.
- A VC 1.1 credential (``@context`` .../2018/credentials/v1) gets no status entry: Bitstring
  Status List is VC 2.0 vocabulary the 1.1 context does not define. Asking for one is refused.
- The document must conform to the VC Data Model (``vc.openbadges.validate``: the verifier's
  own schema check), so the platform never signs what it would then refuse; every problem is
  reported, not only the first.
- An ``id`` in the platform's own URL space, or one already signed here, is refused: a caller
  must not mint a second credential under a platform credential's identity.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.issuance import identity
from microcred.issuance.documents import stored_json
from microcred.issuance.issuer_keys import CRYPTOSUITE, issuer_key_get_or_create, issuer_sign
from microcred.issuance.models import Credential, IssuerKey, StatusPurpose
from microcred.issuance.services import CredentialChange, credential_status_change
from microcred.issuance.status_lists import (
    STANDING,
    credential_status_document,
    status_entries_allocate,
)
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import organizations_where
from microcred.vc import openbadges
from microcred.vc.errors import VCError

__all__ = [
    "CredentialInvalid",
    "STATUS_ENTRY_TYPE",
    "vc_credential_issue",
    "vc_credential_status_update",
]

STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
SUPPORTED_CRYPTOSUITES = (CRYPTOSUITE, "eddsa-jcs-2022")
# The issuer object's properties a caller may send (the rest of a profile is the organization's).
_ISSUER_FIELDS = {"id", "type", "name", "description"}
_VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_BADGE_TYPES = {"OpenBadgeCredential", "AchievementCredential", "ClrCredential",
                "EndorsementCredential"}
_MAX_ID = 200  # Credential.credential_id


def _badge_kind(document: Mapping[str, Any]) -> bool:
    types = document.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    return bool(_BADGE_TYPES & {t for t in types if isinstance(t, str)})


class CredentialInvalid(ValidationFailed):
    """The credential cannot be signed; ``messages`` names every problem found."""

    code = "invalid_credential"

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def _candidates(actor: Actor) -> list[tuple[Organization, IssuerKey, str]]:
    """(organization, active key, issuer DID) for each organization ``actor`` administers."""
    out = []
    for org in organizations_where(user=actor, role=Role.ADMIN).order_by("pk"):
        key = issuer_key_get_or_create(organization=org)
        out.append((org, key, identity.issuer_did(key)))
    return out


def _language_text(value: Any) -> list[str] | None:
    """The strings of a name (a string, a language value object, or an array of them)."""
    items = value if isinstance(value, list) else [value]
    texts = [i if isinstance(i, str) else i.get("@value") if isinstance(i, Mapping) else None
             for i in items]
    return [t for t in texts if isinstance(t, str)] if all(
        isinstance(t, str) for t in texts) else None


def _choose_issuer(
    actor: Actor, issuer: Any, problems: list[str]
) -> tuple[Organization, IssuerKey, str] | None:
    """The organization the credential is issued as, appending to ``problems`` what is wrong
    with the caller's ``issuer``; ``None`` when no organization fits."""
    candidates = _candidates(actor)
    if not candidates:
        raise NotAllowed(_("Only an administrator of an issuing organization can issue "
                           "credentials."), code="not_an_issuer")
    dids = sorted({did for _org, _key, did in candidates})
    if issuer is None:
        wanted: Any = None
    elif isinstance(issuer, str):
        wanted = issuer
    elif isinstance(issuer, Mapping):
        wanted = issuer.get("id")
        if not isinstance(wanted, str) or not wanted:
            problems.append(_("issuer.id must be the DID of your organization (%(dids)s), not "
                              "%(value)s.") % {"dids": ", ".join(dids),
                                               "value": json.dumps(wanted)})
            return None
    else:
        problems.append(_("issuer must be a URL or an object with an id."))
        return None
    matching = [c for c in candidates if wanted is None or c[2] == wanted]
    if not matching:
        problems.append(_("issuer %(value)s is not an issuer you may sign as: name the DID of "
                          "an organization you administer (%(dids)s).")
                        % {"value": wanted, "dids": ", ".join(dids)})
        return None
    if len(matching) > 1 and isinstance(issuer, Mapping) and "name" in issuer:
        names = _language_text(issuer["name"]) or []
        matching = [c for c in matching if c[0].name in names] or matching
    if len(matching) > 1:
        problems.append(_("You administer several organizations that sign as %(did)s; give "
                          "the issuer as an object whose name is the organization's name.")
                        % {"did": matching[0][2]})
        return None
    if isinstance(issuer, Mapping):
        extra = sorted(str(k) for k in issuer if k not in _ISSUER_FIELDS)
        if extra:
            problems.append(_("issuer.%(names)s: the issuer's profile comes from the "
                              "organization; an issuer object may carry only id, type, name "
                              "and description.") % {"names": ", issuer.".join(extra)})
    return matching[0]


def _organization_profile(issuer: Mapping[str, Any], org: Organization) -> dict[str, Any]:
    """The caller's issuer object with ``name`` and ``description`` taken from ``org`` (the
    caller's values were checked for shape first): the profile is the organization's."""
    profile = dict(issuer)
    if "name" in profile:
        profile["name"] = org.name
    if "description" in profile:
        if org.description:
            profile["description"] = org.description
        else:
            del profile["description"]
    return profile


def _own_url(value: str) -> bool:
    base = str(settings.PUBLIC_URL).rstrip("/")
    return value == base or value.startswith(base + "/")


def _status_purposes(options: Mapping[str, Any], problems: list[str]) -> tuple[str, ...] | None:
    """``options.credentialStatus``: ``{"type": "BitstringStatusListEntry"}`` (the platform's
    entry), with ``statusPurpose`` "revocation" or "suspension" for a single-purpose entry, or
    an array of such objects. ``None``: the platform's default entry."""
    requested = options.get("credentialStatus")
    if requested is None:
        return None
    items = requested if isinstance(requested, list) else [requested]
    purposes: list[str] = []
    allowed = {StatusPurpose.REVOCATION.value, StatusPurpose.SUSPENSION.value,
               *(str(p) for p in STANDING)}
    for item in items:
        if not isinstance(item, Mapping) or item.get("type") != STATUS_ENTRY_TYPE:
            problems.append(_("options.credentialStatus must be {\"type\": "
                              "\"BitstringStatusListEntry\"} (optionally with a statusPurpose) "
                              "or an array of them."))
            return None
        purpose = item.get("statusPurpose")
        if purpose is None:
            purposes.extend(str(p) for p in STANDING)
        elif purpose in allowed:
            purposes.append(str(purpose))
        else:
            problems.append(_("options.credentialStatus statusPurpose must be one of "
                              "%(choices)s, not %(value)s.")
                            % {"choices": ", ".join(sorted(allowed)),
                               "value": json.dumps(purpose)})
            return None
    if not purposes or len(set(purposes)) != len(purposes):
        problems.append(_("options.credentialStatus names the same status purpose twice."))
        return None
    return tuple(purposes)


def _caller_status_entries(document: Mapping[str, Any], problems: list[str]) -> list[Any]:
    """The credential's own ``credentialStatus`` entries, which are kept; one that points into
    the platform's URL space is refused (it would share another credential's status)."""
    given = document.get("credentialStatus")
    if given is None:
        return []
    entries = given if isinstance(given, list) else [given]
    for entry in entries:
        if isinstance(entry, Mapping) and any(
                isinstance(v, str) and _own_url(v) for v in entry.values()):
            problems.append(_("credentialStatus must not point at this platform's status "
                              "lists: the platform adds the credential's own entry."))
            break
    return list(entries)


def _data_model_problems(document: Mapping[str, Any]) -> list[str]:
    return [f"{p.path}: {p.message}" for p in openbadges.validate(document)]


def vc_credential_issue(
    *, actor: Actor, credential: Mapping[str, Any], options: Mapping[str, Any]
) -> dict[str, Any]:
    """VC-API ``POST /credentials/issue``: sign ``credential`` as the organization ``actor``
    administers that its ``issuer`` names, store it, and return it as signed.

    Raises ``CredentialInvalid`` (every problem), ``NotAllowed`` (``actor`` administers no
    organization) or ``InvalidState`` (the ``id`` is taken)."""
    if not isinstance(credential, Mapping):
        raise CredentialInvalid([_("credential must be a JSON object.")])
    if not isinstance(options, Mapping):
        raise CredentialInvalid([_("options must be a JSON object.")])
    problems: list[str] = []
    suite = options.get("cryptosuite", CRYPTOSUITE)
    if suite not in SUPPORTED_CRYPTOSUITES:
        problems.append(_("options.cryptosuite must be one of %(choices)s.")
                        % {"choices": ", ".join(SUPPORTED_CRYPTOSUITES)})
    purposes = _status_purposes(options, problems)
    chosen = _choose_issuer(actor, credential.get("issuer"), problems)
    caller_status = _caller_status_entries(credential, problems)

    document = dict(credential)
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if chosen is not None and "issuer" not in document:
        org, key, did = chosen
        # An Open Badges (or CLR) credential's issuer is a Profile; a plain VC's, the DID.
        document["issuer"] = ({"id": did, "type": ["Profile"], "name": org.name}
                              if _badge_kind(document) else did)
    document.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if first == _VC_V1_CONTEXT:
        document.setdefault("issuanceDate", openbadges.now_iso())
    elif "validFrom" not in document and "issuanceDate" not in document:
        document["validFrom"] = openbadges.now_iso()
    # The status entry the platform adds is checked by its own tests; check the caller's part.
    problems.extend(_data_model_problems(document))
    vc_v1 = first == _VC_V1_CONTEXT
    if vc_v1 and purposes is not None:
        problems.append(_("options.credentialStatus: a VC 1.1 credential cannot carry a "
                          "Bitstring Status List entry (VC 2.0 vocabulary); issue it with the "
                          "VC 2.0 context to be able to revoke or suspend it."))
    if chosen is not None and isinstance(document.get("issuer"), Mapping):
        document["issuer"] = _organization_profile(document["issuer"], chosen[0])
    credential_id = document["id"]
    if isinstance(credential_id, str) and len(credential_id) > _MAX_ID:
        problems.append(_("id must be at most %(count)d characters.") % {"count": _MAX_ID})
    if problems or chosen is None:
        raise CredentialInvalid(problems)
    if isinstance(credential_id, str) and (
            _own_url(credential_id)
            or Credential.objects.filter(credential_id=credential_id).exists()):
        raise InvalidState(_("The id %(id)s is already used by a credential of this "
                             "platform; give another id or none.") % {"id": credential_id},
                           code="credential_id_taken")
    org, key, did = chosen
    try:
        with transaction.atomic():
            row = Credential.objects.create(
                via_vc_api=True, organization=org, issuer_key=key,
                credential_id=str(credential_id))
            if not vc_v1:
                entries = (status_entries_allocate(credential=row, issuer_key=key)
                           if purposes is None else
                           status_entries_allocate(credential=row, issuer_key=key,
                                                   purposes=purposes))
                ours = credential_status_document(entries)
                ours_list = ours if isinstance(ours, list) else [ours]
                document["credentialStatus"] = (ours if not caller_status
                                                else [*caller_status, *ours_list])
            try:
                signed = issuer_sign(document, key=key, cryptosuite=suite)
            except VCError as error:  # unknown context, undefined terms, ...
                raise CredentialInvalid([error.message]) from None
            issued = timezone.now()
            row.signed_json = stored_json(signed)
            row.status = Credential.Status.ISSUED
            row.issued_at = issued
            row.valid_until = _parsed(signed.get("validUntil") or signed.get("expirationDate"))
            row.save(update_fields=["signed_json", "status", "issued_at", "valid_until"])
            audit_record(actor=actor, action="vc_api.issued", target=row,
                         data={"credential_id": row.credential_id,
                               "organization": org.pk})
    except IntegrityError:
        # Another request stored the same id between our look-up and our insert.
        raise InvalidState(_("The id %(id)s is already used by a credential of this "
                             "platform; give another id or none.") % {"id": credential_id},
                           code="credential_id_taken") from None
    return signed


def _parsed(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


# -- Update Status ------------------------------------------------------------------------------

#: ``status`` words of VC-API "Update Status" and what they do.
_STATUS_WORDS = {"revoked": ("revocation", True), "suspended": ("suspension", True),
                 "unsuspended": ("suspension", False), "active": ("suspension", False),
                 "valid": ("suspension", False)}


def _status_changes(body: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """(purpose, set?) pairs from an Update Status body. Accepted: each ``credentialStatus``
    item with ``type: BitstringStatusListEntry`` and either ``status`` as a word ("revoked",
    "suspended", "active") or ``statusPurpose`` with a boolean ``status`` (on the item or the
    body)."""
    given = body.get("credentialStatus")
    items = given if isinstance(given, list) else [given]
    if not items or not all(isinstance(i, Mapping) for i in items):
        raise ValidationFailed(_("credentialStatus must be an object or an array of objects, "
                                 "each with a type and a status."), code="invalid_status")
    changes: list[tuple[str, bool]] = []
    for item in items:
        if item.get("type") != STATUS_ENTRY_TYPE:
            raise ValidationFailed(_("credentialStatus type must be "
                                     "\"BitstringStatusListEntry\"."), code="invalid_status")
        status = item.get("status", body.get("status"))
        purpose = item.get("statusPurpose")
        if isinstance(status, str) and status in _STATUS_WORDS and purpose is None:
            changes.append(_STATUS_WORDS[status])
        elif purpose in ("revocation", "suspension") and isinstance(status, bool):
            changes.append((purpose, status))
        else:
            raise ValidationFailed(
                _("Each credentialStatus needs status \"revoked\", \"suspended\" or \"active\", "
                  "or statusPurpose \"revocation\" or \"suspension\" with status true or "
                  "false."), code="invalid_status")
    return changes


def vc_credential_status_update(*, actor: Actor, body: Mapping[str, Any]) -> Credential:
    """VC-API ``POST /credentials/status``: revoke, suspend or lift the suspension of a
    credential of an organization ``actor`` administers, through the platform's own services
    (so the status list is re-signed and the change audited). Revocation is final."""
    credential_id = body.get("credentialId")
    if not isinstance(credential_id, str) or not credential_id:
        raise ValidationFailed(_("credentialId must be the id of a credential."),
                               code="invalid_status")
    changes = _status_changes(body)
    reason = body.get("reason")
    reason = reason.strip() if isinstance(reason, str) and reason.strip() else _(
        "Changed through the VC-API.")
    found = list(Credential.objects.filter(
        credential_id=credential_id, status=Credential.Status.ISSUED,
        organization__in=organizations_where(user=actor, role=Role.ADMIN))[:2])
    if len(found) != 1:
        # Also when it exists elsewhere: another organization's credentials are not named.
        raise NotFound(_("No credential with this id among those your organizations issued."))
    row = found[0]
    for purpose, on in changes:
        if purpose == "revocation" and not on:
            raise InvalidState(_("Revocation is final: a revoked credential stays revoked."),
                               code="revocation_final")
    with transaction.atomic():
        for purpose, on in changes:
            row.refresh_from_db()
            change: CredentialChange | None = None
            if purpose == "revocation" and not row.is_revoked:
                change = CredentialChange.REVOKE
            elif purpose == "suspension" and on and not row.is_suspended:
                if row.is_revoked:
                    raise InvalidState(_("This credential is revoked; it cannot be suspended."),
                                       code="already_revoked")
                change = CredentialChange.SUSPEND
            elif purpose == "suspension" and not on and row.is_suspended:
                change = CredentialChange.UNSUSPEND
            if change is not None:  # else it already says so: nothing to change
                credential_status_change(actor=actor, credential_id=row.pk, change=change,
                                         reason=reason)
    row.refresh_from_db()
    return row
