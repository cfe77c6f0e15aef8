"""Signing keys: Ed25519 as Multikey (Controlled Identifiers 1.0, section 2.2.2) and RSA for RS256.

A Multikey ``publicKeyMultibase`` is ``z`` + base58btc(0xed01 ‖ 32-byte public key) and a
``secretKeyMultibase`` is ``z`` + base58btc(0x8026 ‖ 32-byte seed). Keys written by older tools
call the secret ``privateKeyMultibase``; both are read, only ``secretKeyMultibase`` is written.
Any other multicodec prefix is refused, so an X25519 or secp256k1 key is never misread as Ed25519.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import InputError, KeyFormatError
from .multibase import ED25519_PRIV, ED25519_PUB, decode_multikey, encode_multikey

__all__ = ["Ed25519Multikey", "Ed25519PublicMultikey", "RsaKey", "load_key"]


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
        return {
            "id": id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": self.public_multibase,
        }


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
