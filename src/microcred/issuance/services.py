from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.actors import SYSTEM, Actor
from microcred.audit.services import audit_record
from microcred.catalog.achievement import achievement_for
from microcred.catalog.languages import micro_credential_text
from microcred.earning.models import Attempt
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance import identity
from microcred.issuance.key_sealing import seal, unseal
from microcred.issuance.models import (
    Credential,
    IssuerKey,
    LearnerProfile,
    StatusPurpose,
    ValidityPeriod,
)
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import user_has_role
from microcred.vc.keys import Ed25519Multikey

logger = logging.getLogger(__name__)


def issuer_key_get_or_create(*, organization: Organization) -> IssuerKey:
    """The organization's active signing key, created (and sealed) on first use."""
    existing = IssuerKey.objects.filter(organization=organization, active=True).first()
    if existing is not None:
        return existing
    key = Ed25519Multikey.generate()
    try:
        with transaction.atomic():
            row = IssuerKey.objects.create(
                organization=organization,
                public_multibase=key.public_multibase,
                sealed_secret=seal(
                    json.dumps(key.to_json()), associated_data=key.public_multibase
                ),
            )
            audit_record(actor=SYSTEM, action="issuer_key.created", target=row,
                         data={"public_multibase": key.public_multibase})
    except IntegrityError:
        # Another process created it first; theirs is the one.
        return IssuerKey.objects.get(organization=organization, active=True)
    logger.info("created issuer key %s for organization %s", key.public_multibase,
                organization.pk)
    return row


def issuer_key_load(*, issuer_key: IssuerKey) -> Ed25519Multikey:
    data = json.loads(unseal(issuer_key.sealed_secret,
                             associated_data=issuer_key.public_multibase))
    return Ed25519Multikey.from_json(data)


def credential_request_issue(*, actor: Actor, attempt: Attempt) -> Credential:
    """Record that ``attempt`` earned a credential and enqueue its signing.

    Call inside the transaction that passes the attempt: the credential row and the task row
    commit together or not at all. Keyed on the attempt (a partial unique constraint: one
    original credential per attempt), so retries, double clicks and two processes racing all
    end with the same single credential.
    """
    from microcred.issuance.tasks import credential_issue

    if attempt.status != Attempt.Status.PASSED:
        raise InvalidState(_("Only a passed attempt earns a credential."), code="not_passed")
    try:
        with transaction.atomic():
            credential, created = Credential.objects.get_or_create(
                attempt=attempt, renews=None,
                defaults={
                    "learner_id": attempt.learner_id,
                    "micro_credential_id": attempt.micro_credential_id,
                    "organization_id": attempt.micro_credential.organization_id,
                },
            )
    except IntegrityError:
        # A concurrent request inserted it between our look-up and our insert.
        return Credential.objects.get(attempt=attempt, renews=None)
    if created:
        audit_record(actor=actor, action="credential.requested", target=credential)
        credential_issue.enqueue(credential.pk)
    return credential


def evidence_url(credential: Credential, position: int) -> str:
    return f"{settings.PUBLIC_URL}/credentials/{credential.public_id}/evidence/{position}"


def _evidence(credential: Credential) -> list[dict[str, Any]]:
    """One OB 3.0 Evidence entry per answered part. The entry names the part and links to it;
    the link answers only while the learner shares evidence (``evidence_public``), so the
    signed credential never has to change when they change their mind."""
    from microcred.vc import openbadges as ob

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


def recipient_identity(*, email: str, did: str = "") -> dict[str, Any]:
    """The credential subject's recipient: the learner's own DID when they proved it, else their
    email as a salted hashed IdentityObject (OB 3.0 IdentityObject). Bulk issuance uses it too."""
    from microcred.vc import openbadges as ob

    if did:
        return {"id": did}
    return {"identifier": [ob.identity_object(value=email)]}


def _recipient(credential: Credential) -> dict[str, Any]:
    profile = LearnerProfile.objects.filter(user_id=credential.learner_id).first()
    return recipient_identity(email=credential.learner.email,
                              did=profile.recipient_did if profile is not None else "")


@dataclass(frozen=True)
class CredentialTemplate:
    """What every credential of one micro-credential, issuer key and language shares: built
    once per credential here, once per job by bulk issuance (``issuance.bulk``)."""

    title: str
    issuer: dict[str, Any]
    achievement: dict[str, Any]
    results: list[dict[str, Any]]


def credential_template(
    *, micro_credential: Any, organization: Organization, issuer_key: IssuerKey, language: str,
) -> CredentialTemplate:
    from microcred.vc import openbadges as ob

    mc = micro_credential
    # Issued in the learner's language when the author translated it (else the author's), and
    # says which (Achievement.inLanguage); the Achievement is the catalog's own
    # (catalog.achievement), with this credential's issuer as its creator.
    text = micro_credential_text(mc, language or mc.language)
    issuer = ob.profile(id=identity.issuer_did(issuer_key), name=organization.name,
                        url=organization.url or settings.PUBLIC_URL)
    achievement = achievement_for(mc, language=text.language, creator=issuer,
                                  image=badge_image_url_for(mc))
    # Every criterion was judged Pass: each result is the level its description requires.
    results = [ob.result(result_description=rd["id"], achieved_level=rd["requiredLevel"])
               for rd in achievement["resultDescription"]]
    return CredentialTemplate(title=text.title, issuer=issuer, achievement=achievement,
                              results=results)


def credential_document(
    *, template: CredentialTemplate, public_id: Any, recipient: dict[str, Any],
    status: dict[str, Any] | list[dict[str, Any]], issued: datetime, valid_until: datetime | None,
    awarded: str | None = None, evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One unsigned OpenBadgeCredential from its template and this credential's own parts
    (``awarded``: an ISO date or date-time; default the issue time)."""
    from microcred.vc import openbadges as ob

    subject = ob.achievement_subject(achievement=template.achievement, results=template.results,
                                     **recipient)
    issued_iso = issued.strftime("%Y-%m-%dT%H:%M:%SZ")
    document: dict[str, Any] = ob.open_badge_credential(
        id=f"{settings.PUBLIC_URL}/credentials/{public_id}",
        issuer=template.issuer, achievement=template.achievement, subject=subject,
        valid_from=issued_iso, awarded_date=awarded or issued_iso,
        valid_until=valid_until.strftime("%Y-%m-%dT%H:%M:%SZ") if valid_until else None,
        name=template.title, evidence=evidence or [], credential_status=status,
    )
    ob.validate_or_raise(document)
    return document


def _build_credential(
    credential: Credential, issuer_key: IssuerKey, status: dict[str, Any] | list[dict[str, Any]],
    issued: datetime, valid_until: datetime | None,
) -> dict[str, Any]:
    mc = credential.micro_credential
    template = credential_template(micro_credential=mc, organization=credential.organization,
                                   issuer_key=issuer_key,
                                   language=credential.learner.language or mc.language)
    return credential_document(template=template, public_id=credential.public_id,
                               recipient=_recipient(credential), status=status, issued=issued,
                               valid_until=valid_until, evidence=_evidence(credential))


def badge_image_url_for(mc: Any) -> str:
    return f"{settings.PUBLIC_URL}/badges/{mc.slug}/v{mc.version}.png"


def credential_sign(*, credential_id: int) -> Credential:
    """Build, sign and store one credential (the background task calls this).

    Idempotent: an issued credential is returned unchanged, so a retried task never re-signs.
    Everything (status entries, the signed text, the audit row) happens in one transaction
    under the credential's row lock: a worker that dies midway leaves nothing behind and the
    task runs again. The JSON text is serialized once and stored; nothing rebuilds it later.
    """
    from microcred.issuance.status_lists import (
        credential_status_document,
        status_entries_allocate,
        status_list_mark_changed,
    )
    from microcred.vc.data_integrity import sign

    with transaction.atomic():
        credential = (
            # of=self: the micro-credential and attempt are outer joins (a stack credential
            # has neither), and PostgreSQL locks no nullable side of an outer join.
            Credential.objects.select_for_update(of=("self",))
            .select_related("micro_credential", "organization", "learner", "attempt", "stack")
            .get(pk=credential_id)
        )
        if credential.is_issued:
            return credential
        issuer_key = issuer_key_get_or_create(organization=credential.organization)
        key = issuer_key_load(issuer_key=issuer_key)
        # One entry: Open Badges 3.0's schema allows one credentialStatus object.
        status = credential_status_document(
            status_entries_allocate(credential=credential, issuer_key=issuer_key))
        issued = timezone.now().replace(microsecond=0)
        validity = ValidityPeriod.objects.filter(
            micro_credential_id=credential.micro_credential_id
        ).first()
        valid_until = issued + timedelta(days=validity.valid_for_days) if validity else None
        if credential.stack_id is not None:
            from microcred.issuance.stack_credentials import stack_credential_document
            document = stack_credential_document(credential, issuer_key, status, issued,
                                                 valid_until)
        else:
            document = _build_credential(credential, issuer_key, status, issued, valid_until)
        signed = sign(document, key=key, cryptosuite="eddsa-rdfc-2022",
                      verification_method=identity.verification_method_id(issuer_key))
        credential.signed_json = json.dumps(signed, ensure_ascii=False, indent=2)
        credential.credential_id = str(signed.get("id", ""))
        credential.issuer_key = issuer_key
        credential.status = Credential.Status.ISSUED
        credential.issued_at = issued
        credential.valid_until = valid_until
        credential.save(update_fields=["signed_json", "credential_id", "issuer_key", "status",
                                       "issued_at", "valid_until"])
        audit_record(actor=SYSTEM, action="credential.issued", target=credential,
                     data={"credential_id": credential.credential_id})
        if credential.is_revoked:
            # Its renewal chain was revoked while it waited to be signed: publish that now.
            status_list_mark_changed(credential=credential, purpose=StatusPurpose.REVOCATION)
        from microcred.issuance.stack_credentials import stack_credentials_after_issue
        stack_credentials_after_issue(credential=credential)
    return credential


# -- revocation, suspension, renewal ---------------------------------------------------------


def _require_admin(actor: Actor, organization: Organization) -> None:
    if not user_has_role(user=actor, organization=organization, role=Role.ADMIN):
        raise NotAllowed(_("Only an administrator of the issuing organization can do this."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), code="reason_required",
                               problems={"reason": _("Give a reason.")})
    return reason


def _locked_issued(credential_id: int) -> Credential:
    credential = Credential.objects.select_for_update().select_related("organization").get(
        pk=credential_id
    )
    if not credential.is_issued:
        raise InvalidState(_("This credential has not been issued yet."), code="not_issued")
    return credential


def _renewal_chain(credential: Credential) -> list[Credential]:
    """Every credential of ``credential``'s renewal chain (the ones it renews and the ones that
    renew it), oldest first, row-locked."""
    first = credential
    seen = {first.pk}
    while first.renews_id is not None and first.renews_id not in seen:
        first = Credential.objects.select_for_update().get(pk=first.renews_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        following = Credential.objects.select_for_update().filter(renews=chain[-1]).first()
        if following is None or following.pk in {c.pk for c in chain}:
            return chain
        chain.append(following)


def credential_revoke(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    """Revoke for good: the credential and its whole renewal chain (a renewal is the same award,
    so revoking one revokes all); each bit is set and its list re-signed (task enqueued here)."""
    from microcred.issuance.status_lists import status_list_mark_changed

    reason = _reason(reason)
    with transaction.atomic():
        credential = _locked_issued(credential_id)
        _require_admin(actor, credential.organization)
        chain = [c if c.pk != credential.pk else credential for c in _renewal_chain(credential)]
        live = [c for c in chain if not c.is_revoked]
        if not live:
            raise InvalidState(_("This credential is already revoked."), code="already_revoked")
        now = timezone.now()
        for member in live:
            member.revoked_at = now
            member.revocation_reason = reason
            member.save(update_fields=["revoked_at", "revocation_reason"])
            status_list_mark_changed(credential=member, purpose=StatusPurpose.REVOCATION)
            if member.pk != credential.pk:
                audit_record(actor=actor, action="credential.revoked", target=member,
                             data={"reason_given": True, "with_chain_of": credential.pk})
        audit_record(actor=actor, action="credential.revoked", target=credential,
                     data={"reason_given": bool(reason)})  # free text stays off the log
    return credential


def credential_suspend(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    from microcred.issuance.status_lists import status_list_mark_changed

    reason = _reason(reason)
    with transaction.atomic():
        credential = _locked_issued(credential_id)
        _require_admin(actor, credential.organization)
        if credential.is_revoked or credential.is_suspended:
            raise InvalidState(_("This credential is already revoked or suspended."),
                               code="already_suspended")
        credential.suspended_at = timezone.now()
        credential.suspension_reason = reason
        credential.save(update_fields=["suspended_at", "suspension_reason"])
        status_list_mark_changed(credential=credential, purpose=StatusPurpose.SUSPENSION)
        audit_record(actor=actor, action="credential.suspended", target=credential,
                     data={"reason_given": bool(reason)})  # free text stays off the log
    return credential


def credential_unsuspend(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    from microcred.issuance.status_lists import status_list_mark_changed

    reason = _reason(reason)
    with transaction.atomic():
        credential = _locked_issued(credential_id)
        _require_admin(actor, credential.organization)
        if not credential.is_suspended:
            raise InvalidState(_("This credential is not suspended."), code="not_suspended")
        credential.suspended_at = None
        credential.suspension_reason = ""
        credential.save(update_fields=["suspended_at", "suspension_reason"])
        status_list_mark_changed(credential=credential, purpose=StatusPurpose.SUSPENSION)
        audit_record(actor=actor, action="credential.unsuspended", target=credential,
                     data={"reason_given": bool(reason)})  # free text stays off the log
    return credential


def credential_renew(*, actor: Actor, credential_id: int) -> Credential:
    """Issue a new credential for the same achievement (a new id, status entry and
    ``validUntil``) that supersedes the old one: an organization administrator's act, on a live
    credential only. The old one is marked superseded and revoked in the same transaction
    ("Superseded by <new id>"), so one credential per award is ever valid; revoking either
    later revokes both (``credential_revoke``)."""
    from microcred.issuance.status_lists import status_list_mark_changed
    from microcred.issuance.tasks import credential_issue

    with transaction.atomic():
        old = _locked_issued(credential_id)
        _require_admin(actor, old.organization)
        existing = Credential.objects.filter(renews=old).first()
        if existing is not None or old.is_superseded:
            raise InvalidState(_("This credential has already been renewed: renew its newest "
                                 "renewal instead."), code="already_renewed")
        if old.is_revoked:
            raise InvalidState(_("A revoked credential cannot be renewed."), code="revoked")
        if old.is_suspended:
            raise InvalidState(_("A suspended credential cannot be renewed: lift the "
                                 "suspension first, or revoke it."), code="suspended")
        renewal = Credential.objects.create(
            attempt_id=old.attempt_id, stack_id=old.stack_id, renews=old,
            bulk_job_id=old.bulk_job_id, bulk_row=old.bulk_row,
            learner_id=old.learner_id,
            micro_credential_id=old.micro_credential_id, organization_id=old.organization_id,
            evidence_public=old.evidence_public, on_public_profile=old.on_public_profile,
        )
        old.superseded_at = old.revoked_at = timezone.now()
        old.revocation_reason = f"Superseded by {settings.PUBLIC_URL}/credentials/" \
                                f"{renewal.public_id}"
        old.save(update_fields=["superseded_at", "revoked_at", "revocation_reason"])
        status_list_mark_changed(credential=old, purpose=StatusPurpose.REVOCATION)
        audit_record(actor=actor, action="credential.renewal_requested", target=renewal,
                     data={"renews": old.pk})
        audit_record(actor=actor, action="credential.superseded", target=old,
                     data={"renewal": renewal.pk})
        credential_issue.enqueue(renewal.pk)
    return renewal


def issuer_key_rotate(*, actor: Actor, organization: Organization) -> IssuerKey:
    """Retire the active key and make a new one. The old key stays in the did:web document
    (and a did:key stays resolvable), and keeps signing its own status lists, so everything
    issued before keeps verifying."""
    _require_admin(actor, organization)
    with transaction.atomic():
        current = IssuerKey.objects.select_for_update().filter(
            organization=organization, active=True
        ).first()
        if current is not None:
            current.active = False
            current.save(update_fields=["active"])
        key = Ed25519Multikey.generate()
        row = IssuerKey.objects.create(
            organization=organization, public_multibase=key.public_multibase,
            sealed_secret=seal(json.dumps(key.to_json()), associated_data=key.public_multibase),
        )
        audit_record(actor=actor, action="issuer_key.rotated", target=row,
                     data={"public_multibase": key.public_multibase,
                           "retired": current.public_multibase if current else None})
    return row


# -- the learner's choices -------------------------------------------------------------------


def credential_set_sharing(
    *, actor: Actor, credential_id: int, evidence_public: bool, on_public_profile: bool
) -> Credential:
    with transaction.atomic():
        credential = Credential.objects.select_for_update().get(pk=credential_id)
        if getattr(actor, "pk", None) != credential.learner_id:
            raise NotAllowed(_("Only the learner chooses how their credential is shared."))
        credential.evidence_public = evidence_public
        credential.on_public_profile = on_public_profile
        credential.save(update_fields=["evidence_public", "on_public_profile"])
        audit_record(actor=actor, action="credential.sharing_changed", target=credential,
                     data={"evidence_public": evidence_public,
                           "on_public_profile": on_public_profile})
    return credential


_DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:[;/?#]\S*)?")


def learner_profile_update(
    *, actor: Actor, did: str, handle: str | None, public: bool
) -> LearnerProfile:
    did = (did or "").strip()
    if did and not _DID.fullmatch(did):
        raise ValidationFailed(_("That is not a DID (it looks like did:method:identifier)."),
                               problems={"did": _("Enter a DID such as did:key:z6Mk…")})
    handle = (handle or "").strip().lower() or None
    if public and not handle:
        raise ValidationFailed(_("A public profile needs an address."),
                               problems={"handle": _("Choose an address for your profile.")})
    with transaction.atomic():
        profile, _created = LearnerProfile.objects.select_for_update().get_or_create(user=actor)
        if handle and LearnerProfile.objects.filter(handle=handle).exclude(pk=profile.pk).exists():
            raise ValidationFailed(_("That address is taken."),
                                   problems={"handle": _("That address is taken.")})
        # The log is permanent: it names the fields that changed, never a DID or a handle.
        changed = [name for name, value in (("did", did), ("handle", handle), ("public", public))
                   if getattr(profile, name) != value]
        # A proof of control is for the DID it proved: another DID starts unproven (did_auth).
        proof_cleared = "did" in changed and profile.did_proven_at is not None
        if "did" in changed:
            profile.did_proven_at = None
        profile.did, profile.handle, profile.public = did, handle, public
        profile.save()
        data: dict[str, Any] = {"fields": changed, "public": public}
        if proof_cleared:
            data["did_proof_cleared"] = True
        audit_record(actor=actor, action="learner_profile.updated", target=profile, data=data)
    return profile
