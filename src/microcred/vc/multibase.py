"""Multibase and multicodec encodings used by Data Integrity and Multikey.

Only the two bases the specifications use are accepted: base58btc (``z``) for keys and
signatures, and base64url without padding (``u``) for status lists (Multibase draft, section 2).
"""

from __future__ import annotations

import base64
import binascii

import base58

from .errors import KeyFormatError

__all__ = [
    "ED25519_PUB",
    "ED25519_PRIV",
    "encode_base58btc",
    "decode_base58btc",
    "encode_base64url",
    "decode_base64url",
    "encode_multikey",
    "decode_multikey",
]

#: Multicodec varint prefixes (multiformats table): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


def encode_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(text: str, *, what: str = "value") -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise KeyFormatError(
            f"{what} must be a multibase base58btc string starting with 'z'",
            code="invalid_multibase",
        )
    try:
        return base58.b58decode(text[1:])
    except ValueError as exc:
        raise KeyFormatError(
            f"{what} is not valid base58btc: {exc}", code="invalid_multibase"
        ) from None


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str, *, what: str = "value") -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise KeyFormatError(
            f"{what} must be a multibase base64url string starting with 'u'",
            code="invalid_multibase",
        )
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(
            f"{what} is not valid base64url: {exc}", code="invalid_multibase"
        ) from None


def encode_multikey(prefix: bytes, key: bytes) -> str:
    return encode_base58btc(prefix + key)


def decode_multikey(text: str, *, prefix: bytes, size: int, what: str) -> bytes:
    """Decode a Multikey value, refusing any multicodec prefix other than ``prefix``."""
    raw = decode_base58btc(text, what=what)
    if raw[: len(prefix)] != prefix:
        raise KeyFormatError(
            f"{what} has multicodec prefix 0x{raw[:2].hex()}, expected 0x{prefix.hex()}",
            code="wrong_key_prefix",
        )
    key = raw[len(prefix) :]
    if len(key) != size:
        raise KeyFormatError(
            f"{what} holds {len(key)} key bytes, expected {size}", code="invalid_key_length"
        )
    return key
