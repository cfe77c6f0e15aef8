"""The verifier: one report for any credential, whatever form it arrives in.

A report lists one :class:`Check` per question a relying party asks, each ``passed``, ``failed``
or ``unknown`` with a sentence a person understands:

- ``format``: could the input be read (JSON-LD, compact JWS, baked PNG or SVG)?
- ``schema``: does it have the structure Open Badges 3.0 / VC 2.0 require?
- ``proof``: is every signature valid over exactly this content?
- ``issuer``: was it signed by a key the issuer controls (Data Integrity 1.0, section 4.4 step 5)?
- ``validity``: is it within its validity period?
- ``status``: has the issuer revoked or suspended it (Bitstring Status List, section 3.2)?

Something that could not be checked (a status list or key out of reach) is ``unknown``, never
``passed``: the verdict is ``passed`` only when every check passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from . import baking, jose, openbadges
from .data_integrity import verify_proofs
from .did import Resolver
from .documentloader import DocumentLoader
from .errors import InputError, ResolutionError, VCError, VerificationFailed
from .fetch import fetch_bytes
from .jsoninput import MAX_BYTES, parse_json
from .status_list import check_status

__all__ = ["Check", "Report", "VerifyOptions", "verify", "verify_report"]

Outcome = Literal["passed", "failed", "unknown"]
CHECKS = ("format", "schema", "proof", "issuer", "validity", "status")
_PASSED: Outcome = "passed"
_FAILED: Outcome = "failed"
_UNKNOWN: Outcome = "unknown"
#: Key resolution failures that say nothing about the credential itself: the key was out of
#: reach, not wrong. Anything else (no such method, a malformed DID) is a failed proof.
_UNREACHABLE = frozenset(
    {"network_disallowed", "fetch_failed", "too_large", "unsupported_did_method", "address_refused"}
)


@dataclass(frozen=True)
class Check:
    name: str
    outcome: Outcome
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    checks: list[Check]
    credential: dict[str, Any] | None = None
    #: How the credential was carried: "json", "jwt", "png", "svg".
    carrier: str | None = None
    source: str | None = None

    @property
    def verdict(self) -> Outcome:
        outcomes = {check.outcome for check in self.checks}
        if _FAILED in outcomes:
            return _FAILED
        if _UNKNOWN in outcomes or not self.checks:
            return _UNKNOWN
        return _PASSED

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def summary(self) -> str:
        if self.verdict == _PASSED:
            return "Verified: every check passed."
        failed = [c.name for c in self.checks if c.outcome == _FAILED]
        if failed:
            return (
                "Not verified: the "
                + ", ".join(failed)
                + " check"
                + ("s" if len(failed) > 1 else "")
                + " failed."
            )
        unknown = [c.name for c in self.checks if c.outcome == _UNKNOWN]
        return "Not fully verified: could not check " + ", ".join(unknown) + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "verdict": self.verdict,
            "summary": self.summary,
            "carrier": self.carrier,
            "checks": [asdict(c) for c in self.checks],
            "credential": self.credential,
        }


DocumentSource = Callable[[str], Mapping[str, Any] | None]


@dataclass
class VerifyOptions:
    """What the verifier may use beyond the input itself.

    ``status_lists`` maps status list credential URLs to list credentials the caller already
    has; ``resolver`` is a :class:`Resolver` or a callable answering for identifiers the caller
    knows (a platform's own did:web); nothing goes to the network unless ``allow_network``.
    """

    now: datetime | None = None
    allow_network: bool = False
    status_lists: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    loader: DocumentLoader | None = None
    resolver: Resolver | DocumentSource | None = None
    #: Answers for status list credentials the caller holds (its own lists), by URL: consulted
    #: after ``status_lists`` and before the network. ``None`` means "not mine".
    status_list_source: DocumentSource | None = None
    #: Called with every URL before it is fetched; raise to refuse it.
    url_guard: Callable[[str], None] | None = None
    #: Loopback, private and link-local addresses are refused unless this is set (tests, or a
    #: deployment whose issuers live on its own network).
    allow_private_addresses: bool = False
    max_bytes: int = MAX_BYTES

    def make_resolver(self) -> Resolver:
        if isinstance(self.resolver, Resolver):
            return self.resolver
        return Resolver(
            allow_network=self.allow_network,
            source=self.resolver,
            guard=self.url_guard,
            allow_private_addresses=self.allow_private_addresses,
        )


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _read(
    data: bytes | str | Mapping[str, Any], options: VerifyOptions, what: str
) -> tuple[Any, str]:
    """(credential or compact JWS, carrier) from any accepted input."""
    if isinstance(data, Mapping):
        return dict(data), "json"
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > options.max_bytes:
        raise InputError(
            f"the input is {len(raw):,} bytes; the limit is {options.max_bytes:,} bytes",
            code="too_large",
        )
    carrier = "json"
    if (
        raw.startswith(b"\x89PNG")
        or raw.lstrip()[:5] in (b"<?xml", b"<svg ")
        or raw.lstrip()[:4] == b"<svg"
    ):
        baked = baking.unbake(raw)
        carrier = "png" if raw.startswith(b"\x89PNG") else "svg"
        if baked.kind == "ob2":
            raise InputError(
                "this image carries an Open Badges 2.0 assertion, not a verifiable credential; "
                "Open Badges 2.0 badges are checked by their hosted URL",
                code="open_badges_2",
            )
        raw = baked.text.encode("utf-8")
    text = raw.decode("utf-8", errors="replace").strip()
    if jose.is_compact_jws(text):
        return text, "jwt" if carrier == "json" else carrier
    return parse_json(raw, what=what), carrier


def verify_report(
    data: bytes | str | Mapping[str, Any],
    options: VerifyOptions | None = None,
    *,
    source: str | None = None,
) -> Report:
    """Verify ``data`` and return the full report. Never raises for bad input: it is reported."""
    options = options or VerifyOptions()
    report = Report(checks=[], source=source)
    try:
        parsed, carrier = _read(data, options, source or "the input")
    except VCError as exc:
        report.checks.append(Check("format", _FAILED, exc.message, {"code": exc.code}))
        return report
    report.carrier = carrier
    resolver = options.make_resolver()
    signers: set[str] = set()
    proof_check: Check
    if isinstance(parsed, str):
        try:
            verified = jose.verify_jwt(parsed, resolver=resolver)
        except VCError as exc:
            try:
                credential = jose.credential_of(jose.decode(parsed)[1])
            except VCError as inner:
                report.checks.append(Check("format", _FAILED, inner.message, {"code": inner.code}))
                return report
            proof_check = Check("proof", _FAILED, exc.message, {"code": exc.code})
        else:
            credential = verified.credential
            signers = {verified.controller} if verified.controller else set()
            proof_check = Check(
                "proof",
                _PASSED,
                f"The {verified.header.get('alg')} signature of the token is valid.",
            )
        kind = "a JWT-secured credential"
    else:
        if not isinstance(parsed, dict):
            report.checks.append(Check("format", _FAILED, "A credential must be a JSON object."))
            return report
        credential = parsed
        proof_check, signers = _check_proofs(credential, resolver, options)
        kind = "a JSON-LD credential"
    report.credential = credential
    carried = {"png": " baked in a PNG image", "svg": " baked in an SVG image"}.get(carrier, "")
    report.checks.append(Check("format", _PASSED, f"Read {kind}{carried}."))
    report.checks.append(_check_schema(credential))
    report.checks.append(proof_check)
    report.checks.append(_check_issuer(credential, proof_check, signers))
    report.checks.append(_check_validity(credential, options.now))
    report.checks.append(_check_status(credential, options, resolver))
    return report


def _check_proofs(
    credential: Mapping[str, Any], resolver: Resolver, options: VerifyOptions
) -> tuple[Check, set[str]]:
    try:
        results = verify_proofs(credential, resolver=resolver, loader=options.loader)
    except VCError as exc:
        return Check("proof", _FAILED, exc.message, {"code": exc.code}), set()
    failed = [r for r in results if not r.verified]
    signers = {r.verification_method.controller for r in results if r.verification_method}
    if not failed:
        count = len(results)
        message = (
            "The signature is valid."
            if count == 1
            else f"All {count} signatures (a proof set) are valid."
        )
        return Check("proof", _PASSED, message, {"signers": sorted(signers)}), signers
    first = failed[0]
    error = first.error
    unreachable = isinstance(error, ResolutionError) and error.code in _UNREACHABLE
    outcome = _UNKNOWN if unreachable else _FAILED
    prefix = "" if len(results) == 1 else f"Proof {results.index(first) + 1} of {len(results)}: "
    return Check(
        "proof",
        outcome,
        prefix
        + (
            first.message
            if not unreachable
            else f"The signing key could not be "
            f"retrieved, so the signature could not be checked ({first.message})."
        ),
        {"code": error.code if error else "invalid_proof"},
    ), signers


def _check_schema(credential: Mapping[str, Any]) -> Check:
    problems = openbadges.validate(credential)
    if not problems:
        return Check("schema", _PASSED, "The credential has every required field.")
    listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return Check(
        "schema",
        _FAILED,
        f"The credential's structure has {len(problems)} problem"
        + ("s" if len(problems) > 1 else "")
        + f": {listed}{more}.",
        {"problems": [{"path": p.path, "message": p.message} for p in problems]},
    )


def _check_issuer(credential: Mapping[str, Any], proof: Check, signers: set[str]) -> Check:
    """The issuer must control a key that signed (Data Integrity 1.0, 4.4; VC-JOSE ``iss``)."""
    issuer = _issuer_id(credential)
    if issuer is None:
        return Check("issuer", _FAILED, "The credential names no issuer.")
    if proof.outcome != _PASSED:
        return Check(
            "issuer",
            _UNKNOWN,
            f"The issuer is {issuer}, but without a valid signature it cannot be confirmed.",
        )
    if not signers:
        return Check(
            "issuer",
            _UNKNOWN,
            "The signing key is not bound to an identifier, so it cannot be tied to the "
            f"issuer {issuer}.",
        )
    if issuer not in signers:
        named = ", ".join(sorted(signers))
        return Check(
            "issuer",
            _FAILED,
            f"It was signed with a key of {named}, which is not the issuer {issuer}.",
            {"issuer": issuer, "signers": sorted(signers)},
        )
    return Check("issuer", _PASSED, f"It was signed by its issuer, {issuer}.", {"issuer": issuer})


def _check_validity(credential: Mapping[str, Any], now: datetime | None) -> Check:
    now = now or datetime.now(UTC)
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    start, end = credential.get(start_key), credential.get(end_key)
    start_at, end_at = _parse_time(start), _parse_time(end)
    if start is not None and start_at is None:
        return Check("validity", _FAILED, f"{start_key} '{start}' is not a valid date and time.")
    if end is not None and end_at is None:
        return Check("validity", _FAILED, f"{end_key} '{end}' is not a valid date and time.")
    if start_at and now < start_at:
        return Check("validity", _FAILED, f"It is not valid until {start}.")
    if end_at and now >= end_at:
        return Check("validity", _FAILED, f"It expired on {end}.")
    if end_at:
        return Check("validity", _PASSED, f"It is valid until {end}.")
    return Check("validity", _PASSED, "It is valid and does not expire.")


def _status_entries(credential: Mapping[str, Any]) -> list[Any]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    return list(status) if isinstance(status, list) else [status]


def _check_status(
    credential: Mapping[str, Any], options: VerifyOptions, resolver: Resolver
) -> Check:
    entries = _status_entries(credential)
    if not entries:
        return Check(
            "status", _PASSED, "The issuer publishes no status for it: it cannot be revoked."
        )
    results: list[Check] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
            kind = entry.get("type") if isinstance(entry, Mapping) else type(entry).__name__
            results.append(
                Check("status", _UNKNOWN, f"Status of type '{kind}' is not supported here.")
            )
            continue
        url = entry.get("statusListCredential")
        list_credential, verified, why = _status_list(
            url, options, resolver, _issuer_id(credential)
        )
        result = check_status(dict(entry), list_credential, list_verified=verified, now=options.now)
        message = f"{result.message} ({why})" if why else result.message
        results.append(Check("status", result.outcome, message, {"purpose": result.purpose}))
    for outcome in (_FAILED, _UNKNOWN):
        bad = [c for c in results if c.outcome == outcome]
        if bad:
            return Check("status", outcome, " ".join(c.message for c in bad))
    return Check("status", _PASSED, " ".join(c.message for c in results))


def _status_list(
    url: Any, options: VerifyOptions, resolver: Resolver, issuer: str | None
) -> tuple[dict[str, Any] | None, bool | None, str]:
    """The list credential, whether it is signed by the credential's own issuer, and why not.

    A list signed by anyone else cannot speak for the issuer (Bitstring Status List 1.0,
    section 6.2 "Status List Credential Forgery"): its answer is treated as unverified."""
    if not isinstance(url, str):
        return None, None, "the entry names no status list"
    document: Any = options.status_lists.get(url)
    if document is None and options.status_list_source is not None:
        document = options.status_list_source(url)
    if document is None:
        if not options.allow_network:
            return None, None, f"the status list {url} was not supplied and the network is off"
        try:
            body = fetch_bytes(
                url,
                accept="application/vc+ld+json, application/ld+json, application/json, "
                "application/jwt",
                max_bytes=4 * 1024 * 1024,
                guard=options.url_guard,
                allow_private=options.allow_private_addresses,
            )
            text = body.decode("utf-8", errors="replace").strip()
            document = (
                jose.verify_jwt(text, resolver=resolver).credential
                if jose.is_compact_jws(text)
                else parse_json(body, what="the status list")
            )
        except VCError as exc:
            return None, None, exc.message
    if not isinstance(document, dict):
        return None, None, "the status list is not a JSON object"
    if "proof" not in document:
        return document, False, "the status list is not signed"
    try:
        proofs = verify_proofs(document, resolver=resolver, loader=options.loader)
    except VCError:
        return document, False, ""
    list_issuer = _issuer_id(document)
    if list_issuer != issuer:
        return document, False, ""
    signed_by_issuer = all(
        r.verified and r.verification_method and r.verification_method.controller == list_issuer
        for r in proofs
    )
    return document, signed_by_issuer, ""


def verify(
    data: bytes | str | Mapping[str, Any],
    options: VerifyOptions | None = None,
    *,
    source: str | None = None,
) -> Report:
    """Verify and return the report, or raise :class:`VerificationFailed` carrying it."""
    report = verify_report(data, options, source=source)
    if report.verdict != _PASSED:
        raise VerificationFailed(
            report.summary,
            report=report,
            code="verification_failed" if report.verdict == _FAILED else "verification_incomplete",
        )
    return report
