"""Regressions found running the W3C vc-di-ecdsa-test-suite against ``POST /credentials/verify``.

A JCS proof (``ecdsa-jcs-2019``, and ``eddsa-jcs-2022`` which shares the algorithm) carries the
``@context`` its document had when it was signed (vc-di-ecdsa 3.3.1 step 2; vc-di-eddsa 3.3.1).
A document may gain contexts afterwards, for a later proof of a proof set or chain: the JCS
"Verify Proof" algorithms (vc-di-ecdsa 3.3.2 step 4, vc-di-eddsa 3.3.2 step 4) check that the
document's ``@context`` starts with the proof's, then verify over the document with the
*proof's* ``@context``, and the proof configuration is the proof options as they are (3.3.5).
microcred used to hash the document's whole ``@context`` into both, so such a proof failed.

The signer below follows the specification's "Create Proof" steps literally, with keys
generated for the run (:mod:`tests.vc.interop_signers`): it shares no code with the verifier.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
import rfc8785

from microcred.vc.data_integrity import verify_proofs
from microcred.vc.multibase import encode_base58btc
from microcred.vc.verifier import VerifyOptions, verify_report
from tests.vc.interop_signers import CURVE_HASH, EcdsaKey, Ed25519Key

VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CREATED = "2024-03-01T12:00:00Z"

#: (cryptosuite, curve): the JCS suites microcred verifies
JCS_CASES = [
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
    ("eddsa-jcs-2022", "Ed25519"),
]
JCS_IDS = [f"{suite}-{curve}" for suite, curve in JCS_CASES]


def _key(curve: str) -> EcdsaKey | Ed25519Key:
    return Ed25519Key() if curve == "Ed25519" else EcdsaKey(curve)


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": "urn:uuid:6a1f2c3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2024-03-01T12:00:00Z",
        "credentialSubject": {"id": "did:example:learner-7", "name": "Ada"},
    }


def _jcs_sign(document: dict[str, Any], cryptosuite: str, key: EcdsaKey | Ed25519Key) -> dict:
    """vc-di-ecdsa / vc-di-eddsa 3.3.1 "Create Proof" (JCS), step by step."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": CREATED,
        "verificationMethod": key.verification_method("did:key"),
        "proofPurpose": "assertionMethod",
    }
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = dict(options)
    if "@context" in unsecured:  # step 2
        proof["@context"] = unsecured["@context"]
    hash_name = CURVE_HASH.get(key.curve, "sha256")  # 3.3.4: the curve's hash; SHA-256 (EdDSA)
    proof_config = rfc8785.dumps(proof)  # 3.3.5: the proof options as they are, JCS
    transformed = rfc8785.dumps(unsecured)  # 3.3.3
    hash_data = (
        hashlib.new(hash_name, proof_config).digest() + hashlib.new(hash_name, transformed).digest()
    )
    proof["proofValue"] = encode_base58btc(key.sign(hash_data))  # 3.3.6, step 6
    signed = copy.deepcopy(document)
    existing = document.get("proof")
    if existing is None:
        signed["proof"] = proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def _with_context_added(signed: dict[str, Any], context: str) -> dict[str, Any]:
    """The signed credential after a context was appended (as for a later proof)."""
    changed = copy.deepcopy(signed)
    changed["@context"] = [*changed["@context"], context]
    return changed


@pytest.mark.parametrize(("cryptosuite", "curve"), JCS_CASES, ids=JCS_IDS)
def test_a_jcs_proof_verifies_after_the_document_gains_a_context(cryptosuite, curve):
    key = _key(curve)
    signed = _jcs_sign(_credential(key.issuer("did:key")), cryptosuite, key)
    assert [r.verified for r in verify_proofs(signed)] == [True]

    extended = _with_context_added(signed, EXAMPLES_V2)
    assert extended["proof"]["@context"] == [VC_V2]
    results = verify_proofs(extended)
    assert [r.verified for r in results] == [True], results[0].error
    assert verify_report(extended, VerifyOptions()).check("proof").outcome == "passed"


@pytest.mark.parametrize(("cryptosuite", "curve"), JCS_CASES, ids=JCS_IDS)
def test_a_jcs_proof_set_whose_second_proof_added_a_context_verifies(cryptosuite, curve):
    first, second = _key(curve), _key(curve)
    document = _credential(first.issuer("did:key"))
    once = _jcs_sign(document, cryptosuite, first)
    twice = _jcs_sign(_with_context_added(once, EXAMPLES_V2), cryptosuite, second)
    assert [p["@context"] for p in twice["proof"]] == [[VC_V2], [VC_V2, EXAMPLES_V2]]
    assert [r.verified for r in verify_proofs(twice)] == [True, True]


@pytest.mark.parametrize(("cryptosuite", "curve"), JCS_CASES, ids=JCS_IDS)
def test_a_jcs_proof_still_covers_the_content_after_a_context_is_added(cryptosuite, curve):
    key = _key(curve)
    extended = _with_context_added(
        _jcs_sign(_credential(key.issuer("did:key")), cryptosuite, key), EXAMPLES_V2
    )
    changed = copy.deepcopy(extended)
    changed["credentialSubject"]["name"] = "Eve"
    [result] = verify_proofs(changed)
    assert not result.verified
    assert result.error is not None and result.error.code == "invalid_signature"


@pytest.mark.parametrize(("cryptosuite", "curve"), JCS_CASES, ids=JCS_IDS)
def test_a_jcs_proof_fails_when_its_context_is_not_the_start_of_the_documents(cryptosuite, curve):
    key = _key(curve)
    signed = _jcs_sign(_credential(key.issuer("did:key")), cryptosuite, key)
    prepended = copy.deepcopy(signed)
    prepended["@context"] = [EXAMPLES_V2, VC_V2]
    [result] = verify_proofs(prepended)
    assert not result.verified
    assert result.error is not None and result.error.code == "context_mismatch"


@pytest.mark.parametrize(("cryptosuite", "curve"), JCS_CASES, ids=JCS_IDS)
def test_a_jcs_proof_fails_when_its_own_context_is_changed(cryptosuite, curve):
    """The proof's ``@context`` is signed (it is in the proof configuration): shortening it to
    a shorter prefix of the document's contexts breaks the signature."""
    key = _key(curve)
    document = _credential(key.issuer("did:key"))
    document["@context"] = [VC_V2, EXAMPLES_V2]
    signed = _jcs_sign(document, cryptosuite, key)
    shortened = copy.deepcopy(signed)
    shortened["proof"]["@context"] = [VC_V2]
    [result] = verify_proofs(shortened)
    assert not result.verified
    assert result.error is not None and result.error.code == "invalid_signature"
