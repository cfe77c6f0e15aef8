"""Sealing secrets at rest: AES-256-GCM under keys derived from the deployment's SECRET_KEY.

Whatever the platform keeps secret in its database or hands out sealed (issuer signing keys,
two-factor secrets, sign-up links) is sealed here, so a database dump alone reveals none of it.

- **One key per purpose.** Each :class:`Purpose` has its own key: HKDF-SHA256 (RFC 5869) of
  ``SECRET_KEY`` with the purpose in ``info``, which RFC 5869 §3.2 provides for binding a derived
  key to its use. A blob sealed for one purpose does not open for another, and a key recovered
  for one purpose (a sign-up link is handed to anyone who asks for one) says nothing about the
  others.
- **One value per row.** Each value is sealed with a fresh 96-bit nonce (NIST SP 800-38D §8.2.2)
  and ``associated_data`` naming what it belongs to (an issuer key's public key, a person's id),
  so a sealed value cannot be copied onto another row.
- **Formats.** ``v2:`` blobs are sealed with the purpose's key. ``v1:`` blobs (sealed before
  there were purposes, by ``issuance.key_sealing``) were all sealed under one key; they still
  open, for any purpose, so nothing stored before is lost, and the data migrations
  ``issuance 0008`` and ``accounts 0005`` re-seal the stored ones (:func:`reseal`).

This module sits at the bottom of the platform, with the settings and the errors: it imports
nothing else of microcred, so every app can seal.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from microcred.errors import MicrocredError

__all__ = ["Purpose", "SealError", "is_current", "reseal", "reseal_legacy", "reseal_rows", "seal",
           "unseal"]

_PREFIX = "v2:"
_SALT = b"microcred.sealing"
_INFO = "microcred sealing v2 {purpose}"
_NONCE_BYTES = 12

# The format before purposes: one key for everything.
_LEGACY_PREFIX = "v1:"
_LEGACY_SALT = b"microcred.issuance.key_sealing"
_LEGACY_INFO = b"microcred issuer key sealing v1"


class Purpose(StrEnum):
    """What a sealed value is; each has its own key."""

    #: An organization's Ed25519 signing key (``issuance.IssuerKey.sealed_secret``).
    ISSUER_KEY = "issuer-key"
    #: A person's TOTP secret (``accounts.TwoFactorDevice.sealed_secret``).
    TOTP_SECRET = "totp-secret"  # noqa: S105 (a purpose's name, not a secret)
    #: A pending sign-up carried in the emailed link (``accounts.services.sign_up_request``).
    SIGN_UP_LINK = "sign-up-link"


class SealError(MicrocredError):
    code = "key_unsealing_failed"
    http_status = 500


def _key(purpose: Purpose, secret_key: str | None) -> bytes:
    material = (secret_key or settings.SECRET_KEY).encode("utf-8")
    info = _INFO.format(purpose=Purpose(purpose).value).encode("ascii")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(material)


def _legacy_key(secret_key: str | None) -> bytes:
    material = (secret_key or settings.SECRET_KEY).encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_LEGACY_SALT,
                info=_LEGACY_INFO).derive(material)


def _sealed(key: bytes, prefix: str, plaintext: str, associated_data: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    box = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), associated_data.encode("utf-8"))
    return prefix + base64.urlsafe_b64encode(nonce + box).decode("ascii")


def seal(plaintext: str, *, purpose: Purpose, associated_data: str,
         secret_key: str | None = None) -> str:
    """``plaintext`` sealed for ``purpose``, bound to ``associated_data``: a ``v2:`` blob."""
    return _sealed(_key(purpose, secret_key), _PREFIX, plaintext, associated_data)


def unseal(sealed: str, *, purpose: Purpose, associated_data: str,
           secret_key: str | None = None) -> str:
    """The plaintext of a blob sealed for ``purpose`` and ``associated_data`` (or of a ``v1:``
    blob from before purposes); :class:`SealError` otherwise."""
    if sealed.startswith(_PREFIX):
        key, body = _key(purpose, secret_key), sealed[len(_PREFIX):]
    elif sealed.startswith(_LEGACY_PREFIX):
        key, body = _legacy_key(secret_key), sealed[len(_LEGACY_PREFIX):]
    else:
        raise SealError("The sealed value has an unknown format.")
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:],
                                    associated_data.encode("utf-8"))
    except (InvalidTag, ValueError):  # ValueError: not base64, not ASCII
        raise SealError(
            f"The sealed value ({Purpose(purpose).value}) cannot be decrypted: it was sealed for "
            "something else, or SECRET_KEY differs from the one it was sealed with."
        ) from None
    return plain.decode("utf-8")


def is_current(sealed: str) -> bool:
    """Whether ``sealed`` is in the current format (sealed with its purpose's key)."""
    return sealed.startswith(_PREFIX)


def reseal(sealed: str, *, purpose: Purpose, associated_data: str,
           secret_key: str | None = None) -> str:
    """``sealed`` in the current format: a ``v1:`` blob opened and sealed again for
    ``purpose``; a current one as it is. :class:`SealError` when it cannot be opened."""
    if is_current(sealed):
        return sealed
    plaintext = unseal(sealed, purpose=purpose, associated_data=associated_data,
                       secret_key=secret_key)
    return seal(plaintext, purpose=purpose, associated_data=associated_data,
                secret_key=secret_key)


def reseal_legacy(sealed: str, *, purpose: Purpose, associated_data: str,
                  secret_key: str | None = None) -> str:
    """``sealed`` back in the ``v1:`` format, for the data migrations' way back (the code before
    purposes reads only that); a ``v1:`` blob as it is."""
    if sealed.startswith(_LEGACY_PREFIX):
        return sealed
    plaintext = unseal(sealed, purpose=purpose, associated_data=associated_data,
                       secret_key=secret_key)
    return _sealed(_legacy_key(secret_key), _LEGACY_PREFIX, plaintext, associated_data)


def reseal_rows(rows: Any, *, purpose: Purpose, key_field: str,
                associated_data: Callable[[Any], str],
                change: Callable[..., str] = reseal) -> int:
    """Each row's ``sealed_secret`` passed through ``change`` (:func:`reseal` on the way
    forward, :func:`reseal_legacy` on the way back), bound to ``associated_data(row's
    key_field)``; for the data migrations. A value that cannot be opened (sealed under another
    ``SECRET_KEY``) is left as it is: it was unreadable before and stays so. How many changed."""
    changed = 0
    for pk, sealed, key in rows.values_list("pk", "sealed_secret", key_field):
        try:
            again = change(sealed, purpose=purpose, associated_data=associated_data(key))
        except SealError:
            continue
        if again != sealed:
            rows.filter(pk=pk).update(sealed_secret=again)
            changed += 1
    return changed
