"""The two steps every proof suite shares before it checks a signature: reading a multibase
``proofValue`` (Data Integrity 1.0, section 2.1) and taking the verification method's key of
the kind the suite needs (a Multikey, or a JsonWebKey such as did:jwk's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..did import VerificationMethod
from ..errors import ProofError
from ..keys import EcdsaPublicMultikey, Ed25519PublicMultikey, PublicKey, public_key_from_jwk
from ..multibase import decode_base58btc

__all__ = ["method_key", "proof_value_signature"]


def proof_value_signature(proof: Mapping[str, Any], lengths: tuple[int, ...], what: str) -> bytes:
    """The signature in ``proofValue`` (``z`` + base58btc), whose length must be one of
    ``lengths``; ``what`` says which, for the error ("an Ed25519 signature has 64 bytes")."""
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("the proof has no proofValue", code="malformed_proof")
    signature = decode_base58btc(value, what="proofValue")
    if len(signature) not in lengths:
        raise ProofError(what, code="malformed_proof")
    return signature


def method_key(
    method: VerificationMethod,
    kind: type[Ed25519PublicMultikey] | type[EcdsaPublicMultikey],
    needed: str,
) -> PublicKey:
    """``method``'s public key when it is a ``kind``; otherwise ``wrong_key_type`` saying what
    was ``needed`` ("an Ed25519 key, which Ed25519Signature2020 needs")."""
    key = public_key_from_jwk(method.key) if isinstance(method.key, Mapping) else method.key
    if not isinstance(key, kind):
        raise ProofError(f"verification method {method.id} is not {needed}",
                         code="wrong_key_type")
    return key
