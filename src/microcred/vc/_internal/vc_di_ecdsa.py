"""Verifying ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` (W3C Data Integrity ECDSA Cryptosuites 1.0).

microcred verifies these proofs (it signs with EdDSA only). The algorithms (sections 3.2, 3.3):

1. the proof configuration is the proof without ``proofValue``, with the document's ``@context``
   (``ecdsa-rdfc-2019``, 3.2.5); a JCS proof that carries its own ``@context`` is verified over
   the document with that ``@context``, which the proof configuration keeps (3.3.2 step 4, 3.3.5;
   the caller has checked that the document's contexts start with it);
2. proof configuration and document are canonicalized, with RDFC-1.0 (``ecdsa-rdfc-2019``,
   3.2.4) or JCS (``ecdsa-jcs-2019``, 3.3.4);
3. each is hashed with the curve's hash, SHA-256 for P-256 and SHA-384 for P-384 (3.2.6), and
   ``hashData`` = hash(proof configuration) ‖ hash(document);
4. ``proofValue`` is ``z`` + base58btc of the IEEE P1363 signature ``r ‖ s`` over ``hashData``
   (3.2.7), checked with the key of a P-256/P-384 Multikey (2.1.1).

``ecdsa-sd-2023`` (selective disclosure) is a different algorithm and is refused by the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785

from ..did import VerificationMethod
from ..documentloader import DocumentLoader
from ..errors import InputError
from ..jsonld import canonicalize
from ..keys import EcdsaPublicMultikey, PublicKey
from .proof_values import method_key, proof_value_signature

__all__ = ["CRYPTOSUITES", "EcdsaSuite"]

CRYPTOSUITES = ("ecdsa-rdfc-2019", "ecdsa-jcs-2019")
_HASHES = {"P-256": "sha256", "P-384": "sha384"}


def _jcs(value: Mapping[str, Any]) -> str:
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InputError(f"cannot canonicalize with JCS: {exc}", code="jcs_error") from None


class EcdsaSuite:
    """One of the two ECDSA cryptosuites; the caller has checked ``proof`` names it."""

    def __init__(self, cryptosuite: str) -> None:
        assert cryptosuite in CRYPTOSUITES
        self.name = cryptosuite

    def signature(self, proof: Mapping[str, Any]) -> bytes:
        return proof_value_signature(
            proof, (64, 96), "an ECDSA signature (r ‖ s) has 64 bytes (P-256) or 96 bytes (P-384)"
        )

    def public_key(self, method: VerificationMethod) -> PublicKey:
        return method_key(
            method, EcdsaPublicMultikey, f"a P-256 or P-384 key, which {self.name} needs"
        )

    def hash_data(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        curve: str,
        loader: DocumentLoader | None,
    ) -> bytes:
        """hash(proof configuration) ‖ hash(document) with the curve's hash (3.2.4-3.2.6).

        A JCS proof with an ``@context`` was made before the document gained any later
        contexts (a proof set or chain adds them): 3.3.2 step 4 sets the document's
        ``@context`` to the proof's, and 3.3.5 takes the proof options as they are. A JCS
        proof without one comes from a signer older than the Recommendation, whose proof
        configuration took the document's ``@context`` as ``ecdsa-rdfc-2019``'s does.
        """
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        if self.name == "ecdsa-jcs-2019" and "@context" in proof:
            unsecured = {**unsecured, "@context": proof["@context"]}
        elif "@context" in unsecured:
            config["@context"] = unsecured["@context"]
        algorithm = _HASHES[curve]
        if self.name == "ecdsa-rdfc-2019":
            # RDFC-1.0 labels blank nodes with the curve's hash too: SHA-384 for P-384 (3.3.2,
            # "specified via the RDFC-1.0 hash algorithm parameter"). With SHA-256 the labels
            # of a document with several blank nodes differ and the signature cannot match.
            canonical_config = canonicalize(config, loader=loader, hash_algorithm=algorithm)
            canonical_document = canonicalize(unsecured, loader=loader, hash_algorithm=algorithm)
        else:
            canonical_config, canonical_document = _jcs(config), _jcs(unsecured)
        return (
            hashlib.new(algorithm, canonical_config.encode("utf-8")).digest()
            + hashlib.new(algorithm, canonical_document.encode("utf-8")).digest()
        )

    def verify(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        key: PublicKey,
        signature: bytes,
        loader: DocumentLoader | None,
    ) -> bool:
        assert isinstance(key, EcdsaPublicMultikey)
        return key.verify(signature, self.hash_data(unsecured, proof, key.curve, loader))
