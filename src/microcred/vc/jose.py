"""Credentials secured as compact JWS (VC-JOSE), as Open Badges 3.0 section 8.2 describes.

Signing writes the Open Badges 3.0 form: the protected header carries ``alg`` (``EdDSA`` or
``RS256``), ``typ: JWT`` and either ``kid`` (a verification method) or the public ``jwk``; the
payload carries the credential in ``vc`` with the registered claims ``iss``, ``jti``, ``sub``,
``nbf`` and, where the credential expires, ``exp``. Verifying also accepts the VC-JOSE-COSE 2.0
form, whose payload is the credential itself. ``EdDSA`` stays the signing name because deployed
verifiers know it; RFC 9864's ``Ed25519`` is accepted on input.
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, OKPKey, RSAKey

from .did import Resolver
from .errors import InputError, ProofError, VCError
from .jsoninput import check_depth
from .keys import EcdsaPublicMultikey, Ed25519Multikey, Ed25519PublicMultikey, RsaKey

__all__ = ["JWT_ALGORITHMS", "VerifiedJwt", "is_compact_jws", "sign_jwt", "verify_jwt", "decode"]

JWT_ALGORITHMS = ("EdDSA", "Ed25519", "ES256", "ES384", "RS256")
#: The curve each ECDSA algorithm signs on (RFC 7518 §3.4; VC-JOSE-COSE names ES256 and ES384).
_EC_CURVES = {"ES256": "P-256", "ES384": "P-384"}
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
MAX_JWS_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True)
class VerifiedJwt:
    header: dict[str, Any]
    payload: dict[str, Any]
    credential: dict[str, Any]
    #: The verification method id (``kid``), or ``None`` when the key came in the header.
    key_id: str | None
    controller: str | None


def _registry(alg: str) -> jws.JWSRegistry:
    """joserfc's default caps a header at 512 bytes: too small for an RSA ``jwk`` header, and its
    payload cap is below a CLR's size. Our own input limits apply instead."""
    registry = jws.JWSRegistry(algorithms=[alg])
    registry.max_header_length = 16 * 1024
    registry.max_payload_length = MAX_JWS_CHARS
    return registry


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_compact_jws(text: str) -> bool:
    return bool(_COMPACT.match(text.strip()))


def _epoch(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def sign_jwt(
    credential: Mapping[str, Any],
    *,
    key: Ed25519Multikey | RsaKey,
    verification_method: str | None = None,
) -> str:
    """The credential as an Open Badges 3.0 compact JWS."""
    if not isinstance(credential, Mapping):
        raise InputError("the credential must be a JSON object", code="not_an_object")
    header: dict[str, Any] = {"typ": "JWT"}
    signing_key: OKPKey | RSAKey
    if isinstance(key, Ed25519Multikey):
        header["alg"] = "EdDSA"
        header["kid"] = verification_method or key.verification_method
        signing_key = OKPKey.import_key(
            {"kty": "OKP", "crv": "Ed25519", "x": _b64(key.public_bytes), "d": _b64(key.seed)}
        )
    else:
        header["alg"] = "RS256"
        signing_key = RSAKey.import_key(key.private_pem())
        if verification_method:
            header["kid"] = verification_method
        else:
            header["jwk"] = RSAKey.import_key(key.public_pem()).as_dict(private=False)
    payload: dict[str, Any] = {"vc": dict(credential)}
    claims = {
        "iss": _issuer_id(credential),
        "jti": credential.get("id"),
        "sub": (credential.get("credentialSubject") or {}).get("id")
        if isinstance(credential.get("credentialSubject"), Mapping)
        else None,
        "nbf": _epoch(credential.get("validFrom", credential.get("issuanceDate"))),
        "exp": _epoch(credential.get("validUntil", credential.get("expirationDate"))),
    }
    payload.update({k: v for k, v in claims.items() if v is not None})
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact(header, body, signing_key, registry=_registry(header["alg"]))


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, unverified, with clear errors for bad input."""
    token = token.strip()
    if len(token) > MAX_JWS_CHARS:
        raise InputError("the token is too large", code="too_large")
    if not is_compact_jws(token):
        raise InputError(
            "not a compact JWS (three base64url parts joined by dots)", code="invalid_jws"
        )
    parts = token.split(".")
    try:
        header = json.loads(_unb64(parts[0]))
        payload = json.loads(_unb64(parts[1]))
    except (ValueError, RecursionError):
        raise InputError("the JWS header or payload is not JSON", code="invalid_jws") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InputError("the JWS header and payload must be JSON objects", code="invalid_jws")
    check_depth(payload, what="the JWS payload")
    return header, payload


def credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(payload.get("vc"), dict):
        return dict(payload["vc"])
    if "@context" in payload:
        return dict(payload)
    raise InputError("the JWS payload holds no credential", code="no_credential")


def _jwk_key(jwk: Mapping[str, Any], alg: str) -> OKPKey | RSAKey | ECKey:
    if "d" in jwk or "p" in jwk:
        raise ProofError("the JWS header carries a private key", code="private_key_in_header")
    try:
        if alg in ("EdDSA", "Ed25519"):
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise ProofError("EdDSA needs an Ed25519 OKP key", code="wrong_key_type")
            return OKPKey.import_key(dict(jwk))
        if alg in _EC_CURVES:
            if jwk.get("kty") != "EC" or jwk.get("crv") != _EC_CURVES[alg]:
                raise ProofError(f"{alg} needs an EC {_EC_CURVES[alg]} key", code="wrong_key_type")
            return ECKey.import_key(dict(jwk))
        if jwk.get("kty") != "RSA":
            raise ProofError("RS256 needs an RSA key", code="wrong_key_type")
        return RSAKey.import_key(dict(jwk))
    except (JoseError, ValueError, TypeError) as exc:
        raise ProofError(f"the public key is not usable: {exc}", code="invalid_key") from None


def verify_jwt(
    token: str,
    *,
    resolver: Resolver | None = None,
    algorithms: Sequence[str] = JWT_ALGORITHMS,
    allow_embedded_key: bool = False,
) -> VerifiedJwt:
    """Verify the signature and return the credential; raise :class:`ProofError` otherwise.

    ``algorithms``: the JWS algorithms the caller accepts (a subset of
    :data:`JWT_ALGORITHMS`; anything else, ``none`` and the HMAC ones included, is refused).
    The key is the one ``kid`` names, through ``resolver``. A key carried in the header itself
    (``jwk``) proves only that someone holding it signed, never who: it is refused unless the
    caller asks for it by name, ``allow_embedded_key=True`` (as sigstore names its unsafe
    choices), and then the result has no ``controller``, so nothing ties it to an issuer."""
    unknown = [a for a in algorithms if a not in JWT_ALGORITHMS]
    if unknown or not algorithms:
        raise ValueError(f"algorithms must be a non-empty subset of {JWT_ALGORITHMS}, not "
                         f"{list(algorithms)}")
    header, payload = decode(token)
    alg = header.get("alg")
    if alg not in algorithms:
        raise ProofError(
            f"JWS algorithm '{alg}' is not accepted (accepted: {', '.join(algorithms)})",
            code="unsupported_algorithm",
        )
    credential = credential_of(payload)
    kid = header.get("kid")
    controller: str | None = None
    key: OKPKey | RSAKey | ECKey
    if isinstance(kid, str):
        resolver = resolver or Resolver()
        try:
            method = resolver.verification_method(kid)
        except VCError as exc:
            raise ProofError(f"cannot find the key {kid}: {exc.message}", code=exc.code) from None
        controller = method.controller
        if "assertionMethod" not in method.relationships:
            raise ProofError(
                f"{kid} is not authorized for assertionMethod by its controller",
                code="unauthorized_verification_method",
            )
        if isinstance(method.key, Ed25519PublicMultikey):
            if alg not in ("EdDSA", "Ed25519"):
                raise ProofError(f"{kid} is an Ed25519 key, not {alg}", code="wrong_key_type")
            key = OKPKey.import_key(
                {"kty": "OKP", "crv": "Ed25519", "x": _b64(method.key.public_bytes)}
            )
        elif isinstance(method.key, Mapping):
            key = _jwk_key(method.key, str(alg))
        elif isinstance(method.key, EcdsaPublicMultikey) and _EC_CURVES.get(str(alg)) == (
            method.key.curve
        ):
            key = ECKey.import_key(dict(method.key.jwk()))
        else:
            raise ProofError(f"{kid} is a {method.key.curve} key, not {alg}", code="wrong_key_type")
    elif isinstance(header.get("jwk"), Mapping):
        if not allow_embedded_key:
            raise ProofError(
                "the JWS header carries its own key ('jwk'), which says nothing about who "
                "signed; this caller accepts only a key named by 'kid'",
                code="embedded_key_refused",
            )
        key = _jwk_key(header["jwk"], str(alg))
    else:
        raise ProofError("the JWS header has neither 'kid' nor 'jwk'", code="no_key")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(token.strip(), key, registry=_registry(str(alg)))
    except JoseError:
        raise ProofError(
            "the JWS signature does not match: the token was changed or signed with another key",
            code="invalid_signature",
        ) from None
    issuer = _issuer_id(credential)
    if "iss" in payload and issuer is not None and payload["iss"] != issuer:
        raise ProofError("the token's 'iss' is not the credential's issuer", code="iss_mismatch")
    if "jti" in payload and credential.get("id") not in (None, payload["jti"]):
        raise ProofError("the token's 'jti' is not the credential's id", code="jti_mismatch")
    return VerifiedJwt(
        header, payload, credential, kid if isinstance(kid, str) else None, controller
    )


__all__ += ["credential_of"]
