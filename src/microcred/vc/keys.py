"""Signing keys: Ed25519 as Multikey (Controlled Identifiers 1.0, section 2.2.2) and RSA for RS256.

A Multikey ``publicKeyMultibase`` is ``z`` + base58btc(0xed01 ‖ 32-byte public key) and a
``secretKeyMultibase`` is ``z`` + base58btc(0x8026 ‖ 32-byte seed). Keys written by older tools
call the secret ``privateKeyMultibase``; both are read, only ``secretKeyMultibase`` is written.
Any other multicodec prefix is refused, so an X25519 or secp256k1 key is never misread as Ed25519.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .errors import InputError, KeyFormatError
from .multibase import (
    ED25519_PRIV,
    ED25519_PUB,
    decode_base58btc,
    decode_multikey,
    encode_multikey,
)

__all__ = [
    "EcdsaPublicMultikey",
    "Ed25519Multikey",
    "Ed25519PublicMultikey",
    "PublicKey",
    "RsaKey",
    "load_key",
    "public_key_from_jwk",
    "public_key_from_multibase",
]


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Ed25519PublicMultikey:
    """An Ed25519 public key: enough to verify, and to name itself as a did:key."""

    public_bytes: bytes
    _key: Ed25519PublicKey = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_bytes(cls, public_bytes: bytes) -> Ed25519PublicMultikey:
        if len(public_bytes) != 32:
            raise KeyFormatError(
                f"an Ed25519 public key has 32 bytes, not {len(public_bytes)}",
                code="invalid_key_length",
            )
        return cls(public_bytes, Ed25519PublicKey.from_public_bytes(public_bytes))

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicMultikey:
        if cls is Ed25519PublicMultikey:
            return _public_key_from_multibase(value)
        return cls.from_bytes(
            decode_multikey(value, prefix=ED25519_PUB, size=32, what="publicKeyMultibase")
        )

    @property
    def public_multibase(self) -> str:
        return _public_multibase(self.public_bytes)

    @property
    def did(self) -> str:
        return "did:key:" + self.public_multibase

    @property
    def verification_method(self) -> str:
        """The did:key verification method (did:key spec, section 3.1.2): ``did#fingerprint``."""
        return f"{self.did}#{self.public_multibase}"

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def multikey_document(self, id: str, controller: str) -> dict[str, Any]:
        """A ``Multikey`` verification method object for a DID or controller document."""
        return _multikey_document(id, controller, self.public_multibase)


# Every verification decodes the issuer's key from base58 and writes its did:key back: both are
# pure functions of a few issuers' keys, and the key objects are immutable, so they are cached.
@lru_cache(maxsize=1024)
def _public_key_from_multibase(value: str) -> Ed25519PublicMultikey:
    return Ed25519PublicMultikey.from_bytes(
        decode_multikey(value, prefix=ED25519_PUB, size=32, what="publicKeyMultibase")
    )


@lru_cache(maxsize=1024)
def _public_multibase(public_bytes: bytes) -> str:
    return encode_multikey(ED25519_PUB, public_bytes)


@dataclass(frozen=True)
class Ed25519Multikey(Ed25519PublicMultikey):
    """An Ed25519 key pair (secret included). ``repr`` never shows the secret."""

    seed: bytes = field(default=b"", repr=False, compare=False)
    _private: Ed25519PrivateKey | None = field(default=None, repr=False, compare=False, hash=False)

    @classmethod
    def generate(cls, seed: bytes | None = None) -> Ed25519Multikey:
        seed = secrets.token_bytes(32) if seed is None else seed
        if len(seed) != 32:
            raise KeyFormatError(
                f"an Ed25519 seed has 32 bytes, not {len(seed)}", code="invalid_key_length"
            )
        private = Ed25519PrivateKey.from_private_bytes(seed)
        public = private.public_key()
        return cls(_public_bytes(public), public, seed, private)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ed25519Multikey:
        """Read ``secretKeyMultibase`` (or ``privateKeyMultibase``) and check the public half."""
        if not isinstance(data, Mapping):
            raise KeyFormatError("a key file must hold a JSON object", code="invalid_key")
        secret = data.get("secretKeyMultibase", data.get("privateKeyMultibase"))
        if secret is None:
            raise KeyFormatError(
                "the key has no secretKeyMultibase (or privateKeyMultibase)",
                code="missing_secret_key",
            )
        seed = decode_multikey(secret, prefix=ED25519_PRIV, size=32, what="secretKeyMultibase")
        key = cls.generate(seed)
        public = data.get("publicKeyMultibase")
        if public is not None and public != key.public_multibase:
            # Decode first so a malformed value gets its own precise error.
            Ed25519PublicMultikey.from_multibase(public)
            raise KeyFormatError(
                "publicKeyMultibase does not belong to the secret key", code="key_mismatch"
            )
        return key

    @property
    def secret_multibase(self) -> str:
        return encode_multikey(ED25519_PRIV, self.seed)

    def public(self) -> Ed25519PublicMultikey:
        return Ed25519PublicMultikey(self.public_bytes, self._key)

    def sign(self, message: bytes) -> bytes:
        assert self._private is not None
        return self._private.sign(message)

    def to_json(self) -> dict[str, str]:
        return {
            "type": "Multikey",
            "publicKeyMultibase": self.public_multibase,
            "secretKeyMultibase": self.secret_multibase,
            "did": self.did,
            "verificationMethod": self.verification_method,
        }


@dataclass(frozen=True)
class RsaKey:
    """An RSA key for VC-JOSE ``RS256`` (Open Badges 3.0 requires verifiers to accept RS256)."""

    private: rsa.RSAPrivateKey | None
    public: rsa.RSAPublicKey

    @classmethod
    def generate(cls, bits: int = 2048) -> RsaKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        return cls(private, private.public_key())

    @classmethod
    def from_pem(cls, pem: bytes) -> RsaKey:
        try:
            if b"PRIVATE KEY" in pem:
                private = serialization.load_pem_private_key(pem, password=None)
                if not isinstance(private, rsa.RSAPrivateKey):
                    raise KeyFormatError("the PEM key is not an RSA key", code="invalid_key")
                return cls(private, private.public_key())
            public = serialization.load_pem_public_key(pem)
        except ValueError as exc:
            raise KeyFormatError(f"cannot read the PEM key: {exc}", code="invalid_key") from None
        if not isinstance(public, rsa.RSAPublicKey):
            raise KeyFormatError("the PEM key is not an RSA key", code="invalid_key")
        return cls(None, public)

    def private_pem(self) -> bytes:
        if self.private is None:
            raise KeyFormatError("this RSA key has no private half", code="missing_secret_key")
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_pem(self) -> bytes:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, message: bytes) -> bytes:
        if self.private is None:
            raise KeyFormatError("this RSA key has no private half", code="missing_secret_key")
        return self.private.sign(message, padding.PKCS1v15(), hashes.SHA256())


def load_key(data: Mapping[str, Any] | bytes) -> Ed25519Multikey | RsaKey:
    """A key from a Multikey JSON object, or from PEM bytes (RSA)."""
    if isinstance(data, bytes):
        if b"-----BEGIN" in data:
            return RsaKey.from_pem(data)
        raise InputError("a key must be Multikey JSON or an RSA PEM", code="invalid_key")
    if "privateKeyPem" in data:
        return RsaKey.from_pem(str(data["privateKeyPem"]).encode())
    return Ed25519Multikey.from_json(data)


#: Multicodec varint prefixes of compressed NIST curve points (multiformats table):
#: p256-pub 0x1200, p384-pub 0x1201 (vc-di-ecdsa, section 2.1.1).
P256_PUB = b"\x80\x24"
P384_PUB = b"\x81\x24"
#: curve name -> (multicodec prefix, compressed point size, curve, the hash the curve signs with)
_CURVES: dict[str, tuple[bytes, int, ec.EllipticCurve, type[hashes.HashAlgorithm]]] = {
    "P-256": (P256_PUB, 33, ec.SECP256R1(), hashes.SHA256),
    "P-384": (P384_PUB, 49, ec.SECP384R1(), hashes.SHA384),
}


@dataclass(frozen=True)
class EcdsaPublicMultikey:
    """A P-256 or P-384 public key, for verifying what others signed (microcred signs with
    Ed25519 only). ``public_bytes`` is the compressed SEC 1 point, as Multikey carries it."""

    curve: str
    public_bytes: bytes
    _key: ec.EllipticCurvePublicKey = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_point(cls, curve: str, point: bytes) -> EcdsaPublicMultikey:
        """From a SEC 1 point (compressed or not) on ``curve`` (``P-256`` or ``P-384``)."""
        if curve not in _CURVES:
            raise KeyFormatError(
                f"ECDSA curve '{curve}' is not supported (supported: {', '.join(_CURVES)})",
                code="unsupported_key_type",
            )
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[curve][2], point)
        except ValueError:
            raise KeyFormatError(
                f"the {curve} public key is not a point on the curve", code="invalid_key"
            ) from None
        compressed = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        return cls(curve, compressed, key)

    @classmethod
    def from_multibase(cls, value: str) -> EcdsaPublicMultikey:
        return _ecdsa_key_from_multibase(value)

    @property
    def hash_algorithm(self) -> hashes.HashAlgorithm:
        """The hash the curve is used with: SHA-256 for P-256, SHA-384 for P-384 (vc-di-ecdsa
        3.1, 3.2)."""
        return _CURVES[self.curve][3]()

    @property
    def public_multibase(self) -> str:
        return encode_multikey(_CURVES[self.curve][0], self.public_bytes)

    @property
    def did(self) -> str:
        return "did:key:" + self.public_multibase

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.public_multibase}"

    def jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 7518 §6.2.1: ``x`` and ``y`` of the uncompressed point)."""
        numbers = self._key.public_numbers()
        size = (self._key.curve.key_size + 7) // 8
        return {
            "kty": "EC",
            "crv": self.curve,
            "x": base64.urlsafe_b64encode(numbers.x.to_bytes(size, "big")).rstrip(b"=").decode(),
            "y": base64.urlsafe_b64encode(numbers.y.to_bytes(size, "big")).rstrip(b"=").decode(),
        }

    def verify(self, signature: bytes, message: bytes) -> bool:
        """``signature`` is IEEE P1363 ``r || s`` (what Data Integrity and JOSE carry), over
        ``message`` hashed with the curve's hash."""
        half = len(signature) // 2
        if len(signature) != 2 * ((self._key.curve.key_size + 7) // 8):
            return False
        der = encode_dss_signature(
            int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        )
        try:
            self._key.verify(der, message, ec.ECDSA(_CURVES[self.curve][3]()))
        except InvalidSignature:
            return False
        return True

    def multikey_document(self, id: str, controller: str) -> dict[str, Any]:
        """A ``Multikey`` verification method object for a DID or controller document."""
        return _multikey_document(id, controller, self.public_multibase)


PublicKey = Ed25519PublicMultikey | EcdsaPublicMultikey


def _multikey_document(id: str, controller: str, public_multibase: str) -> dict[str, Any]:
    """Controlled Identifiers 1.0, section 2.2.2 (Multikey)."""
    return {
        "id": id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase,
    }


@lru_cache(maxsize=1024)
def _ecdsa_key_from_multibase(value: str) -> EcdsaPublicMultikey:
    raw = decode_base58btc(value, what="publicKeyMultibase")
    for curve, (prefix, size, _, _) in _CURVES.items():
        if raw[:2] == prefix:
            point = decode_multikey(value, prefix=prefix, size=size, what="publicKeyMultibase")
            return EcdsaPublicMultikey.from_point(curve, point)
    raise KeyFormatError(
        f"publicKeyMultibase has multicodec prefix 0x{raw[:2].hex()}, not a P-256 or P-384 key",
        code="wrong_key_prefix",
    )


def public_key_from_multibase(value: str) -> PublicKey:
    """A Multikey ``publicKeyMultibase`` of any key type microcred verifies (Ed25519, P-256,
    P-384), chosen by its multicodec prefix."""
    raw = decode_base58btc(value, what="publicKeyMultibase")
    if raw[:2] == ED25519_PUB:
        return Ed25519PublicMultikey.from_multibase(value)
    if raw[:2] in (P256_PUB, P384_PUB):
        return _ecdsa_key_from_multibase(value)
    raise KeyFormatError(
        f"publicKeyMultibase has multicodec prefix 0x{raw[:2].hex()}; microcred verifies "
        "Ed25519 (0xed), P-256 (0x1200) and P-384 (0x1201) keys",
        code="unsupported_key_type",
    )


def _jwk_bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or "=" in value:
        raise KeyFormatError(f"the JWK has no base64url '{name}'", code="invalid_key")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"the JWK's '{name}' is not base64url", code="invalid_key") from None


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A public JWK (RFC 7517) as a key: OKP Ed25519 (RFC 8037) or EC P-256/P-384 (RFC 7518
    6.2). A JWK carrying a private part is refused: it was published by mistake."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object", code="invalid_key")
    if "d" in jwk:
        raise KeyFormatError("the JWK carries a private key", code="private_key_in_header")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return Ed25519PublicMultikey.from_bytes(_jwk_bytes(jwk, "x"))
    if kty == "EC" and isinstance(crv, str) and crv in _CURVES:
        size = _CURVES[crv][1] - 1
        x, y = _jwk_bytes(jwk, "x"), _jwk_bytes(jwk, "y")
        if len(x) != size or len(y) != size:
            raise KeyFormatError(f"a {crv} JWK has {size}-byte x and y", code="invalid_key")
        return EcdsaPublicMultikey.from_point(crv, b"\x04" + x + y)
    raise KeyFormatError(
        f"JWK kty '{kty}' crv '{crv}' is not supported (supported: OKP Ed25519, EC P-256, "
        "EC P-384)",
        code="unsupported_key_type",
    )
