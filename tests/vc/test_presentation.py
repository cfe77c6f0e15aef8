"""Presentations: challenge and domain in the proof options (Data Integrity 1.0, 2.1 and 4.3),
the holder's signature, and every credential inside checked."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from microcred.vc.data_integrity import create_proof, hash_input, sign, verify, verify_proofs
from microcred.vc.errors import InputError, ProofError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.presentation import present, verify_presentation
from microcred.vc.verifier import MESSAGES

from .test_cli import run


@pytest.fixture
def holder() -> Ed25519Multikey:
    return Ed25519Multikey.generate(bytes(range(1, 33)))


@pytest.fixture
def credential(badge: dict[str, Any], issuer_key: Ed25519Multikey) -> dict[str, Any]:
    return sign(badge, key=issuer_key)


def _codes(report: Any) -> dict[str, str]:
    return {c.name: c.code for c in report.checks}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_challenge_and_domain_are_signed_proof_options(
    credential: dict[str, Any], holder: Ed25519Multikey, suite: str
) -> None:
    vp = present([credential], key=holder, challenge="n-1", domain="verifier.example",
                 cryptosuite=suite)
    proof = vp["proof"]
    assert proof["proofPurpose"] == "authentication"
    assert (proof["challenge"], proof["domain"]) == ("n-1", "verifier.example")
    # They are in the proof configuration that is hashed...
    unsecured = {k: v for k, v in vp.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    config = hash_input(unsecured, options).canonical_proof_config
    assert "n-1" in config and "verifier.example" in config
    # ...so changing either breaks the signature.
    for name in ("challenge", "domain"):
        changed = {**vp, "proof": {**proof, name: "other"}}
        [result] = verify_proofs(changed, expected_purpose="authentication")
        assert not result.verified and result.error and result.error.code == "invalid_signature"
    verify(vp, expected_purpose="authentication", expected_challenge="n-1",
           expected_domain="verifier.example")


def test_expected_challenge_missing_or_different_fails_with_a_code(
    credential: dict[str, Any], holder: Ed25519Multikey
) -> None:
    without = present([credential], key=holder)
    with pytest.raises(ProofError) as missing:
        verify(without, expected_purpose="authentication", expected_challenge="n-1")
    assert missing.value.code == "missing_challenge"
    signed = present([credential], key=holder, challenge="n-1")
    with pytest.raises(ProofError) as different:
        verify(signed, expected_purpose="authentication", expected_challenge="n-2")
    assert different.value.code == "invalid_challenge"
    # Not expected: not checked (the value is still covered by the signature).
    verify(signed, expected_purpose="authentication")


def test_domain_may_be_a_string_or_a_set(
    credential: dict[str, Any], holder: Ed25519Multikey
) -> None:
    several = present([credential], key=holder, challenge="n", domain=["a.example", "b.example"])
    assert several["proof"]["domain"] == ["a.example", "b.example"]
    for expected in ("a.example", "b.example", ["z.example", "b.example"]):
        verify(several, expected_purpose="authentication", expected_domain=expected)
    with pytest.raises(ProofError) as other:
        verify(several, expected_purpose="authentication", expected_domain="c.example")
    assert other.value.code == "invalid_domain"
    plain = present([credential], key=holder, challenge="n")
    with pytest.raises(ProofError) as missing:
        verify(plain, expected_purpose="authentication", expected_domain="a.example")
    assert missing.value.code == "missing_domain"


@pytest.mark.parametrize("bad", [{"challenge": ""}, {"domain": []}, {"domain": [""]},
                                 {"domain": 7}])
def test_malformed_options_are_refused(holder: Ed25519Multikey, bad: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        create_proof({"@context": ["https://www.w3.org/ns/credentials/v2"],
                      "type": ["VerifiablePresentation"]}, key=holder,
                     proof_purpose="authentication", **bad)


def test_verify_presentation_reports_each_check(
    credential: dict[str, Any], holder: Ed25519Multikey
) -> None:
    vp = present([credential], key=holder, challenge="n-1", domain="v.example")
    report = verify_presentation(vp, expected_challenge="n-1", expected_domain="v.example")
    assert report.verdict == "passed"
    assert _codes(report) == {"format": "format.presentation",
                              "schema": "schema.presentation_valid", "proof": "proof.valid",
                              "holder": "holder.valid", "credentials": "credentials.valid_one"}
    assert [r.verdict for r in report.credentials] == ["passed"]
    for check in report.checks:
        assert check.message == MESSAGES[check.code] % dict(check.params)
        assert set(re.findall(r"%\((\w+)\)s", MESSAGES[check.code])) == set(check.params)

    replayed = verify_presentation(vp, expected_challenge="n-2")
    assert replayed.verdict == "failed"
    assert _codes(replayed)["proof"] == "proof.challenge_mismatch"
    assert replayed.check("proof").params == {"challenge": "n-2"}  # type: ignore[union-attr]
    assert _codes(verify_presentation(vp, expected_domain="w.example"))["proof"] == \
        "proof.domain_mismatch"
    unsigned = {k: v for k, v in vp.items() if k != "proof"}
    assert _codes(verify_presentation(unsigned))["format"] == "format.presentation_unsigned"
    assert verify_presentation(unsigned).verdict == "passed"
    refused = verify_presentation(unsigned, expected_challenge="n-1")
    assert _codes(refused)["proof"] == "proof.presentation_missing"


def test_holder_must_have_signed(credential: dict[str, Any], holder: Ed25519Multikey) -> None:
    impostor = present([credential], key=Ed25519Multikey.generate(), holder=holder.did,
                       challenge="n")
    report = verify_presentation(impostor, expected_challenge="n")
    assert _codes(report)["holder"] == "holder.mismatch" and report.verdict == "failed"


def test_a_bad_credential_inside_fails_the_presentation(
    credential: dict[str, Any], holder: Ed25519Multikey
) -> None:
    forged = copy.deepcopy(credential)
    forged["name"] = "Forged"
    report = verify_presentation(present([credential, forged], key=holder, challenge="n"),
                                 expected_challenge="n")
    assert report.verdict == "failed"
    check = report.check("credentials")
    assert check is not None and check.code == "credentials.failed"
    assert check.params == {"count": 1, "total": 2} and check.details["credentials"] == [2]
    assert [r.verdict for r in report.credentials] == ["passed", "failed"]


def test_a_jws_credential_is_enveloped(holder: Ed25519Multikey, badge: dict[str, Any],
                                       issuer_key: Ed25519Multikey) -> None:
    from microcred.vc.jose import sign_jwt

    token = sign_jwt(badge, key=issuer_key)
    vp = present([token], key=holder, challenge="n")
    [enveloped] = vp["verifiableCredential"]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    assert enveloped["id"] == "data:application/vc+jwt," + token
    report = verify_presentation(vp, expected_challenge="n")
    assert report.verdict == "passed", [(c.name, c.message) for c in report.checks]
    assert report.credentials[0].carrier == "jwt"


def test_not_a_presentation(credential: dict[str, Any]) -> None:
    report = verify_presentation(credential)
    assert _codes(report) == {"format": "format.not_a_presentation"}
    assert report.verdict == "failed"


def test_cli_present_and_verify_presentation(tmp_path: Path, credential: dict[str, Any],
                                             holder: Ed25519Multikey) -> None:
    key = tmp_path / "holder.json"
    key.write_text(json.dumps(holder.to_json()))
    vc = tmp_path / "vc.json"
    vc.write_text(json.dumps(credential))
    made = run("present", "--key", str(key), "--challenge", "n-9", "--domain", "a.example",
               "--domain", "b.example", "--id", "urn:uuid:vp-1", str(vc))
    assert made.returncode == 0, made.stderr
    vp = json.loads(made.stdout)
    assert vp["id"] == "urn:uuid:vp-1" and vp["holder"] == holder.did
    assert vp["proof"]["domain"] == ["a.example", "b.example"]
    path = tmp_path / "vp.json"
    path.write_text(made.stdout.decode())
    ok = run("verify-presentation", "--challenge", "n-9", "--domain", "b.example", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert b"PASSED" in ok.stdout
    wrong = run("verify-presentation", "--json", "--challenge", "n-8", str(path))
    assert wrong.returncode == 1
    body = json.loads(wrong.stdout)
    assert body["verdict"] == "failed" and body["credentials"][0]["verdict"] == "passed"
    rsa = tmp_path / "rsa.json"
    assert run("keygen", "--type", "rsa", str(rsa)).returncode == 0
    assert run("present", "--key", str(rsa), str(vc)).returncode == 2


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/examples/v2"]}, "$['@context'][0]"),
        ({"holder": {"name": "Acme"}}, "$.holder.id"),
        ({"holder": "not a url"}, "$.holder"),
        ({"verifiableCredential": ["abc"]}, "$.verifiableCredential[0]"),
    ],
)
def test_a_presentation_that_breaks_the_data_model_is_not_verified(
    credential: dict[str, Any], change: dict[str, Any], path: str
) -> None:
    """VC Data Model 2.0 §4.13 (the W3C VC 2.0 suite's presentation fixtures): the
    presentation's own structure decides, like a credential's data-model rules."""
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"], "verifiableCredential": [credential], **change}
    report = verify_presentation(vp)
    schema = report.check("schema")
    assert schema is not None and schema.code == "schema.presentation_problems"
    assert path in {p["path"] for p in schema.details["problems"]}
    assert report.malformed and report.verdict == "failed"
