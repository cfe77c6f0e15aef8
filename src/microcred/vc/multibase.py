"""Multibase and multicodec encodings used by Data Integrity and Multikey.

Only the two bases the specifications use are accepted: base58btc (``z``) for keys and
signatures, and base64url without padding (``u``) for status lists (Multibase draft, section 2).
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

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


_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGITS: Final = {char: value for value, char in enumerate(_ALPHABET)}
_ALPHABET_BYTES: Final = _ALPHABET.encode("ascii")
#: Characters to their digit values in one ``bytes.translate``.
_TO_DIGITS: Final = bytes.maketrans(_ALPHABET_BYTES, bytes(range(58)))
# Base conversion ten digits at a time: one big-number operation per ten characters instead of
# one per character (the ``base58`` package's way, which cost ~20 us per signature); ten
# digits stay below 2**62, a machine integer when compiled (make native).
_CHUNK: Final = 10
_CHUNK_BASE: Final = 58**_CHUNK
_POWERS: Final = [58**size for size in range(_CHUNK + 1)]


def _b58encode(data: bytes) -> str:
    """Bitcoin base58, exactly as ``base58.b58encode``: one ``1`` per leading zero byte."""
    body = data.lstrip(b"\0")
    number = int.from_bytes(body, "big")
    digits: list[str] = []
    while number:
        number, chunk = divmod(number, _CHUNK_BASE)
        for _ in range(_CHUNK):
            chunk, digit = divmod(chunk, 58)
            digits.append(_ALPHABET[digit])
    # The top chunk is padded with zero digits ("1"); a positive number has no leading zero digit.
    return "1" * (len(data) - len(body)) + "".join(reversed(digits)).lstrip("1")


def _b58decode(text: str) -> bytes:
    """Inverse of :func:`_b58encode`, as ``base58.b58decode`` (trailing whitespace ignored,
    ``ValueError`` naming the first character outside the alphabet)."""
    text = text.rstrip()
    raw = text.encode("ascii")  # base58 refuses non-ASCII input the same way
    if raw.translate(None, _ALPHABET_BYTES):
        bad = next(char for char in text if char not in _DIGITS)
        raise ValueError(f"Invalid character {bad!r}")
    body = raw.lstrip(b"1")
    digits = body.translate(_TO_DIGITS)
    number = 0
    size = len(digits)
    start = 0
    while start < size:
        end = min(start + _CHUNK, size)
        value = 0
        for index in range(start, end):
            value = value * 58 + digits[index]
        number = number * _POWERS[end - start] + value
        start = end
    return b"\0" * (len(raw) - len(body)) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_base58btc(data: bytes) -> str:
    return "z" + _b58encode(data)


def decode_base58btc(text: object, *, what: str = "value") -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise KeyFormatError(
            f"{what} must be a multibase base58btc string starting with 'z'",
            code="invalid_multibase",
        )
    try:
        return _b58decode(text[1:])
    except ValueError as exc:
        raise KeyFormatError(
            f"{what} is not valid base58btc: {exc}", code="invalid_multibase"
        ) from None


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: object, *, what: str = "value") -> bytes:
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


def decode_multikey(text: object, *, prefix: bytes, size: int, what: str) -> bytes:
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
