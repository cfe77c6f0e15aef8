"""The verifier: one report for any credential, whatever form it arrives in.

A report lists one :class:`Check` per question a relying party asks, each ``passed``, ``failed``
or ``unknown`` with a sentence a person understands:

- ``format``: could the input be read (JSON-LD, compact JWS, baked PNG or SVG)?
- ``schema``: does it have the structure Open Badges 3.0 / VC 2.0 require?
- ``proof``: is every signature valid over exactly this content?
- ``issuer``: was it signed by a key the issuer controls (Data Integrity 1.0, section 4.4 step 5)?
- ``validity``: is it within its validity period?
- ``status``: has the issuer revoked or suspended it (Bitstring Status List, section 3.2)?

The checks answer three questions separately (``Report.answers``; issue 24): is it
**authentic** (format, proof, issuer), is it **valid now** (validity, status), and is it
**conformant** (schema). The verdict follows the first two; a conformance problem is shown as
such, never as "not verified". Something that could not be checked (a status list or key out of
reach) is ``unknown``, never ``passed``: the verdict is ``passed`` only when every check that
decides it passed.

Every sentence has a stable ``code`` and the ``params`` interpolated into it; :data:`MESSAGES`
holds the English template for each code, marked ``N_`` for a message catalog, so an
application can show the same sentence in another language (``gettext(MESSAGES[code]) %
params``) while the English ``message`` stays what the CLI prints. Params named ``reason`` or
``problems`` are English text from deeper in the library (an error's message); the others are
identifiers, dates and numbers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from . import baking, jose, ob2, openbadges
from . import fetch as _fetch
from .data_integrity import verify_proofs
from .did import Resolver
from .documentloader import DocumentLoader
from .errors import (
    InputError,
    ResolutionError,
    UnknownContextError,
    VCError,
    VerificationFailed,
)
from .fetch import fetch_bytes
from .jsoninput import MAX_BYTES, parse_json
from .jsonld import to_quads
from .report import (
    _FAILED,
    _PASSED,
    _UNKNOWN,
    ANSWERS,
    MESSAGES,
    SEVERAL,
    Check,
    Outcome,
    Report,
    message_text,
)
from .status_list import ENTRY_TYPES, StatusResult, check_status

__all__ = [
    "ANSWERS",
    "MESSAGES",
    "STATUS_LIST_CACHE",
    "Check",
    "Report",
    "StatusListCache",
    "VerifyOptions",
    "message_text",
    "verify",
    "verify_report",
]

#: Key resolution failures that say nothing about the credential itself: the key was out of
#: reach, not wrong. Anything else (no such method, a malformed DID) is a failed proof.
_UNREACHABLE = frozenset(
    {"network_disallowed", "fetch_failed", "too_large", "unsupported_did_method", "address_refused"}
)

#: The status purposes with a sentence of their own when their status is unknown; any other
#: purpose is "the credential's status".
_SUBJECTS = ("revocation", "suspension")

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
    #: Seconds that all the status-list fetches of one verification may take together (each
    #: fetch also has its own deadline, ``fetch.DEFAULT_TIMEOUT``): a credential citing many
    #: lists on slow servers cannot hold the caller for longer.
    network_budget: float = 15.0
    #: Where status lists fetched over the network are kept between verifications (``None``:
    #: nowhere, every verification fetches). Lists the caller supplies are never cached.
    status_list_cache: StatusListCache | None = field(default_factory=lambda: STATUS_LIST_CACHE)
    #: Open Badges 2.0 documents the caller already has (signing keys, badge classes, issuer
    #: profiles, revocation lists), by URL: a signed OB 2.0 assertion is checked against them
    #: before the network (:class:`microcred.vc.ob2.Ob2Options` ``documents``).
    ob2_documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

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
        token = _enveloped_jws(data)
        return (token, "jwt") if token is not None else (dict(data), "json")
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
    document = parse_json(raw, what=what)
    token = _enveloped_jws(document) if isinstance(document, Mapping) else None
    if token is not None and carrier == "json":
        return token, "jwt"
    return document, carrier


#: The data URLs of an ``EnvelopedVerifiableCredential`` that carry a compact JWS (VC 2.0,
#: section 4.13; VC-JOSE-COSE's ``application/vc+jwt``; plain ``application/jwt`` for an Open
#: Badges 2.0 signed assertion, which has no media type of its own).
_ENVELOPED_JWS = ("data:application/vc+jwt,", "data:application/jwt,")


def _enveloped_jws(document: Mapping[str, Any]) -> str | None:
    """The compact JWS in an ``EnvelopedVerifiableCredential``, so that a JSON-only interface
    (VC-API's ``verifiableCredential``) can carry a JWT-secured credential."""
    kind = document.get("type")
    if "EnvelopedVerifiableCredential" not in (kind if isinstance(kind, list) else [kind]):
        return None
    ident = document.get("id")
    for prefix in _ENVELOPED_JWS:
        if isinstance(ident, str) and ident.startswith(prefix):
            token = ident[len(prefix) :]
            return token if jose.is_compact_jws(token) else None
    return None


def _is_ob2_assertion(token: str) -> bool:
    """Whether a compact JWS is an Open Badges 2.0 signed assertion (its payload an
    ``Assertion``, OB 2.0 section "Signed Badges") rather than a VC-JOSE credential."""

    try:
        payload = jose.decode(token)[1]
    except VCError:
        return False
    return "vc" not in payload and ob2.looks_like_assertion(payload)


def _verify_ob2(token: str, options: VerifyOptions, source: str | None) -> Report:
    """An Open Badges 2.0 signed assertion, checked by :mod:`microcred.vc.ob2` with what the
    options allow: its key is the ``CryptographicKey`` at ``verification.creator``."""

    return ob2.verify_ob2(
        token,
        ob2.Ob2Options(
            now=options.now,
            allow_network=options.allow_network,
            allow_private_addresses=options.allow_private_addresses,
            documents=options.ob2_documents,
            url_guard=options.url_guard,
            timeout=min(_fetch.DEFAULT_TIMEOUT, options.network_budget),
        ),
        source=source,
    )


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
        report.checks.append(_unreadable(exc))
        return report
    if isinstance(parsed, str) and carrier == "jwt" and _is_ob2_assertion(parsed):
        return _verify_ob2(parsed, options, source)
    report.carrier = carrier
    resolver = options.make_resolver()
    signers: set[str] = set()
    proof_check: Check
    if isinstance(parsed, str):
        try:
            # A header key is read (1EdTech's OB 3.0 samples carry one) but binds no issuer:
            # the issuer check then says the key is not tied to an identifier.
            verified = jose.verify_jwt(parsed, resolver=resolver, allow_embedded_key=True)
        except VCError as exc:
            try:
                credential = jose.credential_of(jose.decode(parsed)[1])
            except VCError as inner:
                report.checks.append(_unreadable(inner))
                return report
            # A key out of reach, or a header that names none, says nothing about the token:
            # its signature could not be checked (unknown), not found wrong.
            unreachable = exc.code == "no_key" or (
                isinstance(exc, ResolutionError) and exc.code in _UNREACHABLE
            )
            proof_check = _proof_failure(exc, _UNKNOWN if unreachable else _FAILED)
        else:
            credential = verified.credential
            signers = {verified.controller} if verified.controller else set()
            proof_check = Check.of(
                "proof", _PASSED, "proof.valid_jwt", alg=str(verified.header.get("alg"))
            )
        kind = "format.jwt"
    else:
        if not isinstance(parsed, dict):
            report.checks.append(Check.of("format", _FAILED, "format.not_an_object"))
            return report
        credential = parsed
        proof_check, signers = _check_proofs(credential, resolver, options)
        kind = "format.json"
    report.credential = credential
    carried = {"png": "_png", "svg": "_svg"}.get(carrier, "")
    report.checks.append(Check.of("format", _PASSED, kind + carried))
    report.checks.append(_check_schema(credential, options))
    report.checks.append(proof_check)
    report.checks.append(_check_issuer(credential, proof_check, signers))
    report.checks.append(_check_validity(credential, options.now))
    report.checks.append(_check_status(credential, options, resolver))
    return report


def _unreadable(error: VCError) -> Check:
    details = {"code": error.code}
    if error.code == "open_badges_2":
        return Check.of("format", _FAILED, "format.open_badges_2", details)
    reason = error.message.rstrip(".")
    return Check.of("format", _FAILED, "format.unreadable", details, reason=reason)


def _proof_failure(
    error: VCError | None, outcome: Outcome, number: int = 1, total: int = 1
) -> Check:
    """The proof check for a proof that did not verify; ``number`` of ``total`` in a set."""
    details = {"code": error.code if error else "invalid_proof"}
    reason = (error.message if error else "invalid proof").rstrip(".")
    if outcome == _UNKNOWN:
        return Check.of("proof", outcome, "proof.key_unreachable", details, reason=reason)
    if total > 1:
        return Check.of(
            "proof",
            outcome,
            "proof.invalid_in_set",
            details,
            number=number,
            total=total,
            reason=reason,
        )
    if error is not None and error.code == "invalid_signature":
        return Check.of("proof", outcome, "proof.signature_mismatch", details)
    if error is not None and error.code == "missing_proof":
        return Check.of("proof", outcome, "proof.missing", details)
    if error is not None and error.code in ("unsupported_proof_type", "unsupported_cryptosuite"):
        return Check.of("proof", outcome, "proof.unsupported", details, reason=reason)
    if error is not None and error.code == "undefined_terms":  # JSON-LD safe mode refused it
        return Check.of("proof", outcome, "proof.unsafe_terms", details, names=_unsafe_names(error))
    return Check.of("proof", outcome, "proof.invalid", details, reason=reason)


def _unsafe_names(error: VCError) -> str:
    """What JSON-LD safe mode refused, for a sentence: the first ten names (the error's
    ``details`` has them all)."""
    names = [
        str(name)
        for kind in ("terms", "relative_iris", "dropped")
        for name in error.details.get(kind, ())
    ]
    return ", ".join(names[:10]) + (", …" if len(names) > 10 else "")


def _check_proofs(
    credential: Mapping[str, Any], resolver: Resolver, options: VerifyOptions
) -> tuple[Check, set[str]]:
    try:
        results = verify_proofs(credential, resolver=resolver, loader=options.loader)
    except VCError as exc:
        return _proof_failure(exc, _FAILED), set()
    failed = [r for r in results if not r.verified]
    signers = {r.verification_method.controller for r in results if r.verification_method}
    if not failed:
        count = len(results)
        details = {"signers": sorted(signers)}
        if count == 1:
            return Check.of("proof", _PASSED, "proof.valid", details), signers
        return Check.of("proof", _PASSED, "proof.valid_set", details, count=count), signers
    first = failed[0]
    error = first.error
    unreachable = isinstance(error, ResolutionError) and error.code in _UNREACHABLE
    outcome = _UNKNOWN if unreachable else _FAILED
    return _proof_failure(error, outcome, results.index(first) + 1, len(results)), signers


#: The rules whose breach makes a document no verifiable credential (``Report.malformed``).
_DATA_MODEL: Final = "VC Data Model"


#: Cryptosuites that sign the JSON as it is, so verifying them never reads it as JSON-LD.
_JCS_SUITES: Final = frozenset({"eddsa-jcs-2022", "ecdsa-jcs-2019"})


def _jsonld_problem(
    credential: Mapping[str, Any], options: VerifyOptions
) -> openbadges.Problem | None:
    """For a credential whose proofs are all JCS: whether it can be read as JSON-LD at all. An
    RDFC proof would already have refused a document that redefines a protected term or uses
    terms no context defines (safe mode); a JCS proof signs the bytes, so the data model's own
    rule is checked here (VC Data Model 2.0 §Contexts: a conforming document is JSON-LD whose
    terms its contexts define). A context that cannot be loaded says nothing of the document."""
    proofs = credential.get("proof")
    listed = proofs if isinstance(proofs, list) else [proofs]
    if not listed or not all(
        isinstance(p, Mapping) and p.get("cryptosuite") in _JCS_SUITES for p in listed
    ):
        return None
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    try:
        to_quads(unsecured, loader=options.loader)
    except (ResolutionError, UnknownContextError):
        return None
    except VCError as exc:
        return openbadges.Problem.at(
            "$", f"cannot be read as JSON-LD: {exc.message.rstrip('.')} ({_VC2_CONTEXTS})"
        )
    return None


_VC2_CONTEXTS: Final = "VC Data Model 2.0 §Contexts"


def _check_schema(credential: Mapping[str, Any], options: VerifyOptions) -> Check:
    problems = openbadges.validate(credential)
    unreadable = _jsonld_problem(credential, options)
    if unreadable is not None:
        problems.append(unreadable)
    if not problems:
        return Check.of("schema", _PASSED, "schema.valid")
    listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
    # A rule of the VC Data Model itself makes the document malformed; an Open Badges 3.0 /
    # CLR 2.0 rule (or a problem that cites none) is conformance to that profile only.
    listed_problems = [
        {**p.as_dict(), "malformed": p.rule.startswith(_DATA_MODEL)} for p in problems
    ]
    details = {
        "problems": listed_problems,
        "malformed": any(p["malformed"] for p in listed_problems),
    }
    if len(problems) == 1:
        return Check.of("schema", _FAILED, "schema.problem", details, problems=listed)
    if len(problems) <= 5:
        return Check.of(
            "schema", _FAILED, "schema.problems", details, count=len(problems), problems=listed
        )
    return Check.of(
        "schema",
        _FAILED,
        "schema.problems_more",
        details,
        count=len(problems),
        problems=listed,
        more=len(problems) - 5,
    )


def _check_issuer(credential: Mapping[str, Any], proof: Check, signers: set[str]) -> Check:
    """The issuer must control a key that signed (Data Integrity 1.0 §2.6, "Relationship to
    Verifiable Credentials"; VC Data Model 2.0, Appendix A "Validation", Issuer; VC-JOSE
    ``iss``).

    An issuer named by a DID that is not among the signers is a mismatch: its DID document says
    which keys are its own. An issuer named by a URL (``https://university.example``) has no
    document that lists its keys, so a key of another identifier neither confirms nor refutes
    it: ``unknown``, with a sentence saying only the key is known (the W3C vc-di-ecdsa vectors
    are signed so). A registry of issuers can say more (the platform's issuer standing). Any
    other issuer that is not among the signers (another DID, or a value that is no URL at all)
    is a mismatch."""
    issuer = _issuer_id(credential)
    if issuer is None:
        return Check.of("issuer", _FAILED, "issuer.missing")
    if proof.outcome != _PASSED:
        return Check.of("issuer", _UNKNOWN, "issuer.unconfirmed", issuer=issuer)
    if not signers:
        return Check.of("issuer", _UNKNOWN, "issuer.unbound", issuer=issuer)
    if issuer not in signers:
        by_url = issuer.startswith(("https://", "http://"))
        return Check.of(
            "issuer",
            _UNKNOWN if by_url else _FAILED,
            "issuer.key_only" if by_url else "issuer.mismatch",
            {"issuer": issuer, "signers": sorted(signers)},
            signers=", ".join(sorted(signers)),
            issuer=issuer,
        )
    return Check.of("issuer", _PASSED, "issuer.valid", {"issuer": issuer}, issuer=issuer)


def _check_validity(credential: Mapping[str, Any], now: datetime | None) -> Check:
    now = now or datetime.now(UTC)
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    start, end = credential.get(start_key), credential.get(end_key)
    start_at, end_at = _parse_time(start), _parse_time(end)
    if start is not None and start_at is None:
        return Check.of(
            "validity", _FAILED, "validity.invalid_date", field=start_key, value=str(start)
        )
    if end is not None and end_at is None:
        return Check.of("validity", _FAILED, "validity.invalid_date", field=end_key, value=str(end))
    if start_at and now < start_at:
        return Check.of("validity", _FAILED, "validity.not_yet_valid", valid_from=str(start))
    if end_at and now >= end_at:
        return Check.of("validity", _FAILED, "validity.expired", valid_until=str(end))
    if end_at:
        return Check.of("validity", _PASSED, "validity.valid_until", valid_until=str(end))
    return Check.of("validity", _PASSED, "validity.valid")


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
        return Check.of("status", _PASSED, "status.none")
    results: list[Check] = []
    deadline = time.monotonic() + options.network_budget
    lists: dict[str, tuple[dict[str, Any] | None, bool | None, _Why]] = {}
    for entry in entries:
        kinds = entry.get("type") if isinstance(entry, Mapping) else None
        if not any(k in ENTRY_TYPES for k in (kinds if isinstance(kinds, list) else [kinds])):
            kind = entry.get("type") if isinstance(entry, Mapping) else type(entry).__name__
            results.append(Check.of("status", _UNKNOWN, "status.unsupported", type=str(kind)))
            continue
        url = entry.get("statusListCredential")
        key = url if isinstance(url, str) else ""
        if key not in lists:  # one fetch per list, however many entries cite it
            lists[key] = _status_list(
                url, options, resolver, _issuer_id(credential), deadline - time.monotonic()
            )
        list_credential, verified, why = lists[key]
        result = check_status(
            dict(entry), list_credential, list_verified=verified, now=options.now, dereferenced=True
        )
        results.append(_status_check(result, url, why))
    for outcome in (_FAILED, _UNKNOWN):
        bad = [c for c in results if c.outcome == outcome]
        if bad:
            return _combined(outcome, bad)
    return _combined(_PASSED, results)


def _combined(outcome: Outcome, checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return Check(
        "status", outcome, " ".join(c.message for c in checks), code=SEVERAL, parts=tuple(checks)
    )


_STATUS_CODES: Final = {
    ("revocation", True): "status.revoked",
    ("revocation", False): "status.not_revoked",
    ("suspension", True): "status.suspended",
    ("suspension", False): "status.not_suspended",
    ("refresh", True): "status.refresh_available",
    ("refresh", False): "status.refresh_none",
}

#: A ``message`` entry whose ``statusMessage`` names the credential's standing (one entry for
#: revocation and suspension, as Open Badges 3.0's single ``credentialStatus`` needs).
_STANDING_CODES: Final = {
    "revoked": "status.revoked",
    "suspended": "status.suspended",
    "valid": "status.standing_valid",
}


def _status_check(result: StatusResult, url: Any, why: _Why) -> Check:
    """The report's sentence for one status entry (Bitstring Status List 1.0, section 3.2).
    ``details`` say how many entries a list shorter than the herd-privacy minimum has
    (``list_entries``: it was read all the same, see ``status_list.check_status``)."""
    details: dict[str, Any] = {"purpose": result.purpose}
    if result.short_list is not None:
        details["list_entries"] = result.short_list
    if result.outcome != _UNKNOWN and result.value is not None:
        if result.standing is not None:
            return Check.of("status", result.outcome, _STANDING_CODES[result.standing], details)
        code = _STATUS_CODES.get((result.purpose, bool(result.value)))
        if code is None:  # a "message" purpose: the value is information (section 2.1)
            return Check.of(
                "status", result.outcome, "status.message", details, value=f"0x{result.value:x}"
            )
        return Check.of("status", result.outcome, code, details)
    subject = result.purpose if result.purpose in _SUBJECTS else "other"
    kind, reason = why
    if result.code == "status_retrieval_error" and kind in {"offline", "unreachable"}:
        params: dict[str, str | int] = {"url": str(url)}
        if kind == "unreachable":
            params["reason"] = reason
        return Check.of("status", _UNKNOWN, f"status.{subject}_{kind}", details, **params)
    if result.code == "status_verification_error" and kind == "unverified":
        return Check.of("status", _UNKNOWN, f"status.{subject}_unverified", details)
    # status_list's own sentence is "<reason>, so <subject> is unknown."
    said = result.message.rsplit(", so ", 1)[0].rstrip(".")
    if kind == "other" and reason and result.code == "status_retrieval_error":
        said = reason
    return Check.of("status", _UNKNOWN, f"status.{subject}_error", details, reason=said)


#: Why a status list cannot be used: ``("offline" | "unreachable" | "unverified" | "other" |
#: "", English detail)``.
_Why = tuple[str, str]


def _supplied_list(url: str, options: VerifyOptions) -> Any:
    """The list the caller supplied for ``url``: ``status_lists`` by the URL the credential
    cites, or a list there whose own ``id`` is that URL, or what ``status_list_source`` says."""
    document: Any = options.status_lists.get(url)
    if document is None:
        document = next(
            (
                listed
                for listed in options.status_lists.values()
                if isinstance(listed, Mapping) and listed.get("id") == url
            ),
            None,
        )
    if document is None and options.status_list_source is not None:
        document = options.status_list_source(url)
    return document


def _fetched_list(
    url: str, options: VerifyOptions, resolver: Resolver, seconds: float
) -> tuple[Any, str | None, _Why]:
    """(the list at ``url``, the controller of its JWS key when it came as a JWT, why not).

    A list fetched once is reused from ``options.status_list_cache`` until it expires."""
    cache = options.status_list_cache
    body = cache.get(url) if cache is not None else None
    fetched = body is None
    if body is None:
        if seconds <= 0:
            return None, None, (
                "unreachable",
                f"not fetched: the {options.network_budget:g} seconds this verification may "
                "spend on the network were used up",
            )
        try:
            body = fetch_bytes(
                url,
                accept="application/vc+ld+json, application/ld+json, application/json, "
                "application/jwt",
                timeout=min(_fetch.DEFAULT_TIMEOUT, seconds),
                max_bytes=4 * 1024 * 1024,
                guard=options.url_guard,
                allow_private=options.allow_private_addresses,
            )
        except VCError as exc:
            return None, None, ("unreachable", exc.message.rstrip("."))
    text = body.decode("utf-8", errors="replace").strip()
    controller: str | None = None
    try:
        if jose.is_compact_jws(text):
            verified = jose.verify_jwt(text, resolver=resolver)
            document: Any = verified.credential
            controller = verified.controller or ""
        else:
            document = parse_json(body, what="the status list")
    except VCError as exc:
        return None, None, ("unreachable", exc.message.rstrip("."))
    if fetched and cache is not None and isinstance(document, dict):
        cache.put(url, body, document)
    return document, controller, ("", "")


def _status_list(
    url: Any, options: VerifyOptions, resolver: Resolver, issuer: str | None, seconds: float
) -> tuple[dict[str, Any] | None, bool | None, _Why]:
    """The list credential, whether it is signed by the credential's own issuer, and why not.

    The list is the one at the URL the entry cites (Bitstring Status List 1.0, section 3.2
    dereferences ``statusListCredential``): the caller's, else the network's. A list signed by
    anyone else cannot speak for the issuer (section 6.2 "Status List Credential Forgery"): its
    answer is treated as unverified."""
    if not isinstance(url, str):
        return None, None, ("other", "the entry names no status list")
    document = _supplied_list(url, options)
    jws_controller: str | None = None
    if document is None:
        if not options.allow_network:
            return None, None, ("offline", "")
        document, jws_controller, why = _fetched_list(url, options, resolver, seconds)
        if document is None:
            return None, None, why
    if not isinstance(document, dict):
        return None, None, ("other", "the status list is not a JSON object")
    list_issuer = _issuer_id(document)
    if jws_controller is not None:  # a JWT-secured list: its signature was checked on reading
        signed = bool(jws_controller) and jws_controller == list_issuer == issuer
        return document, signed, ("", "") if signed else ("unverified", "")
    if "proof" not in document:
        return document, False, ("unverified", "")
    try:
        proofs = verify_proofs(document, resolver=resolver, loader=options.loader)
    except VCError:
        return document, False, ("unverified", "")
    if list_issuer != issuer:
        return document, False, ("unverified", "")
    signed_by_issuer = all(
        r.verified and r.verification_method and r.verification_method.controller == list_issuer
        for r in proofs
    )
    return document, signed_by_issuer, ("unverified", "") if not signed_by_issuer else ("", "")


#: How long a fetched status list is reused when it does not say (no ``ttl``): Bitstring Status
#: List 1.0, section 2.2, gives ``ttl`` in milliseconds and no default; five minutes keeps a
#: revocation visible soon while a page of badges costs one fetch per list.
DEFAULT_STATUS_LIST_TTL: Final = 300.0
#: The longest a list is reused, whatever its ``ttl`` says.
MAX_STATUS_LIST_TTL: Final = 24 * 3600.0


class StatusListCache:
    """Status list credentials fetched over the network, kept in this process until their
    ``ttl`` (``credentialSubject.ttl``, milliseconds, Bitstring Status List 1.0 section 2.2) or
    their ``validUntil`` / ``expirationDate``, whichever comes first; five minutes when they
    say neither. At most ``max_entries`` lists and ``max_bytes`` in all: the least recently
    used go first. Entries are the fetched bytes; every use still checks the list's proof.

    ``clock`` is wall-clock seconds (``validUntil`` is a date); tests pass their own."""

    def __init__(
        self,
        *,
        max_entries: int = 128,
        max_bytes: int = 32 * 1024 * 1024,
        default_ttl: float = DEFAULT_STATUS_LIST_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries, self.max_bytes, self.default_ttl = max_entries, max_bytes, default_ttl
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, url: str) -> bytes | None:
        """The bytes fetched from ``url``, unless they have expired."""
        with self._lock:
            found = self._entries.get(url)
            if found is None:
                return None
            if self.clock() >= found[0]:
                self._drop(url)
                return None
            self._entries.move_to_end(url)
            return found[1]

    def put(self, url: str, body: bytes, document: Mapping[str, Any]) -> None:
        """Keep ``body`` (what ``url`` answered; ``document`` is it read) until it expires."""
        seconds = self.lifetime(document)
        if seconds <= 0 or len(body) > self.max_bytes:
            return
        with self._lock:
            if url in self._entries:
                self._drop(url)
            self._entries[url] = (self.clock() + seconds, body)
            self._size += len(body)
            while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def lifetime(self, document: Mapping[str, Any]) -> float:
        """Seconds ``document`` may be reused from now: its ``ttl`` (or the default), capped
        at :data:`MAX_STATUS_LIST_TTL` and cut short by its ``validUntil``."""
        seconds = self.default_ttl
        subject = document.get("credentialSubject")
        if isinstance(subject, list) and len(subject) == 1:
            subject = subject[0]
        ttl = subject.get("ttl") if isinstance(subject, Mapping) else None
        if isinstance(ttl, int | float) and not isinstance(ttl, bool) and ttl >= 0:
            seconds = ttl / 1000
        seconds = min(seconds, MAX_STATUS_LIST_TTL)
        for name in ("validUntil", "expirationDate"):
            until = _parse_time(document.get(name))
            if until is not None:
                seconds = min(seconds, until.timestamp() - self.clock())
        return seconds

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _drop(self, url: str) -> None:
        _expires, body = self._entries.pop(url)
        self._size -= len(body)


#: The process's cache of fetched status lists, the default of ``VerifyOptions``.
STATUS_LIST_CACHE: Final[StatusListCache] = StatusListCache()


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
