"""Open Badges 2.0 assertions: read them, verify them, and say who they were awarded to.

Open Badges 2.0 (IMS Global, 2018; ``imsglobal.org/sites/default/files/Badges/OBv2p0Final``)
predates verifiable credentials: an ``Assertion`` names its ``BadgeClass``, which names its
issuer ``Profile``, and is verified in one of two ways (section "Badge Verification"):

- **hosted** (``verification.type`` ``hosted`` / ``HostedBadge``): the issuer serves the
  assertion at its ``id`` URL; the copy there is the authority. The URL must be on an origin the
  issuer vouches for: by default the host of the issuer's ``id``, or what the issuer's own
  ``verification`` object allows (``allowedOrigins``: hosts; ``startsWith``: URL prefixes).
  A revoked hosted assertion says ``revoked: true`` or is answered with ``410 Gone``.
- **signed** (``signed`` / ``SignedBadge``): the assertion is the payload of a compact JWS
  (``RS256``) whose key is a ``CryptographicKey`` published at ``verification.creator``, with a
  ``publicKeyPem`` and an ``owner`` that must be the issuer. Revocation is the issuer's
  ``revocationList`` (a ``RevocationList`` of ``revokedAssertions``).

The recipient is an ``IdentityObject``: ``type: email``, ``identity`` as the address or, with
``hashed: true``, ``sha256$`` / ``md5$`` + hex digest of address + ``salt``.

Everything outside the input is fetched through :func:`microcred.vc.fetch.fetch_bytes` (https
only, bounded, never to private addresses unless allowed), and only when the network is allowed
or the caller supplied the document. The result is a :class:`~microcred.vc.verifier.Report`
whose checks use codes from :data:`microcred.vc.verifier.MESSAGES`, plus a ``recipient`` check
when an email address was given.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import RSAKey

from . import baking, jose
from .errors import InputError, VCError
from .fetch import fetch_bytes
from .jsoninput import MAX_BYTES, parse_json
from .report import Check, Report

__all__ = [
    "OB2_CONTEXT",
    "Ob2Options",
    "Ob2Report",
    "is_ob2",
    "looks_like_assertion",
    "parse_ob2_date",
    "recipient_check",
    "recipient_matches",
    "verify_ob2",
]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_ACCEPT = "application/ld+json, application/json"
_HOSTED = frozenset({"hosted", "HostedBadge"})
_SIGNED = frozenset({"signed", "SignedBadge"})
_HASHES: Mapping[str, Callable[[bytes], Any]] = {"sha256": hashlib.sha256, "md5": hashlib.md5}

Method = Literal["hosted", "signed"]


@dataclass
class Ob2Options:
    """What verifying an Open Badges 2.0 badge may use beyond the input.

    ``documents`` maps URLs to documents the caller already has (JSON objects), consulted before
    the network; nothing is fetched unless ``allow_network``. ``recipient_email``, when given,
    adds a ``recipient`` check.
    """

    now: datetime | None = None
    allow_network: bool = False
    allow_private_addresses: bool = False
    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    url_guard: Callable[[str], None] | None = None
    ssl_context: ssl.SSLContext | None = None
    #: Seconds each fetch may take in all; ``None``: ``microcred.vc.fetch.DEFAULT_TIMEOUT``.
    timeout: float | None = None
    max_bytes: int = 512 * 1024
    recipient_email: str | None = None


@dataclass
class Ob2Report(Report):
    """A report for an Open Badges 2.0 badge: ``credential`` is the assertion (the issuer's
    hosted copy when it was fetched), with the resolved ``badge_class`` and ``issuer``."""

    badge_class: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    #: The assertion as presented: JSON text or the compact JWS.
    text: str = ""
    method: str | None = None


class _Unavailable(Exception):
    """A document could not be had: ``kind`` is ``offline`` or ``unreachable``."""

    def __init__(self, url: str, kind: str, reason: str = "", status: int | None = None):
        super().__init__(reason)
        self.url, self.kind, self.reason, self.status = url, kind, reason, status


# -- reading --------------------------------------------------------------------------------------


def _types(document: Mapping[str, Any]) -> list[Any]:
    kind = document.get("type")
    return kind if isinstance(kind, list) else [kind]


def looks_like_assertion(document: Any) -> bool:
    """Whether a JSON object is an Open Badges 2.0 ``Assertion`` (its type, its context, or
    the ``recipient`` and ``badge`` every assertion has)."""
    if not isinstance(document, Mapping):
        return False
    if "Assertion" in _types(document):
        return True
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return OB2_CONTEXT in contexts or ("recipient" in document and "badge" in document)


def is_ob2(data: bytes | str | Mapping[str, Any]) -> bool:
    """Whether ``data`` carries an Open Badges 2.0 assertion (JSON, JWS, hosted URL, or baked)."""
    try:
        text, _carrier = _text_of(data)
    except VCError:
        return False
    if text is None:
        return isinstance(data, Mapping) and looks_like_assertion(data)
    text = text.strip()
    if text.startswith("{"):
        try:
            return looks_like_assertion(parse_json(text.encode("utf-8"), what="the input"))
        except VCError:
            return False
    if jose.is_compact_jws(text):
        try:
            return looks_like_assertion(jose.decode(text)[1])
        except VCError:
            return False
    return _carrier in ("png", "svg") and text.startswith("https://")


def _text_of(data: bytes | str | Mapping[str, Any]) -> tuple[str | None, str]:
    """(assertion text, carrier); ``None`` text for a mapping. Baked images must be OB 2.0."""
    if isinstance(data, Mapping):
        return None, "json"
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > baking.MAX_IMAGE_BYTES:
        raise InputError("the input is too large", code="too_large")
    stripped = raw.lstrip()
    if raw.startswith(b"\x89PNG") or stripped[:5] == b"<?xml" or stripped[:4] == b"<svg":
        baked = baking.unbake(raw)
        if baked.kind != "ob2":
            raise InputError(
                "this image carries an Open Badges 3.0 credential, not an Open Badges 2.0 "
                "assertion",
                code="not_open_badges_2",
            )
        return baked.text, "png" if raw.startswith(b"\x89PNG") else "svg"
    if len(raw) > MAX_BYTES:
        raise InputError("the input is too large", code="too_large")
    return raw.decode("utf-8", errors="replace"), "json"


# -- fetching -------------------------------------------------------------------------------------


def _get(url: Any, options: Ob2Options) -> dict[str, Any]:
    """The JSON object at ``url``: supplied by the caller, or fetched when allowed."""
    if not isinstance(url, str):
        raise _Unavailable(str(url), "unreachable", "it is not a URL")
    known = options.documents.get(url)
    if known is not None:
        return dict(known)
    if not options.allow_network:
        raise _Unavailable(url, "offline")
    try:
        body = fetch_bytes(
            url,
            accept=_ACCEPT,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            guard=options.url_guard,
            ssl_context=options.ssl_context,
            allow_private=options.allow_private_addresses,
        )
        document = parse_json(body, what=url)
    except VCError as exc:
        status = exc.details.get("status")
        raise _Unavailable(
            url, "unreachable", exc.message.rstrip("."), status if isinstance(status, int) else None
        ) from None
    if not isinstance(document, dict):
        raise _Unavailable(url, "unreachable", "it is not a JSON object")
    return document


def _embedded_or_fetched(value: Any, options: Ob2Options) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return _get(value, options)


# -- the checks -----------------------------------------------------------------------------------


def _schema(
    assertion: Mapping[str, Any],
    badge: Mapping[str, Any] | None,
    issuer: Mapping[str, Any] | None,
) -> Check:
    """The fields Open Badges 2.0 requires of each object (sections Assertion, BadgeClass,
    Profile), as far as they were available."""
    problems: list[str] = []

    def need(document: Mapping[str, Any], where: str, *names: str) -> None:
        for name in names:
            if document.get(name) in (None, "", [], {}):
                problems.append(f"{where}.{name} is missing")

    need(assertion, "assertion", "id", "type", "recipient", "badge", "verification", "issuedOn")
    if assertion.get("type") is not None and "Assertion" not in _types(assertion):
        problems.append("assertion.type is not Assertion")
    recipient = assertion.get("recipient")
    if isinstance(recipient, Mapping):
        need(recipient, "recipient", "type", "identity")
    if badge is not None:
        need(badge, "badge", "id", "type", "name", "description", "image", "criteria", "issuer")
    if issuer is not None:
        need(issuer, "issuer", "id", "type", "name")
    if not problems:
        return Check.of("schema", "passed", "schema.ob2_valid")
    listed = "; ".join(problems[:5])
    return Check.of("schema", "failed", "schema.ob2_problems", {"problems": problems},
                    problems=listed)


def _verification(assertion: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    verification = assertion.get("verification") or assertion.get("verify")  # OB 1.1: verify
    if not isinstance(verification, Mapping):
        return "", {}
    kind = verification.get("type")
    return (kind if isinstance(kind, str) else ""), verification


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str) and item]


def _origin_allowed(assertion_id: str, issuer: Mapping[str, Any]) -> bool:
    """Open Badges 2.0, VerificationObject (for the issuer): ``allowedOrigins`` are hosts,
    default the host of the issuer's ``id``; ``startsWith`` are prefixes the id must begin
    with. Every rule the issuer states must hold."""
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    prefixes = _strings(policy.get("startsWith"))
    if prefixes and not any(assertion_id.startswith(prefix) for prefix in prefixes):
        return False
    hosts = [h.lower() for h in _strings(policy.get("allowedOrigins"))]
    if not hosts and not prefixes:
        issuer_id = issuer.get("id")
        hosts = [_host(issuer_id)] if isinstance(issuer_id, str) else []
    if hosts:
        return _host(assertion_id) in hosts and bool(_host(assertion_id))
    return True


def _issuer_name(issuer: Mapping[str, Any] | None, fallback: str = "") -> str:
    if issuer is None:
        return fallback
    name, ident = issuer.get("name"), issuer.get("id")
    if isinstance(name, str) and name and isinstance(ident, str):
        return f"{name} ({ident})"
    return ident if isinstance(ident, str) else fallback


def _unavailable_check(name: str, code: str, error: _Unavailable, **extra: str) -> Check:
    if error.kind == "offline":
        return Check.of(name, "unknown", "proof.ob2_offline", {"url": error.url}, url=error.url)
    return Check.of(name, "unknown", code, {"url": error.url}, url=error.url,
                    reason=error.reason, **extra)


def _hosted_proof(
    presented: dict[str, Any], options: Ob2Options
) -> tuple[Check, dict[str, Any], bool]:
    """(proof check, the authoritative assertion, whether the issuer answered 410 Gone)."""
    url = presented.get("id")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        check = Check.of("proof", "failed", "proof.ob2_hosted_not_url", id=str(url))
        return check, presented, False
    try:
        hosted = _get(url, options)
    except _Unavailable as error:
        if error.status == 410:
            return Check.of("proof", "passed", "proof.ob2_hosted_gone", url=url), presented, True
        return (
            _unavailable_check("proof", "proof.ob2_hosted_unreachable", error),
            presented,
            False,
        )
    if hosted != presented:
        changed = Check.of("proof", "failed", "proof.ob2_hosted_changed", {"url": url}, url=url)
        return changed, hosted, False
    return Check.of("proof", "passed", "proof.ob2_hosted", {"url": url}, url=url), hosted, False


def _signed_proof(
    token: str, assertion: Mapping[str, Any], header: Mapping[str, Any], options: Ob2Options
) -> tuple[Check, dict[str, Any] | None]:
    """(proof check, the key document when its signature verified)."""
    alg = header.get("alg")
    if alg != "RS256":
        return Check.of("proof", "failed", "proof.ob2_signature_invalid",
                        reason=f"the algorithm is '{alg}'; Open Badges 2.0 uses RS256"), None
    _kind, verification = _verification(assertion)
    creator = verification.get("creator")
    if not isinstance(creator, str):
        return Check.of("proof", "failed", "proof.ob2_signature_invalid",
                        reason="verification.creator does not name the signing key"), None
    try:
        key_document = _get(creator, options)
    except _Unavailable as error:
        if error.kind == "offline":
            return _unavailable_check("proof", "", error), None
        return Check.of("proof", "unknown", "proof.ob2_key_unreachable", {"url": creator},
                        key=creator, reason=error.reason), None
    pem = key_document.get("publicKeyPem")
    try:
        if not isinstance(pem, str):
            raise ValueError("the key document has no publicKeyPem")
        key = RSAKey.import_key(pem.encode("utf-8"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            registry = jws.JWSRegistry(algorithms=["RS256"])
            registry.max_payload_length = MAX_BYTES
            registry.max_header_length = 16 * 1024
            jws.deserialize_compact(token, key, registry=registry)
    except ValueError as exc:
        return Check.of("proof", "failed", "proof.ob2_signature_invalid",
                        reason=str(exc).rstrip(".")), None
    except JoseError:
        return Check.of("proof", "failed", "proof.ob2_signature_mismatch", {"key": creator},
                        key=creator), None
    return Check.of("proof", "passed", "proof.ob2_signed", {"key": creator}, key=creator), \
        key_document


def _issuer_check(
    method: Method | None,
    proof: Check,
    assertion: Mapping[str, Any],
    issuer: Mapping[str, Any] | None,
    issuer_error: _Unavailable | None,
    key_document: Mapping[str, Any] | None,
) -> Check:
    if issuer is None:
        if issuer_error is not None:
            if issuer_error.kind == "offline":
                return Check.of("issuer", "unknown", "issuer.ob2_offline",
                                {"url": issuer_error.url}, url=issuer_error.url)
            return Check.of("issuer", "unknown", "issuer.ob2_unreachable",
                            {"url": issuer_error.url}, url=issuer_error.url,
                            reason=issuer_error.reason)
        return Check.of("issuer", "failed", "issuer.ob2_missing")
    name = _issuer_name(issuer)
    issuer_id = issuer.get("id")
    if proof.outcome != "passed" or method is None:
        return Check.of("issuer", "unknown", "issuer.ob2_unconfirmed", issuer=name)
    if method == "hosted":
        assertion_id = str(assertion.get("id"))
        if not _origin_allowed(assertion_id, issuer):
            return Check.of("issuer", "failed", "issuer.ob2_origin_mismatch",
                            {"url": assertion_id}, url=assertion_id, issuer=name)
        return Check.of("issuer", "passed", "issuer.ob2_hosted", {"issuer": issuer_id},
                        issuer=name)
    key_document = key_document or {}
    key_id = key_document.get("id")
    listed = issuer.get("publicKey")
    listed_ids = [k.get("id") if isinstance(k, Mapping) else k
                  for k in (listed if isinstance(listed, list) else [listed])]
    owned = key_document.get("owner") == issuer_id or (key_id is not None and key_id in listed_ids)
    if not owned:
        return Check.of("issuer", "failed", "issuer.ob2_key_not_issuers",
                        {"key": key_id, "owner": key_document.get("owner")},
                        key=str(key_id), issuer=name)
    return Check.of("issuer", "passed", "issuer.ob2_signed", {"issuer": issuer_id}, issuer=name)


def parse_ob2_date(value: Any) -> datetime | None:
    """An OB 2.0 date: ISO 8601 (a date-time, or a date) or, from OB 1.x, a Unix timestamp."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    if value.isdigit():
        return parse_ob2_date(int(value))
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _validity(assertion: Mapping[str, Any], now: datetime | None) -> Check:
    now = now or datetime.now(UTC)
    issued, expires = assertion.get("issuedOn"), assertion.get("expires")
    if issued is not None and parse_ob2_date(issued) is None:
        return Check.of("validity", "failed", "validity.invalid_date", field="issuedOn",
                        value=str(issued))
    if expires is None:
        return Check.of("validity", "passed", "validity.valid")
    expires_at = parse_ob2_date(expires)
    if expires_at is None:
        return Check.of("validity", "failed", "validity.invalid_date", field="expires",
                        value=str(expires))
    if now >= expires_at:
        return Check.of("validity", "failed", "validity.expired", valid_until=str(expires))
    return Check.of("validity", "passed", "validity.valid_until", valid_until=str(expires))


def _revoked_entry(revocation_list: Mapping[str, Any], assertion: Mapping[str, Any]) -> Any:
    ident, uid = assertion.get("id"), assertion.get("uid")
    entries = revocation_list.get("revokedAssertions")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str) and entry in (ident, uid):
            return entry
        if isinstance(entry, Mapping) and (
            (ident is not None and entry.get("id") == ident)
            or (uid is not None and entry.get("uid") == uid)
        ):
            return entry
    return None


def _status(
    assertion: Mapping[str, Any],
    issuer: Mapping[str, Any] | None,
    gone: bool,
    proof: Check,
    method: Method | None,
    options: Ob2Options,
) -> Check:
    """Revocation: the hosted assertion's ``revoked`` (or 410 Gone) and the issuer's
    ``revocationList`` (OB 2.0, sections Assertion and RevocationList)."""
    if gone or assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        if isinstance(reason, str) and reason.strip():
            return Check.of("status", "failed", "status.ob2_revoked_reason",
                            reason=reason.strip().rstrip("."))
        return Check.of("status", "failed", "status.ob2_revoked")
    url = issuer.get("revocationList") if issuer is not None else None
    if url is not None:
        try:
            listed = _get(url, options)
        except _Unavailable as error:
            if error.kind == "offline":
                return Check.of("status", "unknown", "status.ob2_list_offline", url=error.url)
            return Check.of("status", "unknown", "status.ob2_list_unreachable",
                            url=error.url, reason=error.reason)
        entry = _revoked_entry(listed, assertion)
        if entry is not None:
            reason = entry.get("revocationReason") if isinstance(entry, Mapping) else None
            if isinstance(reason, str) and reason.strip():
                return Check.of("status", "failed", "status.ob2_revoked_reason",
                                reason=reason.strip().rstrip("."))
            return Check.of("status", "failed", "status.ob2_revoked")
        return Check.of("status", "passed", "status.ob2_not_revoked")
    if method == "hosted" and proof.outcome != "passed":
        return Check.of("status", "unknown", "status.ob2_unknown")
    return Check.of("status", "passed", "status.ob2_not_revoked")


def recipient_matches(recipient: Any, email: str) -> bool:
    """Whether an OB 2.0 ``IdentityObject`` of type ``email`` names ``email``.

    Hashed identities are ``<alg>$<hex>`` of the address followed by the salt (OB 2.0,
    IdentityObject); the comparison tries the address as given and in lower case, since
    issuers differ in whether they normalize it."""
    if not isinstance(recipient, Mapping) or recipient.get("type") != "email":
        return False
    identity = recipient.get("identity")
    if not isinstance(identity, str):
        return False
    candidates = {email.strip(), email.strip().lower()}
    if not recipient.get("hashed"):
        return identity.strip().lower() in {c.lower() for c in candidates}
    algorithm, _, digest = identity.partition("$")
    hasher = _HASHES.get(algorithm.lower())
    if hasher is None or not digest:
        return False
    salt = recipient.get("salt")
    salt = salt if isinstance(salt, str) else ""
    return any(
        hmac.compare_digest(hasher((c + salt).encode("utf-8")).hexdigest(), digest.lower())
        for c in candidates
    )


def recipient_check(assertion: Mapping[str, Any], email: str) -> Check:
    """Whether an OB 2.0 assertion was awarded to ``email`` (its ``recipient``)."""
    recipient = assertion.get("recipient")
    kind = recipient.get("type") if isinstance(recipient, Mapping) else None
    if kind != "email":
        return Check.of("recipient", "failed", "recipient.unsupported", type=str(kind),
                        email=email)
    if recipient_matches(recipient, email):
        return Check.of("recipient", "passed", "recipient.match", email=email)
    return Check.of("recipient", "failed", "recipient.mismatch", email=email)


# -- the verifier ---------------------------------------------------------------------------------


def verify_ob2(
    data: bytes | str | Mapping[str, Any],
    options: Ob2Options | None = None,
    *,
    source: str | None = None,
) -> Ob2Report:
    """Verify an Open Badges 2.0 assertion (JSON, compact JWS, an https URL of a hosted
    assertion, or a baked PNG/SVG) and return the report. Never raises for bad input."""
    options = options or Ob2Options()
    report = Ob2Report(checks=[], source=source)
    try:
        text, carrier = _text_of(data)
        token: str | None = None
        header: dict[str, Any] = {}
        format_params: dict[str, str] = {}
        if text is None:
            assert isinstance(data, Mapping)  # noqa: S101 - _text_of's contract
            assertion: Any = dict(data)
            kind = "format.ob2_json"
        else:
            text = text.strip()
            if jose.is_compact_jws(text):
                token = text
                header, assertion = jose.decode(text)
                kind = "format.ob2_signed"
            elif text.startswith("{"):
                assertion = parse_json(text.encode("utf-8"), what=source or "the assertion")
                kind = "format.ob2_json"
            elif text.startswith(("https://", "http://")):
                try:
                    assertion = _get(text, options)
                except _Unavailable as error:
                    reason = error.reason or "the network is off"
                    raise InputError(
                        f"the assertion at {text} could not be fetched: {reason}",
                        code="unreachable",
                    ) from None
                kind, format_params = "format.ob2_url", {"url": text}
            else:
                raise InputError("it is not JSON, a JWS or a URL", code="unreadable")
            if carrier in ("png", "svg"):
                kind, format_params = f"format.ob2_{carrier}", {}
    except VCError as exc:
        report.checks.append(Check.of("format", "failed", "format.unreadable",
                                      {"code": exc.code}, reason=exc.message.rstrip(".")))
        return report
    if not looks_like_assertion(assertion):
        report.checks.append(Check.of("format", "failed", "format.ob2_not_an_assertion"))
        return report
    report.carrier = "jws" if token and carrier == "json" else carrier
    report.text = token or (text if text and text.startswith("{") else "")
    report.checks.append(Check.of("format", "passed", kind, None, **format_params))

    verification_type, _ = _verification(assertion)
    method: Method | None = (
        "hosted" if verification_type in _HOSTED
        else "signed" if verification_type in _SIGNED else None
    )
    report.method = method
    gone = False
    key_document: dict[str, Any] | None = None
    if method == "hosted":
        if token is not None:
            proof = Check.of("proof", "failed", "proof.ob2_signature_invalid",
                             reason="a signed token says it is hosted")
        else:
            proof, assertion, gone = _hosted_proof(assertion, options)
            if not report.text:
                report.text = json.dumps(assertion, ensure_ascii=False)
    elif method == "signed":
        if token is None:
            proof = Check.of("proof", "failed", "proof.ob2_signed_without_signature")
        else:
            proof, key_document = _signed_proof(token, assertion, header, options)
    else:
        proof = Check.of("proof", "failed", "proof.ob2_unsupported",
                         type=verification_type or "none")
    report.credential = assertion

    badge: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    issuer_error: _Unavailable | None = None
    try:
        badge = _embedded_or_fetched(assertion.get("badge"), options)
        if badge.get("issuer") is None:
            issuer_error = None
        else:
            issuer = _embedded_or_fetched(badge.get("issuer"), options)
    except _Unavailable as error:
        issuer_error = error
    report.badge_class, report.issuer = badge, issuer

    report.checks.append(_schema(assertion, badge, issuer))
    report.checks.append(proof)
    report.checks.append(
        _issuer_check(method, proof, assertion, issuer, issuer_error, key_document)
    )
    report.checks.append(_validity(assertion, options.now))
    report.checks.append(_status(assertion, issuer, gone, proof, method, options))
    if options.recipient_email:
        report.checks.append(recipient_check(assertion, options.recipient_email))
    return report

