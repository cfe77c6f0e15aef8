"""The W3C vc-di-eddsa test vectors: every intermediate and the published signature, exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.vc.data_integrity import create_proof, hash_input, verify_proofs
from microcred.vc.verifier import VerifyOptions, verify_report

from .conftest import read_json

CASES = [
    # (suite, folder, suffix, unsigned document)
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt", "unsigned.json"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS", "unsigned.json"),
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022/employ", "DataInt", "employmentAuth.json"),
]


def _text(path: Path) -> str:
    return path.read_text("utf-8")


@pytest.mark.parametrize(("suite", "folder", "suffix", "unsigned"), CASES)
def test_signing_reproduces_every_intermediate(
    vectors, examples_loader, vector_key, suite, folder, suffix, unsigned
):
    folder_path = vectors / folder
    document = read_json(vectors / unsigned)
    config = read_json(folder_path / f"proofConfig{suffix}.json")
    options = {k: v for k, v in config.items() if k != "@context"}

    hashed = hash_input(document, options, loader=examples_loader)

    assert hashed.canonical_document == _text(folder_path / f"canonDoc{suffix}.txt")
    assert hashed.canonical_proof_config == _text(folder_path / f"proofCanon{suffix}.txt")
    assert hashed.document_hash.hex() == _text(folder_path / f"docHash{suffix}.txt").strip()
    assert hashed.proof_config_hash.hex() == _text(folder_path / f"proofHash{suffix}.txt").strip()
    assert hashed.hash_data.hex() == _text(folder_path / f"combinedHash{suffix}.txt").strip()

    proof = create_proof(
        document,
        key=vector_key,
        cryptosuite=suite,
        created=config["created"],
        verification_method=config["verificationMethod"],
        loader=examples_loader,
    )
    assert (
        vector_key.sign(hashed.hash_data).hex()
        == _text(folder_path / f"sigHex{suffix}.txt").strip()
    )
    assert proof["proofValue"] == _text(folder_path / f"sigBTC58{suffix}.txt").strip()
    assert proof == read_json(folder_path / f"signed{suffix}.json")["proof"]


SIGNED = [
    "eddsa-rdfc-2022/signedDataInt.json",
    "eddsa-jcs-2022/signedJCS.json",
    "eddsa-rdfc-2022/employ/signedDataInt.json",
    "proof-set-chain/signedProofSet1.json",
    "proof-set-chain/signedProofSet2.json",
    "proof-set-chain/signedProofChain1.json",
    "proof-set-chain/signedProofChain2.json",
]


@pytest.mark.parametrize("name", SIGNED)
def test_signed_vectors_verify(vectors, examples_loader, name):
    document = read_json(vectors / name)
    results = verify_proofs(document, loader=examples_loader)
    assert results and all(r.verified for r in results), [r.message for r in results]


@pytest.mark.parametrize("name", SIGNED[:2] + SIGNED[3:])
def test_report_shows_proof_passed_but_issuer_unconfirmed(vectors, examples_loader, name):
    """The vectors' issuer is an example URL, not the key's controller: nothing ties the key to
    it, so the issuer is unconfirmed (unknown), and exactly that is shown."""
    report = verify_report((vectors / name).read_bytes(), VerifyOptions(loader=examples_loader))
    outcomes = {check.name: check.outcome for check in report.checks}
    assert outcomes["format"] == "passed"
    assert outcomes["proof"] == "passed"
    assert outcomes["issuer"] == "unknown"
    assert report.check("issuer").code == "issuer.key_only"
    assert "https://vc.example/issuers/5678" in report.check("issuer").message
    assert outcomes["validity"] == "passed"
    assert report.verdict == "unknown"
    assert report.answers["authentic"] == "unknown"


def test_any_change_to_a_signed_vector_breaks_its_proof(vectors, examples_loader):
    document = read_json(vectors / "eddsa-rdfc-2022" / "signedDataInt.json")
    document["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    [result] = verify_proofs(document, loader=examples_loader)
    assert not result.verified
    assert result.error.code == "invalid_signature"


def test_the_jcs_proof_also_covers_key_order_insensitively(vectors):
    """JCS sorts keys, so reformatting the JSON does not break the proof."""
    document = read_json(vectors / "eddsa-jcs-2022" / "signedJCS.json")
    reordered = json.loads(json.dumps(document, sort_keys=True, indent=4))
    assert all(r.verified for r in verify_proofs(reordered))
