"""Proving that the learner controls the DID on their profile (DID Authentication).

A DID typed on the profile is only a claim: anyone can type anyone's DID. The platform gives a
challenge (a random nonce kept here, good for :data:`CHALLENGE_LIFETIME`, used once) and its
domain (the public host); the learner's wallet answers with a ``VerifiablePresentation`` whose
Data Integrity proof (``proofPurpose: authentication``) carries both, so the signature covers
them (VC Data Model 2.0 §4.13; Data Integrity 1.0 §2.1 and §4.3 on ``challenge`` and
``domain``). The proof must be made with a key the profile's DID controls (the verification
method's ``controller``), and the presentation's ``holder``, when it names one, must be that
DID. Then ``LearnerProfile.did_proven_at`` is set; changing the DID clears it
(``learner_profile_update``). Only a proven DID ties a credential from elsewhere to the account
(``learner.services``), and one account at most proves a DID (a constraint on the profile).
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from html import unescape
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed
from microcred.issuance.models import DidChallenge, LearnerProfile
from microcred.issuance.selectors import learner_profile_for
from microcred.issuance.verifier_options import verify_options
from microcred.vc.presentation import verify_presentation
from microcred.web.verifier_messages import check_message

__all__ = ["CHALLENGE_LIFETIME", "MAX_PRESENTATION_BYTES", "DidProofRefused",
           "did_auth_domain", "did_challenge_issue", "learner_did_prove"]

#: How long a challenge can be answered: long enough to open a wallet, short against replay.
CHALLENGE_LIFETIME = timedelta(minutes=30)
#: A challenge with less time left than this is not shown again; a fresh one is made.
_FRESH_ENOUGH = timedelta(minutes=5)
#: Spent and expired challenges are kept this long, so a late answer hears why it is refused.
_KEPT_AFTER_EXPIRY = timedelta(days=1)
#: A DID Authentication presentation is a few kilobytes; it need carry no credential at all.
MAX_PRESENTATION_BYTES = 256 * 1024


class DidProofRefused(ValidationFailed):
    """The presentation does not prove control of the profile's DID; the message says why."""

    code = "did_proof_refused"

    def __init__(self, message: str, *, code: str | None = None, report: Any = None) -> None:
        super().__init__(message, code=code)
        self.report = report


def did_auth_domain() -> str:
    """The ``domain`` a presentation must be signed for: this platform's public host."""
    return str(settings.PUBLIC_HOST)


def did_challenge_issue(*, actor: Actor) -> DidChallenge | None:
    """The challenge to show ``actor`` for proving their profile's DID: the live one, or a new
    one. ``None`` when there is nothing to prove (no DID, or it is proven already)."""
    profile = learner_profile_for(user=actor)
    if profile is None or not profile.did or profile.did_proven_at is not None:
        return None
    now = timezone.now()
    live = (DidChallenge.objects
            .filter(profile=profile, did=profile.did, used_at__isnull=True,
                    expires_at__gt=now + _FRESH_ENOUGH)
            .order_by("-expires_at").first())
    if live is not None:
        return live
    with transaction.atomic():
        DidChallenge.objects.filter(profile=profile,
                                    expires_at__lt=now - _KEPT_AFTER_EXPIRY).delete()
        return DidChallenge.objects.create(profile=profile, did=profile.did,
                                           nonce=secrets.token_urlsafe(32),
                                           expires_at=now + CHALLENGE_LIFETIME)


def learner_did_prove(*, actor: Actor, presentation: bytes | str) -> LearnerProfile:
    """Record that ``actor`` controls their profile's DID, shown by ``presentation``: signed by
    that DID for a live challenge of theirs and this platform's domain. Raises
    :class:`DidProofRefused` naming what is wrong; the challenge stays usable until it proves."""
    profile = learner_profile_for(user=actor)
    if profile is None or not profile.did:
        raise DidProofRefused(_("Your profile gives no DID to prove: save your DID first."),
                              code="no_did")
    if profile.did_proven_at is not None:
        raise DidProofRefused(_("Your DID is already proven."), code="did_already_proven")
    did = profile.did
    document = _presentation_document(presentation)
    nonce = _challenge_of(document, did=did)
    challenge = _challenge_live(profile=profile, nonce=nonce, did=did)
    report = verify_presentation(document, verify_options(), expected_challenge=challenge.nonce,
                                 expected_domain=did_auth_domain())
    _refuse_unless_signed_by(report, document=document, did=did)
    now = timezone.now()
    try:
        with transaction.atomic():
            profile = LearnerProfile.objects.select_for_update().get(pk=profile.pk)
            challenge = DidChallenge.objects.select_for_update().get(pk=challenge.pk)
            if profile.did != did:
                raise DidProofRefused(
                    _("Your DID changed while this presentation was checked: prove the DID "
                      "now on your profile."), code="did_changed")
            challenge = _challenge_live(profile=profile, nonce=challenge.nonce, did=did)
            _refuse_if_proven_elsewhere(profile)
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            profile.did_proven_at = now
            profile.save(update_fields=["did_proven_at"])
            # The log is permanent: it says a proof was made, never the DID.
            audit_record(actor=actor, action="learner_profile.did_proven", target=profile,
                         data={"method": did.split(":", 2)[1] if did.count(":") >= 2 else ""})
    except IntegrityError:  # another account proved the same DID a moment ago
        raise _proven_elsewhere(did) from None
    return profile


# -- the steps --------------------------------------------------------------------------------


def _presentation_document(presentation: bytes | str) -> dict[str, Any]:
    raw = presentation if isinstance(presentation, bytes) else presentation.encode("utf-8")
    if len(raw) > MAX_PRESENTATION_BYTES:
        raise DidProofRefused(
            _("This is too large to be a presentation proving your DID (at most %(size)s KB).")
            % {"size": MAX_PRESENTATION_BYTES // 1024}, code="too_large")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        document = None
    kind = document.get("type") if isinstance(document, dict) else None
    if not isinstance(document, dict) \
            or "VerifiablePresentation" not in (kind if isinstance(kind, list) else [kind]):
        raise DidProofRefused(
            _("This is not a verifiable presentation: give the JSON of a presentation "
              "(type VerifiablePresentation) that your wallet signed with your DID."),
            code="not_a_presentation")
    return document


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [p for p in proofs if isinstance(p, dict)]


def _challenge_of(document: dict[str, Any], *, did: str) -> str:
    proofs = _proofs(document)
    if not proofs:
        raise DidProofRefused(
            _("The presentation is not signed (it has no proof), so it cannot show that you "
              "control %(did)s. Have your wallet sign it with that DID.") % {"did": did},
            code="presentation_unsigned")
    nonces = [p["challenge"] for p in proofs if isinstance(p.get("challenge"), str)
              and p["challenge"]]
    if not nonces:
        raise DidProofRefused(
            _("The presentation's proof carries no challenge: sign it with the challenge shown "
              "on this page."), code="challenge_missing")
    return str(nonces[0])


def _challenge_live(*, profile: LearnerProfile, nonce: str, did: str) -> DidChallenge:
    challenge = DidChallenge.objects.filter(profile=profile, nonce=nonce).first()
    again = _("Sign a new presentation with the challenge now shown on this page.")
    if challenge is None:
        raise DidProofRefused(
            _("The presentation was signed for a challenge this platform did not give you. "
              "%(again)s") % {"again": again}, code="challenge_unknown")
    if challenge.used_at is not None:
        raise DidProofRefused(
            _("This challenge has already been used: each one proves once. %(again)s")
            % {"again": again}, code="challenge_used")
    if challenge.expires_at <= timezone.now():
        raise DidProofRefused(
            _("This challenge expired at %(time)s (a challenge is good for %(minutes)s "
              "minutes). %(again)s")
            % {"time": formats.date_format(timezone.localtime(challenge.expires_at),
                                           "DATETIME_FORMAT"),
               "minutes": int(CHALLENGE_LIFETIME.total_seconds() // 60), "again": again},
            code="challenge_expired")
    if challenge.did != did:
        raise DidProofRefused(
            _("This challenge was given for another DID, not %(did)s. %(again)s")
            % {"did": did, "again": again}, code="challenge_other_did")
    return challenge


def _check_text(check: Any) -> str:
    """A check's sentence as plain text in the active language (for a form error)."""
    return unescape(strip_tags(check_message(check)))


def _refuse_unless_signed_by(report: Any, *, document: dict[str, Any], did: str) -> None:
    """The proof verifies for this challenge and domain, and ``did`` made it: a key it
    controls signed, and the holder, when named, is ``did`` itself (not a DID merely listed)."""
    proof = report.check("proof")
    if proof is None or proof.outcome != "passed":
        why = _check_text(proof) if proof is not None else _("it could not be checked.")
        raise DidProofRefused(
            _("The presentation's signature does not prove your DID: %(why)s") % {"why": why},
            code="presentation_not_verified", report=report)
    signers = [s for s in proof.details.get("signers", ()) if isinstance(s, str)]
    holder = document.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder is not None and holder != did:
        raise DidProofRefused(
            _("The presentation is held by %(holder)s, not by your DID %(did)s.")
            % {"holder": holder if isinstance(holder, str) else "?", "did": did},
            code="holder_not_did", report=report)
    if did not in signers:
        raise DidProofRefused(
            _("The presentation was signed with a key of %(signers)s, not with a key of your "
              "DID %(did)s.") % {"signers": ", ".join(signers) or "?", "did": did},
            code="signer_not_did", report=report)


def _proven_elsewhere(did: str) -> DidProofRefused:
    return DidProofRefused(
        _("Another account has already proven control of %(did)s; a DID can be proven by one "
          "account only.") % {"did": did}, code="did_proven_elsewhere")


def _refuse_if_proven_elsewhere(profile: LearnerProfile) -> None:
    if LearnerProfile.objects.filter(did=profile.did, did_proven_at__isnull=False) \
            .exclude(pk=profile.pk).exists():
        raise _proven_elsewhere(profile.did)
