"""Test-only signers for the suites microcred verifies but never signs with.

Written from the specifications, not from microcred's verifiers, so that a test which signs
here and verifies with :mod:`microcred.vc.data_integrity` checks one reading against another:

* ``ecdsa-rdfc-2019`` / ``ecdsa-jcs-2019`` (W3C "Data Integrity ECDSA Cryptosuites v1.0",
  section 3): the proof configuration is the proof options with the document's ``@context``;
  configuration and document are canonicalized (RDFC-1.0 or JCS) and hashed with SHA-256
  (P-256) or SHA-384 (P-384); hashData = hash(configuration) ‖ hash(document) is signed with
  ECDSA and the curve's hash; ``proofValue`` = ``z`` + base58btc(IEEE P1363 ``r ‖ s``). A JCS
  proof carries the document's ``@context`` (section 3.3.1).
* ``Ed25519Signature2020`` (W3C CCG "Ed25519 Signature 2020"): hashData =
  SHA-256(canonical proof options) ‖ SHA-256(canonical document), signed with Ed25519;
  ``proofValue`` = ``z`` + base58btc(signature).
* ``Ed25519Signature2018`` (W3C CCG "Ed25519 Signature 2018", RFC 7797): the same hashData;
  ``jws`` is the detached JWS ``base64url(header)..base64url(signature)`` over
  ``ASCII(base64url(header)) + "." + hashData`` with the header
  ``{"alg":"EdDSA","b64":false,"crit":["b64"]}``.

Only microcred's public pieces are used: :func:`microcred.vc.jsonld.canonicalize` (asked for its
pyld reference path, whereas verification takes the fast path) and the base58btc encoding of
:mod:`microcred.vc.multibase`. Multicodec prefixes come from the multiformats table: ed25519-pub
0xed, p256-pub 0x1200, p384-pub 0x1201 (varint-encoded).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from microcred.vc.jsonld import canonicalize
from microcred.vc.multibase import encode_base58btc

__all__ = [
    "CASES",
    "EcdsaKey",
    "Ed25519Key",
    "Suite",
    "credential",
    "did_jwk",
    "sign",
]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

#: multicodec varints (multiformats table)
_MULTICODEC = {"Ed25519": b"\xed\x01", "P-256": b"\x80\x24", "P-384": b"\x81\x24"}
_EC_CURVES: dict[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
}
#: vc-di-ecdsa 3.2.6: the hash goes with the curve
CURVE_HASH = {"P-256": "sha256", "P-384": "sha384"}
JWS_2018_HEADER = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def did_jwk(jwk: Mapping[str, Any]) -> str:
    """W3C CCG did:jwk, section 2.1: ``did:jwk:`` + base64url(UTF-8 JSON of the public JWK)."""
    return "did:jwk:" + b64url(json.dumps(dict(jwk), separators=(",", ":")).encode("utf-8"))


class _Named:
    """The two ways to name a key: did:key (fragment = the multibase) and did:jwk (``#0``)."""

    multibase: str
    jwk: dict[str, str]

    def issuer(self, method: str) -> str:
        return f"did:key:{self.multibase}" if method == "did:key" else did_jwk(self.jwk)

    def verification_method(self, method: str) -> str:
        did = self.issuer(method)
        return f"{did}#{self.multibase}" if method == "did:key" else f"{did}#0"


@dataclass
class Ed25519Key(_Named):
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    curve: str = "Ed25519"

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def multibase(self) -> str:
        return encode_base58btc(_MULTICODEC["Ed25519"] + self.public_bytes)

    @property
    def jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_bytes)}

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


@dataclass
class EcdsaKey(_Named):
    curve: str = "P-256"
    private: ec.EllipticCurvePrivateKey = field(init=False)

    def __post_init__(self) -> None:
        self.private = ec.generate_private_key(_EC_CURVES[self.curve][0])

    @property
    def size(self) -> int:
        return _EC_CURVES[self.curve][1]

    @property
    def multibase(self) -> str:
        compressed = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        return encode_base58btc(_MULTICODEC[self.curve] + compressed)

    @property
    def jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": self.curve,
            "x": b64url(numbers.x.to_bytes(self.size, "big")),
            "y": b64url(numbers.y.to_bytes(self.size, "big")),
        }

    def sign(self, message: bytes, hash_name: str | None = None) -> bytes:
        """IEEE P1363 ``r ‖ s``, each padded to the curve's size."""
        name = hash_name or CURVE_HASH[self.curve]
        algorithm = hashes.SHA384() if name == "sha384" else hashes.SHA256()
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(algorithm)))
        return r.to_bytes(self.size, "big") + s.to_bytes(self.size, "big")


Key = Ed25519Key | EcdsaKey


@dataclass(frozen=True)
class Suite:
    """One suite and the key type it signs with; ``id`` names it in test ids."""

    proof_type: str
    cryptosuite: str | None
    curve: str

    @property
    def id(self) -> str:
        return f"{self.cryptosuite or self.proof_type}-{self.curve}"

    def new_key(self) -> Key:
        return Ed25519Key() if self.curve == "Ed25519" else EcdsaKey(self.curve)

    @property
    def context(self) -> list[str]:
        if self.proof_type == "Ed25519Signature2018":
            # VC 1.1 defines Ed25519Signature2018; Data Integrity v2 is there from the start so
            # that adding microcred's own proof later leaves the context (and this proof) as is
            return [VC_V1, EXAMPLES_V2, DATA_INTEGRITY_V2]
        if self.proof_type == "Ed25519Signature2020":
            return [VC_V2, EXAMPLES_V2, ED25519_2020_CONTEXT]
        return [VC_V2, EXAMPLES_V2]


CASES = (
    Suite("DataIntegrityProof", "ecdsa-rdfc-2019", "P-256"),
    Suite("DataIntegrityProof", "ecdsa-rdfc-2019", "P-384"),
    Suite("DataIntegrityProof", "ecdsa-jcs-2019", "P-256"),
    Suite("DataIntegrityProof", "ecdsa-jcs-2019", "P-384"),
    Suite("Ed25519Signature2020", None, "Ed25519"),
    Suite("Ed25519Signature2018", None, "Ed25519"),
)


def credential(suite: Suite, issuer: str) -> dict[str, Any]:
    """A small credential in the shape the suite's issuers use (VC 1.1 for the 2018 suite)."""
    document: dict[str, Any] = {
        "@context": list(suite.context),
        "id": "urn:uuid:0c07c1ce-3a4d-4f5b-9e3e-2d1a5b6c7d8e",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A credential signed in the test with a freshly generated key.",
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner-7", "alumniOf": "The School of Tests"},
    }
    if suite.proof_type == "Ed25519Signature2018":
        document["issuanceDate"] = "2024-03-01T12:00:00Z"
    else:
        document["validFrom"] = "2024-03-01T12:00:00Z"
    return document


def _hash(name: str, text: str) -> bytes:
    return hashlib.new(name, text.encode("utf-8")).digest()


def hash_data(
    suite: Suite,
    unsecured: Mapping[str, Any],
    options: Mapping[str, Any],
    hash_name: str | None = None,
) -> bytes:
    """hash(canonical proof configuration) ‖ hash(canonical document), per the suite's spec."""
    config = {k: v for k, v in options.items() if k not in ("proofValue", "jws")}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    name = hash_name or CURVE_HASH.get(suite.curve, "sha256")
    if suite.cryptosuite == "ecdsa-jcs-2019":
        canonical_config = rfc8785.dumps(config).decode("utf-8")
        canonical_document = rfc8785.dumps(dict(unsecured)).decode("utf-8")
    else:
        # ecdsa-rdfc-2019 gives RDFC-1.0 the curve's hash too (vc-di-ecdsa 3.2.4: SHA-384 for
        # P-384); the Ed25519 suites use RDFC-1.0's default, SHA-256.
        rdfc_hash = name if suite.cryptosuite == "ecdsa-rdfc-2019" else "sha256"
        canonical_config = canonicalize(config, reference=True, hash_algorithm=rdfc_hash)
        canonical_document = canonicalize(unsecured, reference=True, hash_algorithm=rdfc_hash)
    return _hash(name, canonical_config) + _hash(name, canonical_document)


def sign(
    document: Mapping[str, Any],
    suite: Suite,
    key: Key,
    *,
    verification_method: str,
    created: str = "2024-03-01T12:00:00Z",
    proof_purpose: str = "assertionMethod",
    hash_name: str | None = None,
    signature_hash_name: str | None = None,
) -> dict[str, Any]:
    """``document`` with a proof of ``suite`` by ``key`` added (a proof set if it had proofs).

    ``hash_name`` / ``signature_hash_name`` replace the curve's hash in hashData / in ECDSA
    signing, to make proofs a verifier must refuse.
    """
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {"type": suite.proof_type}
    if suite.cryptosuite:
        options["cryptosuite"] = suite.cryptosuite
    options.update(
        created=created, verificationMethod=verification_method, proofPurpose=proof_purpose
    )
    if suite.cryptosuite == "ecdsa-jcs-2019" and "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    data = hash_data(suite, unsecured, options, hash_name)
    if suite.proof_type == "Ed25519Signature2018":
        assert isinstance(key, Ed25519Key)
        header = b64url(json.dumps(JWS_2018_HEADER, separators=(",", ":")).encode("utf-8"))
        signature = key.sign(header.encode("ascii") + b"." + data)
        proof = {**options, "jws": f"{header}..{b64url(signature)}"}
    elif isinstance(key, EcdsaKey):
        signature = key.sign(data, signature_hash_name or hash_name)
        proof = {**options, "proofValue": encode_base58btc(signature)}
    else:
        proof = {**options, "proofValue": encode_base58btc(key.sign(data))}
    existing = document.get("proof")
    signed = copy.deepcopy(dict(document))
    if existing is None:
        signed["proof"] = proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def sign_vc_jwt(credential: Mapping[str, Any], key: Key, *, alg: str, kid: str) -> str:
    """A VC-JOSE-COSE credential as RFC 7515 compact JWS (``typ`` ``vc+jwt``, the credential as
    the payload), signed here without microcred's code: ES256/ES384 over the signing input with
    the curve's hash, ``r ‖ s`` (RFC 7518 §3.4); EdDSA with Ed25519 (RFC 8037)."""
    header = {"alg": alg, "typ": "vc+jwt", "kid": kid}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(dict(credential), separators=(",", ":")).encode())
    )
    signature = key.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)
