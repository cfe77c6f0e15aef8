"""microcred's credential core: Open Badges 3.0 / W3C Verifiable Credentials, standards-exact.

A plain library (no Django): bundled JSON-LD contexts and an offline document loader, RDFC-1.0
canonicalization, Ed25519 Multikey and RSA keys, did:key and did:web, Data Integrity proofs
(``eddsa-rdfc-2022``, ``eddsa-jcs-2022``), VC-JOSE compact JWS, Open Badges 3.0 and CLR 2.0
models, Bitstring Status Lists, baking, and a verifier that reports every check.

The names below are loaded on first use, so ``import microcred.vc`` stays cheap::

    from microcred.vc import Ed25519Multikey, sign, verify_report
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Ed25519Multikey",
    "RsaKey",
    "DocumentLoader",
    "Resolver",
    "VerifyOptions",
    "Report",
    "canonicalize",
    "sign",
    "sign_jwt",
    "verify",
    "verify_report",
    "verify_proofs",
    "VCError",
    "VCErrorCode",
    "VerificationFailed",
]

_HOMES = {
    "Ed25519Multikey": "keys",
    "RsaKey": "keys",
    "DocumentLoader": "documentloader",
    "Resolver": "did",
    "VerifyOptions": "verifier",
    "Report": "verifier",
    "canonicalize": "jsonld",
    "sign": "data_integrity",
    "sign_jwt": "jose",
    "verify": "verifier",
    "verify_report": "verifier",
    "verify_proofs": "data_integrity",
    "VCError": "errors",
    "VCErrorCode": "errors",
    "VerificationFailed": "errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from .data_integrity import sign, verify_proofs
    from .did import Resolver
    from .documentloader import DocumentLoader
    from .errors import VCError, VCErrorCode, VerificationFailed
    from .jose import sign_jwt
    from .jsonld import canonicalize
    from .keys import Ed25519Multikey, RsaKey
    from .verifier import Report, VerifyOptions, verify, verify_report


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'microcred.vc' has no attribute '{name}'")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
