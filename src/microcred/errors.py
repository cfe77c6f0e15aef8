"""The platform's errors: one base class with a stable machine-readable ``code``.

The HTTP layer (``microcred.web.middleware``) maps them to one HTML page shape and one JSON shape,
``{"error": {"code": ..., "message": ...}}``; the CLI maps them to a message and exit status 1.

Every code is a member of :class:`ErrorCode`, with the HTTP status the platform answers with and
its meaning; docs/errors.md is generated from it and from the credential core's
:class:`~microcred.vc.errors.VCErrorCode` (``python -m microcred.errors > docs/errors.md``), and
tests/test_error_codes.py checks that every code raised is registered and every member is used.
Callers may still pass a string literal: a member equals its value.
"""

from __future__ import annotations

import sys
from enum import StrEnum

from microcred.vc.errors import VCErrorCode

__all__ = [
    "MicrocredError",
    "NotAllowed",
    "NotFound",
    "InvalidState",
    "ValidationFailed",
    "ErrorCode",
    "error_table",
]


class MicrocredError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(MicrocredError):
    """The actor may not do this (a 403, never a 404 that hides a page they may not see)."""

    code = "not_allowed"
    http_status = 403


class NotFound(MicrocredError):
    code = "not_found"
    http_status = 404


class InvalidState(MicrocredError):
    """The object is not in a state that allows the action (e.g. scoring a draft)."""

    code = "invalid_state"
    http_status = 409


class ValidationFailed(MicrocredError):
    """Input that cannot be accepted; ``problems`` names each part that is wrong."""

    code = "validation_failed"
    http_status = 400

    def __init__(
        self, message: str, *, code: str | None = None, problems: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.problems = problems or {}


class ErrorCode(StrEnum):
    """The platform's error codes: ``NAME = "code", HTTP status(es), "what it means"``.

    The status is the one the HTTP layer answers with wherever the code is raised (the error
    class's ``http_status``, or the status given to ``error_response``); a code answered with
    two statuses lists both. A code means one thing, whichever service raises it.
    """

    statuses: tuple[int, ...]
    meaning: str

    def __new__(cls, value: str, statuses: int | tuple[int, ...], meaning: str) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.statuses = statuses if isinstance(statuses, tuple) else (statuses,)
        member.meaning = meaning
        return member

    # The classes' own codes: what a bare ``raise NotFound(...)`` and the like carry.
    ERROR = "error", 400, "A platform error with no more specific code (MicrocredError)."
    NOT_ALLOWED = "not_allowed", 403, (
        "The acting person may not do this, or may not see this page (NotAllowed).")
    NOT_FOUND = "not_found", 404, "No such page or object, or not one the person may see."
    INVALID_STATE = "invalid_state", 409, (
        "The object is not in a state that allows the action (InvalidState).")
    VALIDATION_FAILED = "validation_failed", 400, (
        "Input that cannot be accepted; the error's problems name each part (ValidationFailed).")
    TRANSITION_REFUSED = "transition_refused", 409, (
        "The attempt's workflow does not allow moving from its status to the one asked for.")
    AUDIT_APPEND_ONLY = "audit_append_only", 500, (
        "Something tried to change or delete an audit log entry; the log is append-only.")
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", 500, (
        "The audit log's hash chain does not hold: an entry was altered, removed or reordered.")
    BACKUP_FAILED = "backup_failed", 400, (
        "A backup could not be written, or an archive could not be checked or restored.")
    KEY_UNSEALING_FAILED = "key_unsealing_failed", 500, (
        "A sealed secret (an issuer key, a two-factor secret) could not be opened with this "
        "installation's key for it.")
    BUSY = "busy", 503, "Every certificate renderer of this process is busy; try again shortly."
    IMPORT_FAILED = "import_failed", 400, (
        "Catalog import refused the files; nothing was imported and problems name each fault.")
    FILE_TOO_LARGE = "file_too_large", 400, "An uploaded file is over the size limit."
    # Requests as a whole (answered by the HTTP layer itself).
    BAD_REQUEST = "bad_request", 400, "The request could not be understood."
    TOO_LARGE = "too_large", (400, 413), (
        "The request body, or the credential or presentation it carries, is over the limit.")
    RATE_LIMITED = "rate_limited", 429, "Too many attempts from this address or for this account."
    SERVER_ERROR = "server_error", 500, "An unexpected error on the server's side."
    TEMPORARILY_UNAVAILABLE = "temporarily_unavailable", 503, (
        "The database cannot be reached right now; the same request may work in a moment.")
    # Accounts, sign-in and two-factor sign-in.
    EMAIL_TAKEN = "email_taken", 400, "An account with this email address already exists."
    WEAK_PASSWORD = "weak_password", 400, "The password does not meet the password rules."
    WRONG_PASSWORD = "wrong_password", 400, "The password given to confirm the action is wrong."
    BAD_LINK = "bad_link", 400, (
        "A link cannot be used: a sign-up link that does not open, or an evidence link that is "
        "not a full https:// address.")
    LINK_EXPIRED = "link_expired", (400, 403), (
        "A signed link (sign-up, or an evidence file's) is past its lifetime; ask for a new one.")
    LINK_NOT_YOURS = "link_not_yours", 403, "An evidence file link was made for another person."
    UNKNOWN_LANGUAGE = "unknown_language", 400, "The language chosen is not one the site offers."
    MEMBER_OF_ORGANIZATION = "member_of_organization", 409, (
        "An organization member cannot delete their account until an administrator removes "
        "them.")
    TWO_FACTOR_ON = "two_factor_on", 409, "Two-factor sign-in is already on."
    TWO_FACTOR_OFF = "two_factor_off", 409, "Two-factor sign-in is not on."
    TWO_FACTOR_REQUIRED = "two_factor_required", 409, (
        "The person's role requires two-factor sign-in, so it cannot be turned off.")
    WRONG_CODE = "wrong_code", 400, (
        "The two-factor or recovery code is not right, or has been used already.")
    # Catalog: micro-credentials and stacks.
    NOT_A_DRAFT = "not_a_draft", 409, (
        "Only a draft (micro-credential, stack, or attempt not yet submitted) can be changed.")
    INCOMPLETE = "incomplete", 409, (
        "A micro-credential needs evidence prompts and rubric criteria before review or "
        "publishing.")
    NOT_IN_REVIEW = "not_in_review", 409, "Only a micro-credential in review can go back to draft."
    ALREADY_PUBLISHED = "already_published", 409, (
        "The micro-credential is already published, or frozen until it is translated.")
    FROZEN = "frozen", 409, (
        "A published version cannot be published again or have its limits changed.")
    NOT_PUBLISHED = "not_published", 409, (
        "The micro-credential or stack is not published (so it cannot be retired, versioned or "
        "attempted).")
    DRAFT_EXISTS = "draft_exists", 409, "A new version of this micro-credential is already a draft."
    MEMBERS_UNPUBLISHED = "members_unpublished", 400, (
        "A stack cannot be published while some of its micro-credentials are not.")
    # Earning: attempts and evidence.
    ALREADY_EARNED = "already_earned", 409, "The learner has already earned this micro-credential."
    ATTEMPT_LIMIT = "attempt_limit", 409, (
        "The learner has used every attempt the micro-credential allows.")
    ALREADY_SUBMITTED = "already_submitted", 409, "The attempt has already been submitted."
    MISSING_PARTS = "missing_parts", 400, (
        "The submission leaves required evidence prompts unanswered.")
    FILE_REFUSED = "file_refused", 400, (
        "An evidence file was refused (a type that is not accepted, or content that does not "
        "match it).")
    # Assessment: pools, calibration, scoring and appeals.
    NOT_AN_ASSESSOR = "not_an_assessor", 400, "The person is not an assessor of the organization."
    NOT_QUALIFIED = "not_qualified", 409, "Only a qualified assessor can lead calibration."
    ANCHOR_INCOMPLETE = "anchor_incomplete", 400, (
        "A calibration anchor needs the agreed outcome of every rubric criterion.")
    CALIBRATION_FINISHED = "calibration_finished", 409, "The assessor's calibration is finished."
    ALREADY_SCORED = "already_scored", 409, (
        "The assessor has already scored this calibration sample.")
    NO_RESTART = "no_restart", 409, "There is no failed calibration to restart."
    NOTHING_TO_CLAIM = "nothing_to_claim", 409, "The submission is not waiting for an assessor."
    NOT_ELIGIBLE = "not_eligible", 403, "The assessor is not eligible to review this submission."
    OWN_SUBMISSION = "own_submission", 403, "An assessor cannot assess their own submission."
    ALREADY_CLAIMED = "already_claimed", 409, "Another assessor already holds this submission."
    NOT_ASSIGNED = "not_assigned", 409, "Only the assessor holding the submission can act on it."
    NOT_SUBMITTED = "not_submitted", 409, "Only submitted work can be assessed."
    ALREADY_ASSESSED = "already_assessed", 409, "The submission has already been assessed."
    WITHDRAWN = "withdrawn", 409, "The learner withdrew the submission."
    REASON_REQUIRED = "reason_required", 400, "The action needs a reason and none was given."
    NOT_APPEALABLE = "not_appealable", 409, (
        "Only a Not Yet outcome can be appealed, and not after a new attempt has started.")
    ALREADY_APPEALED = "already_appealed", 409, "The learner has already appealed this decision."
    # Issuance: credentials, their status, renewal and bulk issuance.
    NOT_PASSED = "not_passed", 409, "Only a passed attempt earns a credential."
    NOT_ISSUED = "not_issued", 409, "The credential has not been issued yet."
    ALREADY_REVOKED = "already_revoked", 409, (
        "The credential is already revoked (so it cannot be revoked or suspended).")
    ALREADY_SUSPENDED = "already_suspended", 409, (
        "The credential is already revoked or suspended, so it cannot be suspended.")
    NOT_SUSPENDED = "not_suspended", 409, (
        "The credential is not suspended, so there is no suspension to lift.")
    REVOCATION_FINAL = "revocation_final", 409, "A revoked credential stays revoked."
    ALREADY_RENEWED = "already_renewed", 409, (
        "The credential has been renewed already; renew its newest renewal instead.")
    REVOKED = "revoked", 409, "A revoked credential cannot be renewed."
    SUSPENDED = "suspended", 409, "A suspended credential cannot be renewed."
    INVALID_CSV = "invalid_csv", 400, "The bulk issuance CSV file has problems; nothing was issued."
    CSV_CHANGED = "csv_changed", 409, (
        "A bulk job's stored CSV file no longer validates, so the job cannot resume.")
    # The VC-API (W3C VC-API issue and status endpoints).
    NOT_AN_ISSUER = "not_an_issuer", 403, (
        "Only an administrator of an issuing organization can issue credentials.")
    INVALID_CREDENTIAL = "invalid_credential", 400, (
        "The credential given to the VC-API cannot be signed; the messages name each problem.")
    CREDENTIAL_ID_TAKEN = "credential_id_taken", 409, (
        "The credential id given is already used by a credential of this platform.")
    INVALID_STATUS = "invalid_status", 400, (
        "A VC-API status update that does not name a credential and a status it can set.")
    # Proving a DID (DID Authentication on the profile page).
    DID_PROOF_REFUSED = "did_proof_refused", 400, (
        "The presentation does not prove control of the profile's DID (DidProofRefused).")
    NO_DID = "no_did", 400, "The profile gives no DID to prove."
    DID_ALREADY_PROVEN = "did_already_proven", 400, "The profile's DID is already proven."
    DID_CHANGED = "did_changed", 400, (
        "The profile's DID changed while the presentation was checked.")
    DID_PROVEN_ELSEWHERE = "did_proven_elsewhere", 400, (
        "Another account has already proven control of this DID.")
    NOT_A_PRESENTATION = "not_a_presentation", 400, (
        "What was given is not a verifiable presentation.")
    PRESENTATION_UNSIGNED = "presentation_unsigned", 400, "The presentation has no proof."
    CHALLENGE_MISSING = "challenge_missing", 400, "The presentation's proof carries no challenge."
    CHALLENGE_UNKNOWN = "challenge_unknown", 400, (
        "The presentation was signed for a challenge this platform did not give the person.")
    CHALLENGE_USED = "challenge_used", 400, "The challenge has been used already; each proves once."
    CHALLENGE_EXPIRED = "challenge_expired", 400, "The challenge has expired."
    CHALLENGE_OTHER_DID = "challenge_other_did", 400, "The challenge was given for another DID."
    PRESENTATION_NOT_VERIFIED = "presentation_not_verified", 400, (
        "The presentation's signature does not verify as made with the DID's key.")
    HOLDER_NOT_DID = "holder_not_did", 400, "The presentation's holder is not the profile's DID."
    SIGNER_NOT_DID = "signer_not_did", 400, "The presentation was signed with another DID's key."
    # Adding a credential to one's account, and the public verifier.
    NOT_JSON = "not_json", 400, (
        "The upload is neither a credential's text (JSON or a compact JWS) nor a baked image.")
    NO_BAKED_CREDENTIAL = "no_baked_credential", 400, "The image carries no baked credential."
    CREDENTIAL_NOT_VERIFIED = "credential_not_verified", 400, (
        "The credential did not verify, so it cannot be added (CredentialRefused).")
    RECIPIENT_MISMATCH = "recipient_mismatch", 400, (
        "The credential names someone other than the account, or no recipient at all.")
    RECIPIENT_DID_UNPROVEN = "recipient_did_unproven", 400, (
        "The credential names a DID the account has not yet proven it controls.")
    CREDENTIAL_WITHOUT_ID = "credential_without_id", 400, (
        "The badge has no id, so it cannot be kept or replaced.")
    FETCH_REFUSED = "fetch_refused", 400, (
        "The verifier could not fetch the credential at the URL given.")


#: What :func:`error_table` writes above the table (docs/errors.md).
_PREAMBLE = """\
# Error codes

<!-- Generated by `python -m microcred.errors > docs/errors.md`: edit microcred.errors.ErrorCode
and microcred.vc.errors.VCErrorCode, not this file (tests/test_error_codes.py compares them). -->

Every error microcred raises carries a stable, machine-readable `code`; the message beside it is
for people and may change. Programs should read the code.

- **Platform** codes are carried by `microcred.errors.MicrocredError` and its subclasses. The web
  site answers with one JSON shape, `{"error": {"code": ..., "message": ...}}`, to a request that
  asks for JSON (and shows the code on the error page otherwise), with the HTTP status below; the
  `microcred` command prints the message and exits with status 1. The Open Badges 3.0 API and the
  VC-API answer in their own specifications' shapes (docs/sharing-and-api.md).
- **Core** codes are carried by `microcred.vc.errors.VCError` and its subclasses, raised by the
  credential library `microcred.vc` (docs/vc.md, "Errors"). `VCError.as_dict()` gives
  `{"code": ..., "message": ..., ...details}`; `microcred vc` prints the message on one line and
  exits with status 2 for unusable input, 1 when a credential failed or signing was refused. A
  core code has no HTTP status of its own: the platform decides what a failed verification or
  signing means for the request. `status_list.check_status` returns a status it could not read
  as `unknown`, with the status list error's code.

The checks of a verification report (`proof.invalid_signature`, `status.revoked`, ...) are a
separate vocabulary: their codes and English sentences are `microcred.vc.verifier.MESSAGES`.

| Code | Layer | HTTP status | Meaning |
|---|---|---|---|
"""


def error_table() -> str:
    """docs/errors.md: every platform code, then every core code, each in alphabetical order."""
    rows = [f"| `{code}` | platform | {', '.join(map(str, code.statuses))} | {code.meaning} |"
            for code in sorted(ErrorCode)]
    rows += [f"| `{code}` | core | — | {code.meaning} |" for code in sorted(VCErrorCode)]
    return _PREAMBLE + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(error_table())
