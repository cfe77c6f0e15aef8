"""What a credential says: the one builder of every OpenBadgeCredential the platform issues.

A credential earned through an attempt (``services.credential_sign``), a bulk row
(``bulk.run``: built once per kind of row with this builder, then filled in) and a stack
credential (``stack_credentials``) are all built by :func:`credential_document` from a
:class:`CredentialTemplate` (what every credential of one achievement, key and language
shares: the issuer profile, the Achievement and its results) and the credential's own parts
(id, recipient, status entry, dates, evidence). The issuer profile, the recipient and the dates
are written here only, so the three paths cannot drift apart.

Dates are written to the second, in UTC with a ``Z`` (VC 2.0 section 4.9 ``validFrom``): a
credential's ``validFrom`` is the time it is signed, its ``validUntil`` that plus the
micro-credential's validity period, if it has one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from microcred.accounts.models import User
from microcred.catalog.achievement import achievement_for
from microcred.catalog.languages import micro_credential_text
from microcred.catalog.models import MicroCredential
from microcred.issuance import identity
from microcred.issuance.models import Credential, IssuerKey, LearnerProfile, ValidityPeriod
from microcred.orgs.models import Organization
from microcred.vc import openbadges as ob

__all__ = [
    "CredentialStatus",
    "CredentialTemplate",
    "badge_image_url_for",
    "credential_document",
    "credential_template",
    "credential_url",
    "evidence_url",
    "iso_datetime",
    "issue_time",
    "issuer_profile",
    "learner_recipient",
    "micro_credential_document",
    "recipient_identity",
    "stored_json",
    "validity_of",
]

#: A ``credentialStatus``: one entry (what Open Badges 3.0 allows), or several.
type CredentialStatus = dict[str, Any] | list[dict[str, Any]]


# -- addresses and dates -----------------------------------------------------------------------


def credential_url(public_id: uuid.UUID | str) -> str:
    """The credential's ``id``: its public page."""
    return f"{settings.PUBLIC_URL}/credentials/{public_id}"


def evidence_url(credential: Credential, position: int) -> str:
    return f"{credential_url(credential.public_id)}/evidence/{position}"


def badge_image_url_for(mc: MicroCredential) -> str:
    return f"{settings.PUBLIC_URL}/badges/{mc.slug}/v{mc.version}.png"


def iso_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def issue_time() -> datetime:
    """Now, to the second: what a credential signed now says in ``validFrom``."""
    return timezone.now().replace(microsecond=0)


def validity_of(*, micro_credential_id: int | None) -> timedelta | None:
    """How long credentials of this micro-credential stay valid (``None``: for good, as a stack
    credential, which has no micro-credential)."""
    if micro_credential_id is None:
        return None
    period = ValidityPeriod.objects.filter(micro_credential_id=micro_credential_id).first()
    return timedelta(days=period.valid_for_days) if period else None


# -- who issues, who receives -----------------------------------------------------------------


def issuer_profile(*, organization: Organization, issuer_key: IssuerKey) -> dict[str, Any]:
    """The OB 3.0 ``Profile`` of the issuer: the organization, named by its key's DID."""
    return ob.profile(id=identity.issuer_did(issuer_key), name=organization.name,
                      url=organization.url or settings.PUBLIC_URL)


def recipient_identity(*, email: str, did: str = "") -> dict[str, Any]:
    """The credential subject's recipient: the learner's own DID when they proved it, else their
    email as a salted hashed IdentityObject (OB 3.0 IdentityObject)."""
    if did:
        return {"id": did}
    return {"identifier": [ob.identity_object(value=email)]}


def learner_recipient(learner: User) -> dict[str, Any]:
    """:func:`recipient_identity` for an account (its proven DID, if any)."""
    profile = LearnerProfile.objects.filter(user_id=learner.pk).first()
    return recipient_identity(email=learner.email,
                              did=profile.recipient_did if profile is not None else "")


# -- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialTemplate:
    """What every credential of one achievement, issuer key and language shares: built once per
    credential one at a time, once per job and language by bulk issuance."""

    title: str
    issuer: dict[str, Any]
    achievement: dict[str, Any]
    results: list[dict[str, Any]]


def credential_template(
    *, micro_credential: MicroCredential, organization: Organization, issuer_key: IssuerKey,
    language: str,
) -> CredentialTemplate:
    mc = micro_credential
    # Issued in the learner's language when the author translated it (else the author's), and
    # says which (Achievement.inLanguage); the Achievement is the catalog's own
    # (catalog.achievement), with this credential's issuer as its creator.
    text = micro_credential_text(mc, language or mc.language)
    issuer = issuer_profile(organization=organization, issuer_key=issuer_key)
    achievement = achievement_for(mc, language=text.language, creator=issuer,
                                  image=badge_image_url_for(mc))
    # Every criterion was judged Pass: each result is the level its description requires.
    results = [ob.result(result_description=rd["id"], achieved_level=rd["requiredLevel"])
               for rd in achievement["resultDescription"]]
    return CredentialTemplate(title=text.title, issuer=issuer, achievement=achievement,
                              results=results)


def credential_document(
    *, template: CredentialTemplate, public_id: uuid.UUID | str, recipient: Mapping[str, Any],
    status: CredentialStatus, issued: datetime, valid_until: datetime | None,
    awarded: str | None = None, evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One unsigned OpenBadgeCredential from its template and this credential's own parts
    (``awarded``: an ISO date or date-time; default the issue time), checked against the OB 3.0
    schema."""
    subject = ob.achievement_subject(achievement=template.achievement, results=template.results,
                                     **recipient)
    issued_iso = iso_datetime(issued)
    document: dict[str, Any] = ob.open_badge_credential(
        id=credential_url(public_id),
        issuer=template.issuer, achievement=template.achievement, subject=subject,
        valid_from=issued_iso, awarded_date=awarded or issued_iso,
        valid_until=iso_datetime(valid_until) if valid_until else None,
        name=template.title, evidence=evidence or [], credential_status=status,
    )
    ob.validate_or_raise(document)
    return document


def _attempt_evidence(credential: Credential) -> list[dict[str, Any]]:
    """One OB 3.0 Evidence entry per answered part. The entry names the part and links to it;
    the link answers only while the learner shares evidence (``evidence_public``), so the
    signed credential never has to change when they change their mind."""
    if credential.attempt_id is None:
        # A bulk row's renewal: the evidence its row named, as the renewed credential said it.
        renewed = credential.renews
        return list(json.loads(renewed.signed_json).get("evidence", [])) if renewed else []
    entries = []
    answers = credential.attempt.answers.select_related("prompt__part").prefetch_related(
        "prompt__part__prompts").order_by("prompt__position")
    for answer in answers:
        if not answer.is_complete:
            continue
        prompt = answer.prompt
        entries.append(ob.evidence(
            id=evidence_url(credential, prompt.position),
            name=str(prompt.label),
            description=prompt.prompt,
            genre="File" if prompt.kind == "file" else "Written answer",
        ))
    return entries


def micro_credential_document(
    credential: Credential, *, issuer_key: IssuerKey, status: CredentialStatus,
    issued: datetime, valid_until: datetime | None,
) -> dict[str, Any]:
    """The unsigned credential of a micro-credential earned one at a time (or renewed), in the
    learner's language."""
    mc = credential.micro_credential
    template = credential_template(micro_credential=mc, organization=credential.organization,
                                   issuer_key=issuer_key,
                                   language=credential.learner.language or mc.language)
    return credential_document(template=template, public_id=credential.public_id,
                               recipient=learner_recipient(credential.learner), status=status,
                               issued=issued, valid_until=valid_until,
                               evidence=_attempt_evidence(credential))


def stored_json(signed: Mapping[str, Any]) -> str:
    """The text a signed document is stored as, and served back byte for byte."""
    return json.dumps(signed, ensure_ascii=False, indent=2)
