"""Verifiable presentations: a holder hands over credentials, signed for one verifier and moment.

A presentation (VC Data Model 2.0, section 4.13) wraps credentials with the ``holder`` who shows
them; its Data Integrity proof has ``proofPurpose: authentication`` and carries the verifier's
``challenge`` (a nonce against replay) and ``domain`` (the verifier it was meant for) as proof
options, so the signature covers both (Data Integrity 1.0, sections 2.1 and 4.3).

:func:`present` builds and signs one; :func:`verify_presentation` checks its proof (with the
challenge and domain the verifier expects), that the holder signed it, and each credential in it
with the credential verifier, and returns one :class:`PresentationReport`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import openbadges
from .data_integrity import Domain, sign, verify_proofs
from .documentloader import DocumentLoader
from .errors import InputError, ResolutionError, VCError
from .keys import Ed25519Multikey
from .report import Check, Outcome, Report
from .verifier import (
    _UNREACHABLE,
    VerifyOptions,
    _proof_failure,
    verify_report,
)

__all__ = ["PresentationReport", "present", "verify_presentation"]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_ENVELOPED_JWT = "data:application/vc+jwt,"
#: Proof errors about what the verifier expected, each with a sentence of its own.
_EXPECTATION_CODES = {
    "missing_challenge": ("proof.challenge_missing", "challenge"),
    "invalid_challenge": ("proof.challenge_mismatch", "challenge"),
    "missing_domain": ("proof.domain_missing", "domain"),
    "invalid_domain": ("proof.domain_mismatch", "domain"),
}


def present(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    key: Ed25519Multikey,
    holder: str | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
    presentation_id: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    verification_method: str | None = None,
    created: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A ``VerifiablePresentation`` of ``credentials`` signed by ``key`` for authentication.

    ``holder`` defaults to the key's DID. A credential given as a compact JWS is enclosed as an
    ``EnvelopedVerifiableCredential`` (VC 2.0, section 4.13.1). Every credential keeps its own
    proof; the presentation's proof covers them as they are.
    """
    if isinstance(credentials, str | Mapping):
        raise InputError("give the credentials as a list", code="not_a_list")
    enclosed: list[Any] = []
    for number, credential in enumerate(credentials, 1):
        if isinstance(credential, str):
            enclosed.append(
                {
                    "@context": VC_V2_CONTEXT,
                    "id": _ENVELOPED_JWT + credential.strip(),
                    "type": "EnvelopedVerifiableCredential",
                }
            )
        elif isinstance(credential, Mapping):
            enclosed.append(dict(credential))
        else:
            raise InputError(
                f"credential {number} is neither a JSON object nor a compact JWS",
                code="not_an_object",
            )
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": holder or key.did,
        "verifiableCredential": enclosed,
    }
    options: dict[str, Any] = {
        "cryptosuite": cryptosuite,
        "proof_purpose": "authentication",
        "challenge": challenge,
        "domain": domain,
        "loader": loader,
        "verification_method": verification_method,
        "created": created,
    }
    return sign(document, key=key, **options)


@dataclass
class PresentationReport(Report):
    """The presentation's own checks (``format``, ``proof``, ``holder``, ``credentials``) in
    ``checks``, and the full report of each credential it holds in ``credentials``."""

    credentials: list[Report] = field(default_factory=list)


def _types(document: Mapping[str, Any]) -> list[Any]:
    kind = document.get("type")
    return kind if isinstance(kind, list) else [kind]


def _holder(document: Mapping[str, Any]) -> str | None:
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def _enclosed(credential: Any) -> Any:
    """What to give the credential verifier: a JWS out of its envelope, else as it is."""
    if isinstance(credential, Mapping) and "EnvelopedVerifiableCredential" in _types(credential):
        ident = credential.get("id")
        if isinstance(ident, str) and ident.startswith(_ENVELOPED_JWT):
            return ident[len(_ENVELOPED_JWT) :]
    return credential


def _proof_check(
    presentation: Mapping[str, Any],
    options: VerifyOptions,
    expected_challenge: str | None,
    expected_domain: Domain | None,
) -> tuple[Check, set[str]]:
    try:
        results = verify_proofs(
            presentation,
            resolver=options.make_resolver(),
            loader=options.loader,
            expected_purpose="authentication",
            expected_challenge=expected_challenge,
            expected_domain=expected_domain,
        )
    except VCError as exc:
        if exc.code == "missing_proof":
            missing = Check.of("proof", "failed", "proof.presentation_missing", {"code": exc.code})
            return missing, set()
        return _proof_failure(exc, "failed"), set()
    signers = {r.verification_method.controller for r in results if r.verification_method}
    failed = [r for r in results if not r.verified]
    if not failed:
        details = {"signers": sorted(signers)}
        if len(results) == 1:
            return Check.of("proof", "passed", "proof.valid", details), signers
        return Check.of("proof", "passed", "proof.valid_set", details, count=len(results)), signers
    error = failed[0].error
    if error is not None and error.code in _EXPECTATION_CODES:
        code, name = _EXPECTATION_CODES[error.code]
        expected = expected_challenge if name == "challenge" else expected_domain
        value = expected if isinstance(expected, str) else ", ".join(expected or ())
        return Check.of("proof", "failed", code, {"code": error.code}, **{name: value}), signers
    unreachable = isinstance(error, ResolutionError) and error.code in _UNREACHABLE
    outcome: Outcome = "unknown" if unreachable else "failed"
    number = results.index(failed[0]) + 1
    return _proof_failure(error, outcome, number, len(results)), signers


def _holder_check(holder: str | None, proof: Check, signers: set[str]) -> Check:
    """The holder must control the key that signed (Data Integrity 1.0, 4.3; VC 2.0, 4.13)."""
    if proof.outcome != "passed":
        if holder is None:
            return Check.of("holder", "unknown", "holder.unnamed_unconfirmed")
        return Check.of("holder", "unknown", "holder.unconfirmed", holder=holder)
    named = ", ".join(sorted(signers))
    if holder is None:
        return Check.of("holder", "passed", "holder.unnamed", signers=named)
    if holder not in signers:
        return Check.of(
            "holder",
            "failed",
            "holder.mismatch",
            {"holder": holder, "signers": sorted(signers)},
            signers=named,
            holder=holder,
        )
    return Check.of("holder", "passed", "holder.valid", {"holder": holder}, holder=holder)


def _credentials_check(reports: list[Report]) -> Check:
    total = len(reports)
    if not total:
        return Check.of("credentials", "passed", "credentials.none")
    pairs: tuple[tuple[Outcome, str], ...] = (
        ("failed", "credentials.failed"),
        ("unknown", "credentials.unknown"),
    )
    for outcome, code in pairs:
        bad = [number for number, r in enumerate(reports, 1) if r.verdict == outcome]
        if bad:
            return Check.of(
                "credentials",
                outcome,
                code,
                {"credentials": bad},
                count=len(bad),
                total=total,
            )
    if total == 1:
        return Check.of("credentials", "passed", "credentials.valid_one")
    return Check.of("credentials", "passed", "credentials.valid", count=total)


def _presentation_schema(presentation: Mapping[str, Any]) -> Check:
    """The presentation's own structure (VC Data Model 2.0 §4.13): every rule it breaks is the
    data model's, so a problem makes it malformed (see ``Report.malformed``)."""
    problems = openbadges.validate_presentation(presentation)
    if not problems:
        return Check.of("schema", "passed", "schema.presentation_valid")
    listed = [{**p.as_dict(), "malformed": True} for p in problems]
    shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
    return Check.of(
        "schema",
        "failed",
        "schema.presentation_problems",
        {"problems": listed, "malformed": True},
        count=len(problems),
        problems=shown,
    )


def verify_presentation(
    data: Mapping[str, Any],
    options: VerifyOptions | None = None,
    *,
    expected_challenge: str | None = None,
    expected_domain: Domain | None = None,
    source: str | None = None,
) -> PresentationReport:
    """Verify a presentation and every credential in it; never raises for bad input.

    An unsigned presentation is allowed (VC 2.0 makes its proof optional) unless the verifier
    expects a challenge or a domain: then it needs a proof that carries them.
    """
    options = options or VerifyOptions()
    report = PresentationReport(checks=[], source=source, carrier="json")
    if not isinstance(data, Mapping):
        report.checks.append(Check.of("format", "failed", "format.not_an_object"))
        return report
    presentation = dict(data)
    report.credential = presentation
    if "VerifiablePresentation" not in _types(presentation):
        report.checks.append(Check.of("format", "failed", "format.not_a_presentation"))
        return report
    signed = "proof" in presentation
    expected = expected_challenge is not None or expected_domain is not None
    kind = "format.presentation" if signed or expected else "format.presentation_unsigned"
    report.checks.append(Check.of("format", "passed", kind))
    report.checks.append(_presentation_schema(presentation))
    if signed or expected:
        proof, signers = _proof_check(presentation, options, expected_challenge, expected_domain)
        report.checks.append(proof)
        report.checks.append(_holder_check(_holder(presentation), proof, signers))
    enclosed = presentation.get("verifiableCredential")
    items = [] if enclosed is None else enclosed if isinstance(enclosed, list) else [enclosed]
    for number, credential in enumerate(items, 1):
        report.credentials.append(
            verify_report(_enclosed(credential), options, source=f"credential {number}")
        )
    report.checks.append(_credentials_check(report.credentials))
    return report
