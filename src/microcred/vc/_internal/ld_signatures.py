"""Verifying the Linked Data Signatures suites that came before Data Integrity.

Credentials issued before the W3C cryptosuites (Digital Credentials Consortium, many wallets)
carry one of two W3C CCG suites; microcred verifies them and never signs with them:

* ``Ed25519Signature2020`` (W3C CCG "Ed25519 Signature 2020", section 4): ``proofValue`` is
  ``z`` + base58btc(Ed25519 signature over hashData);
* ``Ed25519Signature2018`` (W3C CCG "Ed25519 Signature 2018", with RFC 7797): ``jws`` is a
  detached JWS with the protected header ``{"alg":"EdDSA","b64":false,"crit":["b64"]}``; the
  signed bytes are ASCII(base64url(header)) + ``.`` + hashData (RFC 7797, section 3).

Both hash as the jsonld-signatures library does (``createVerifyData``): the proof options are
the proof without its signature (``proofValue``/``jws``/``signatureValue``) with the document's
``@context``; options and document (without ``proof``) are canonicalized with URDNA2015, which
is RDFC-1.0, and hashData = SHA-256(canonical options) ‖ SHA-256(canonical document).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..did import VerificationMethod
from ..documentloader import DocumentLoader
from ..errors import ProofError
from ..jsonld import canonicalize
from ..keys import Ed25519PublicMultikey, PublicKey
from .proof_values import method_key, proof_value_signature

__all__ = ["PROOF_TYPES", "Ed25519Signature2018", "Ed25519Signature2020"]

PROOF_TYPES = ("Ed25519Signature2020", "Ed25519Signature2018")
_SIGNATURE_KEYS = ("proofValue", "jws", "signatureValue", "@context")
#: The only header an Ed25519Signature2018 ``jws`` may have (RFC 7797 unencoded payload).
_JWS_HEADER = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}


def hash_data(
    unsecured: Mapping[str, Any], proof: Mapping[str, Any], loader: DocumentLoader | None
) -> bytes:
    """SHA-256(canonical proof options) ‖ SHA-256(canonical document)."""
    options = {k: v for k, v in proof.items() if k not in _SIGNATURE_KEYS}
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    return (
        hashlib.sha256(canonicalize(options, loader=loader).encode("utf-8")).digest()
        + hashlib.sha256(canonicalize(unsecured, loader=loader).encode("utf-8")).digest()
    )


class Ed25519Signature2020:
    name = "Ed25519Signature2020"

    def signature(self, proof: Mapping[str, Any]) -> bytes:
        return proof_value_signature(proof, (64,), "an Ed25519 signature has 64 bytes")

    def public_key(self, method: VerificationMethod) -> PublicKey:
        return method_key(method, Ed25519PublicMultikey, f"an Ed25519 key, which {self.name} needs")

    def verify(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        key: PublicKey,
        signature: bytes,
        loader: DocumentLoader | None,
    ) -> bool:
        return key.verify(signature, hash_data(unsecured, proof, loader))


def _unb64(text: str) -> bytes:
    if "=" in text:
        raise ValueError("padded base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Ed25519Signature2018:
    name = "Ed25519Signature2018"

    def signature(self, proof: Mapping[str, Any]) -> bytes:
        """The signature of the detached ``jws``, after checking its header is the suite's."""
        value = proof.get("jws")
        if not isinstance(value, str):
            raise ProofError("the proof has no jws", code="malformed_proof")
        parts = value.split(".")
        if len(parts) != 3 or parts[1] != "":
            raise ProofError(
                "the proof's jws is not a detached JWS (header..signature)", code="malformed_proof"
            )
        try:
            header = json.loads(_unb64(parts[0]))
            signature = _unb64(parts[2])
        except (binascii.Error, ValueError, RecursionError):
            raise ProofError(
                "the proof's jws is not base64url JSON", code="malformed_proof"
            ) from None
        if json.dumps(header, sort_keys=True) != json.dumps(_JWS_HEADER, sort_keys=True):
            raise ProofError(
                'the jws header must be {"alg":"EdDSA","b64":false,"crit":["b64"]}',
                code="malformed_proof",
            )
        if len(signature) != 64:
            raise ProofError("an Ed25519 signature has 64 bytes", code="malformed_proof")
        return signature

    def public_key(self, method: VerificationMethod) -> PublicKey:
        return method_key(method, Ed25519PublicMultikey, f"an Ed25519 key, which {self.name} needs")

    def verify(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        key: PublicKey,
        signature: bytes,
        loader: DocumentLoader | None,
    ) -> bool:
        header_b64 = str(proof["jws"]).split(".", 1)[0]
        signed = header_b64.encode("ascii") + b"." + hash_data(unsecured, proof, loader)
        return key.verify(signature, signed)
