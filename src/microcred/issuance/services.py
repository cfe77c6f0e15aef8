"""Issuing credentials one at a time, and changing them afterwards.

A passed attempt (or a completed stack) gets a pending credential row and a signing task in
the same transaction (:func:`credential_request_issue`); the task builds the document
(``documents``), signs it as the organization (``issuer_keys.issuer_sign``) and stores the text
as signed (:func:`credential_sign`). Afterwards an organization administrator revokes, suspends,
lifts a suspension (one table of transitions, :data:`TRANSITIONS`) or renews; the learner
chooses how the credential is shared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import User
from microcred.actors import SYSTEM, Actor
from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance.documents import (
    credential_url,
    issue_time,
    micro_credential_document,
    stored_json,
    validity_of,
)
from microcred.issuance.issuer_keys import issuer_key_get_or_create, issuer_sign
from microcred.issuance.models import Credential, LearnerProfile, StatusPurpose
from microcred.issuance.stack_credentials import (
    stack_credential_document,
    stack_credentials_after_issue,
)
from microcred.issuance.status_lists import (
    credential_status_document,
    status_entries_allocate,
    status_list_mark_changed,
)
from microcred.issuance.tasks import credential_issue
from microcred.orgs.models import Role
from microcred.orgs.selectors import require_role

__all__ = [
    "TRANSITIONS",
    "CredentialChange",
    "credential_renew",
    "credential_request_issue",
    "credential_revoke",
    "credential_set_sharing",
    "credential_sign",
    "credential_status_change",
    "credential_suspend",
    "credential_unsuspend",
    "learner_profile_update",
]


def credential_request_issue(*, actor: Actor, attempt: Attempt) -> Credential:
    """Record that ``attempt`` earned a credential and enqueue its signing.

    Call inside the transaction that passes the attempt: the credential row and the task row
    commit together or not at all. Keyed on the attempt (a partial unique constraint: one
    original credential per attempt), so retries, double clicks and two processes racing all
    end with the same single credential.
    """
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


def credential_sign(*, credential_id: int) -> Credential:
    """Build, sign and store one credential (the background task calls this).

    Idempotent: an issued credential is returned unchanged, so a retried task never re-signs.
    Everything (status entries, the signed text, the audit row) happens in one transaction
    under the credential's row lock: a worker that dies midway leaves nothing behind and the
    task runs again. The JSON text is serialized once and stored; nothing rebuilds it later.
    """
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
        # One entry: Open Badges 3.0's schema allows one credentialStatus object.
        status = credential_status_document(
            status_entries_allocate(credential=credential, issuer_key=issuer_key))
        issued = issue_time()
        validity = validity_of(micro_credential_id=credential.micro_credential_id)
        valid_until = issued + validity if validity else None
        build = (stack_credential_document if credential.stack_id is not None
                 else micro_credential_document)
        document = build(credential, issuer_key=issuer_key, status=status, issued=issued,
                         valid_until=valid_until)
        signed = issuer_sign(document, key=issuer_key)
        credential.signed_json = stored_json(signed)
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
        stack_credentials_after_issue(credential=credential)
    return credential


# -- revocation, suspension, renewal ---------------------------------------------------------


class CredentialChange(StrEnum):
    """What an administrator (or the VC-API's Update Status) does to an issued credential."""

    REVOKE = "revoke"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"


@dataclass(frozen=True)
class Transition:
    """One row of :data:`TRANSITIONS`.

    From: the credentials whose flags (``is_revoked``, ``is_suspended``) have the values in
    ``requires``; ``refused`` is the error when none has. To: ``at_field`` and ``reason_field``
    set to now and the reason (``on``) or cleared. ``whole_chain``: the change applies to every
    credential of the renewal chain (a renewal is the same award). ``purpose``: the status-list
    bit that changes (the list is re-signed by a task enqueued in the same transaction). No
    transition notifies anyone: the credential's page, its status list and the audit log say
    it."""

    requires: Mapping[str, bool]
    refused: Callable[[], InvalidState]
    at_field: str
    reason_field: str
    on: bool
    whole_chain: bool
    purpose: StatusPurpose
    audit_action: str


TRANSITIONS: Mapping[CredentialChange, Transition] = {
    # Revocation is final: nothing clears it, and it takes the renewal chain with it.
    CredentialChange.REVOKE: Transition(
        requires={"is_revoked": False},
        refused=lambda: InvalidState(_("This credential is already revoked."),
                                     code="already_revoked"),
        at_field="revoked_at", reason_field="revocation_reason", on=True, whole_chain=True,
        purpose=StatusPurpose.REVOCATION, audit_action="credential.revoked"),
    CredentialChange.SUSPEND: Transition(
        requires={"is_revoked": False, "is_suspended": False},
        refused=lambda: InvalidState(_("This credential is already revoked or suspended."),
                                     code="already_suspended"),
        at_field="suspended_at", reason_field="suspension_reason", on=True, whole_chain=False,
        purpose=StatusPurpose.SUSPENSION, audit_action="credential.suspended"),
    CredentialChange.UNSUSPEND: Transition(
        requires={"is_suspended": True},
        refused=lambda: InvalidState(_("This credential is not suspended."),
                                     code="not_suspended"),
        at_field="suspended_at", reason_field="suspension_reason", on=False, whole_chain=False,
        purpose=StatusPurpose.SUSPENSION, audit_action="credential.unsuspended"),
}


_ADMINS_ONLY = gettext_lazy("Only an administrator of the issuing organization can do this.")


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


def credential_status_change(
    *, actor: Actor, credential_id: int, change: CredentialChange, reason: str,
) -> Credential:
    """Revoke, suspend or lift a suspension, as :data:`TRANSITIONS` says: an administrator of
    the issuing organization's act, with a reason (kept on the credential, never in the log)."""
    transition = TRANSITIONS[change]
    reason = _reason(reason)
    with transaction.atomic():
        credential = _locked_issued(credential_id)
        require_role(actor, credential.organization, Role.ADMIN, message=str(_ADMINS_ONLY))
        members = ([c if c.pk != credential.pk else credential
                    for c in _renewal_chain(credential)]
                   if transition.whole_chain else [credential])
        moving = [c for c in members
                  if all(getattr(c, flag) == value for flag, value in transition.requires.items())]
        if not moving:
            raise transition.refused()
        now = timezone.now()
        for member in moving:
            setattr(member, transition.at_field, now if transition.on else None)
            setattr(member, transition.reason_field, reason if transition.on else "")
            member.save(update_fields=[transition.at_field, transition.reason_field])
            status_list_mark_changed(credential=member, purpose=transition.purpose)
            if member.pk != credential.pk:
                audit_record(actor=actor, action=transition.audit_action, target=member,
                             data={"reason_given": True, "with_chain_of": credential.pk})
        audit_record(actor=actor, action=transition.audit_action, target=credential,
                     data={"reason_given": bool(reason)})  # free text stays off the log
    return credential


def credential_revoke(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    """Revoke for good: the credential and its whole renewal chain (a renewal is the same award,
    so revoking one revokes all)."""
    return credential_status_change(actor=actor, credential_id=credential_id,
                                    change=CredentialChange.REVOKE, reason=reason)


def credential_suspend(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    return credential_status_change(actor=actor, credential_id=credential_id,
                                    change=CredentialChange.SUSPEND, reason=reason)


def credential_unsuspend(*, actor: Actor, credential_id: int, reason: str) -> Credential:
    return credential_status_change(actor=actor, credential_id=credential_id,
                                    change=CredentialChange.UNSUSPEND, reason=reason)


def credential_renew(*, actor: Actor, credential_id: int) -> Credential:
    """Issue a new credential for the same achievement (a new id, status entry and
    ``validUntil``) that supersedes the old one: an organization administrator's act, on a live
    credential only. The old one is marked superseded and revoked in the same transaction
    ("Superseded by <new id>"), so one credential per award is ever valid; revoking either
    later revokes both (``credential_revoke``)."""
    with transaction.atomic():
        old = _locked_issued(credential_id)
        require_role(actor, old.organization, Role.ADMIN, message=str(_ADMINS_ONLY))
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
        old.revocation_reason = f"Superseded by {credential_url(renewal.public_id)}"
        old.save(update_fields=["superseded_at", "revoked_at", "revocation_reason"])
        status_list_mark_changed(credential=old, purpose=StatusPurpose.REVOCATION)
        audit_record(actor=actor, action="credential.renewal_requested", target=renewal,
                     data={"renews": old.pk})
        audit_record(actor=actor, action="credential.superseded", target=old,
                     data={"renewal": renewal.pk})
        credential_issue.enqueue(renewal.pk)
    return renewal


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
    *, actor: User, did: str, handle: str | None, public: bool
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
