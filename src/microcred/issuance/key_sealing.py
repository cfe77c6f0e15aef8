"""Encrypting issuer secret keys at rest.

The sealing key is derived with HKDF-SHA256 (RFC 5869) from the deployment's SECRET_KEY, so a
database dump alone does not reveal any signing key. Each value is AES-256-GCM with a fresh
96-bit nonce (NIST SP 800-38D); the public key is bound as associated data, so a sealed secret
cannot be swapped onto another key's row.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from microcred.errors import MicrocredError

__all__ = ["seal", "unseal", "SealError"]

_PREFIX = "v1:"
_INFO = b"microcred issuer key sealing v1"
_SALT = b"microcred.issuance.key_sealing"


class SealError(MicrocredError):
    code = "key_unsealing_failed"
    http_status = 500


def _sealing_key(secret_key: str | None = None) -> bytes:
    material = (secret_key or settings.SECRET_KEY).encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(material)


def seal(plaintext: str, *, associated_data: str, secret_key: str | None = None) -> str:
    nonce = os.urandom(12)
    box = AESGCM(_sealing_key(secret_key)).encrypt(
        nonce, plaintext.encode("utf-8"), associated_data.encode("utf-8")
    )
    return _PREFIX + base64.urlsafe_b64encode(nonce + box).decode("ascii")


def unseal(sealed: str, *, associated_data: str, secret_key: str | None = None) -> str:
    if not sealed.startswith(_PREFIX):
        raise SealError("The sealed key has an unknown format.")
    raw = base64.urlsafe_b64decode(sealed[len(_PREFIX):].encode("ascii"))
    try:
        plain = AESGCM(_sealing_key(secret_key)).decrypt(
            raw[:12], raw[12:], associated_data.encode("utf-8")
        )
    except InvalidTag:
        raise SealError(
            "The issuer key cannot be decrypted: SECRET_KEY differs from the one it was sealed "
            "with."
        ) from None
    return plain.decode("utf-8")
