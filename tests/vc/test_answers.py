"""The three answers a verifier gives separately (issue 24, item 3): is it authentic, is it valid
now, does it conform. The verdict follows the first two; a conformance problem is shown with the
specification section it breaks and never makes a credential "not verified"."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.verifier import VerifyOptions, verify_report

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
#: Each published OB 3.0 context with the VC context it was published for: 3.0.0 and 3.0.1 were
#: written for VC 1.1 (with VC 2.0's protected terms they cannot be processed at all, by any
#: JSON-LD processor); 3.0.2 and 3.0.3 for VC 2.0, and they work with 1.1 too.
OB_CONTEXTS = [
    (VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"),
    (VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"),
    (VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
    (VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
    (VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"),
    (VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"),
]
CLR_CONTEXTS = [
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
]


def _nonconformant(badge: dict[str, Any]) -> dict[str, Any]:
    """What a DCC-issued badge often looks like: no subject id or identifier, and the issuer's
    image as a URL string where OB 3.0 wants an Image object."""
    document = copy.deepcopy(badge)
    del document["credentialSubject"]["id"]
    document["issuer"]["image"] = "https://issuer.example/logo.png"
    return document


def test_an_authentic_valid_credential_with_conformance_problems_is_verified(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    report = verify_report(sign(_nonconformant(badge), key=issuer_key))

    assert report.answers == {"authentic": "passed", "valid_now": "passed", "conformant": "failed"}
    assert report.verdict == "passed"
    assert report.summary_code == "summary.verified_nonconformant"
    assert "problems found: 2" in report.summary
    problems = {p["path"]: p for p in report.conformance_problems}
    assert problems["$.credentialSubject"]["rule"] == "OB 3.0 AchievementSubject"
    assert problems["$.credentialSubject"]["section"] == (
        "https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject"
    )
    assert problems["$.issuer.image"]["section"].endswith("#image")
    assert report.as_dict()["answers"] == report.answers


def test_a_conformant_credential_answers_yes_three_times(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    report = verify_report(sign(badge, key=issuer_key))
    assert report.answers == {"authentic": "passed", "valid_now": "passed", "conformant": "passed"}
    assert report.summary_code == "summary.verified"


def test_an_altered_credential_is_not_authentic_whatever_its_structure(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    signed = sign(badge, key=issuer_key)
    signed["name"] = "Something it never certified"
    report = verify_report(signed)
    assert report.answers["authentic"] == "failed"
    assert report.answers["conformant"] == "passed"
    assert report.verdict == "failed"
    assert report.summary_code == "summary.failed_one"


def test_an_expired_credential_is_authentic_but_not_valid_now(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    document = dict(badge, validUntil="2026-06-30T00:00:00Z")
    report = verify_report(
        sign(document, key=issuer_key), VerifyOptions(now=datetime(2026, 12, 7, tzinfo=UTC))
    )
    assert report.answers == {"authentic": "passed", "valid_now": "failed", "conformant": "passed"}
    assert report.verdict == "failed"
    assert report.summary_params == {"checks": "validity"}


def test_a_failed_schema_check_is_never_named_as_the_reason_it_is_not_verified(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    document = _nonconformant(badge)
    document["validUntil"] = "2026-06-30T00:00:00Z"
    report = verify_report(
        sign(document, key=issuer_key), VerifyOptions(now=datetime(2026, 12, 7, tzinfo=UTC))
    )
    assert report.summary_params == {"checks": "validity"}
    assert "schema" not in report.summary


@pytest.mark.parametrize(("vc", "context"), OB_CONTEXTS)
def test_every_published_open_badges_3_context_is_accepted(
    vc: str, context: str, badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    document = dict(badge, **{"@context": [vc, context]})
    if vc == VC1:
        document["issuanceDate"] = document.pop("validFrom")
    report = verify_report(sign(document, key=issuer_key))
    assert report.answers == {"authentic": "passed", "valid_now": "passed", "conformant": "passed"}


@pytest.mark.parametrize("context", CLR_CONTEXTS)
def test_every_published_clr_2_context_is_accepted(
    context: str, badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    clr = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            context,
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b6f0c43-3e4e-4c2b-9d0c-6a8f3c1d2e4f",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": "Teaching practice record",
        "issuer": badge["issuer"],
        "validFrom": "2026-01-15T09:30:00Z",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["ClrSubject"],
            "verifiableCredential": [sign(badge, key=issuer_key)],
        },
    }
    report = verify_report(sign(clr, key=issuer_key))
    assert report.answers["authentic"] == "passed", report.as_dict()["checks"]
    assert report.answers["conformant"] == "passed", report.conformance_problems


def test_contexts_in_another_order_are_a_conformance_problem_not_a_failure(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    """1EdTech's own CLR 2.0 sample puts its contexts in another order: the signature still
    holds, and the order is reported against the JSON-LD section."""
    document = dict(
        badge,
        **{
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://w3id.org/security/data-integrity/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ]
        },
    )
    report = verify_report(sign(document, key=issuer_key))
    assert report.answers == {"authentic": "passed", "valid_now": "passed", "conformant": "failed"}
    [problem] = report.conformance_problems
    assert problem["rule"] == "OB 3.0 @context"
    assert problem["section"] == "https://www.imsglobal.org/spec/ob/v3p0/#json-ld"


def test_an_issuer_named_by_a_url_is_not_confirmed_by_someone_elses_key(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    """Nothing ties a did:key to https://university.example: the issuer is unconfirmed
    (unknown), not refuted; an issuer that is a DID other than the signer's is refuted."""
    by_url = copy.deepcopy(badge)
    by_url["issuer"]["id"] = "https://university.example/issuers/1"
    report = verify_report(sign(by_url, key=issuer_key))
    issuer = report.check("issuer")
    assert issuer is not None and issuer.outcome == "unknown"
    assert issuer.code == "issuer.key_only"
    assert "nothing ties that key" in issuer.message
    assert report.answers["authentic"] == "unknown"

    by_other_did = copy.deepcopy(badge)
    by_other_did["issuer"]["id"] = Ed25519Multikey.generate(bytes(32)).did
    refuted = verify_report(sign(by_other_did, key=issuer_key))
    assert refuted.check("issuer").outcome == "failed"  # type: ignore[union-attr]
    assert refuted.answers["authentic"] == "failed"


def test_the_cli_prints_the_three_answers_and_each_problem_with_its_section(
    badge: dict[str, Any], issuer_key: Ed25519Multikey, tmp_path: Any, capsys: Any
) -> None:
    from microcred.vc.cli import main

    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(_nonconformant(badge), key=issuer_key)))
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "PASSED. Verified: authentic and valid now." in out
    assert "Authentic:  yes" in out
    assert "Valid now:  yes" in out
    assert "Conformant: no (does not change the verdict)" in out
    assert "  problem  schema    The credential's structure has 2 problems" in out
    assert "https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject" in out

    assert main(["verify", "--json", str(path)]) == 0
    [body] = json.loads(capsys.readouterr().out)
    assert body["answers"] == {"authentic": "passed", "valid_now": "passed", "conformant": "failed"}


def test_a_document_that_breaks_the_vc_data_model_is_not_verified(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    """VC Data Model 2.0 §7.1: a verifier raises an error for a document that is not a
    conforming document. Its own rules decide; the OB 3.0 profile's do not."""
    document = copy.deepcopy(badge)
    document["type"] = ["OpenBadgeCredential"]  # no VerifiableCredential (§4.5 Types)
    # JCS signs it as it is (RDFC's JSON-LD safe mode would refuse it before any verifier)
    report = verify_report(sign(document, key=issuer_key, cryptosuite="eddsa-jcs-2022"))
    assert report.malformed
    assert report.answers == {"authentic": "passed", "valid_now": "passed", "conformant": "failed"}
    assert report.verdict == "failed"
    assert report.summary_code == "summary.malformed"
    assert "problems with the VC Data Model:" in report.summary
    problems = [p for p in report.conformance_problems if p["malformed"]]
    assert problems and all(p["rule"].startswith("VC Data Model 2.0") for p in problems)
    assert "$.type" in {p["path"] for p in problems}

    profile_only = verify_report(sign(_nonconformant(badge), key=issuer_key))
    assert not profile_only.malformed
    assert not any(p["malformed"] for p in profile_only.conformance_problems)


def test_an_issuer_that_is_no_url_at_all_is_a_mismatch_not_unconfirmed(
    badge: dict[str, Any], issuer_key: Ed25519Multikey
) -> None:
    document = copy.deepcopy(badge)
    document["issuer"]["id"] = "fake-issuer"
    report = verify_report(sign(document, key=issuer_key, cryptosuite="eddsa-jcs-2022"))
    assert report.check("issuer").code == "issuer.mismatch"  # type: ignore[union-attr]
    assert report.answers["authentic"] == "failed"


@pytest.mark.parametrize(("alg", "curve"), [("ES256", "P-256"), ("ES384", "P-384")])
def test_an_ecdsa_vc_jwt_verifies_by_did_jwk_and_by_did_key(
    alg: str, curve: str, badge: dict[str, Any]
) -> None:
    """VC-JOSE-COSE's ECDSA algorithms, with the key named by a did:jwk or a P-256/P-384
    did:key (the W3C VC 2.0 suite's enveloped credentials are ES256)."""
    from tests.vc import interop_signers as signers

    key = signers.EcdsaKey(curve)
    for method in ("did:jwk", "did:key"):
        document = copy.deepcopy(badge)
        document["issuer"]["id"] = key.issuer(method)
        token = signers.sign_vc_jwt(document, key, alg=alg, kid=key.verification_method(method))
        report = verify_report(token)
        assert report.answers["authentic"] == "passed", (method, report.as_dict()["checks"])
        assert report.check("proof").params == {"alg": alg}  # type: ignore[union-attr]
        head, body, signature = token.split(".")
        forged = ".".join([head, body, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA"
                                                          else "BBBB")])
        assert verify_report(forged).answers["authentic"] == "failed"


def test_a_jcs_signed_document_that_is_not_json_ld_is_malformed(
    issuer_key: Ed25519Multikey,
) -> None:
    """JCS signs the JSON as it is, so nothing read it as JSON-LD: a context that redefines a
    protected term (the W3C VC 2.0 suite's redef-type fixtures) is caught by the data model
    check instead, as an RDFC proof would have refused it."""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     {"type": "https://example.org/not-type"}],
        "type": ["VerifiableCredential"],
        "issuer": issuer_key.did,
        "credentialSubject": {"id": "did:example:learner-42", "https://schema.org/name": "x"},
    }
    report = verify_report(sign(document, key=issuer_key, cryptosuite="eddsa-jcs-2022"))
    assert report.answers["authentic"] == "passed"
    assert report.malformed and report.verdict == "failed"
    [problem] = report.conformance_problems
    assert problem["path"] == "$" and "protected term" in problem["message"]
    # an unknown context is not a malformation: it only could not be loaded
    document["@context"][1] = "https://contexts.example/unknown/v1"
    unknown = verify_report(sign(document, key=issuer_key, cryptosuite="eddsa-jcs-2022"))
    assert not unknown.malformed


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512", "PS256"])
def test_a_jwt_with_an_algorithm_outside_the_list_is_refused(
    alg: str, badge: dict[str, Any]
) -> None:
    from microcred.vc import jose
    from tests.vc import interop_signers as signers

    key = signers.EcdsaKey("P-256")
    badge["issuer"]["id"] = key.issuer("did:jwk")
    token = signers.sign_vc_jwt(badge, key, alg=alg, kid=key.verification_method("did:jwk"))
    with pytest.raises(Exception) as caught:
        jose.verify_jwt(token)
    assert getattr(caught.value, "code", "") == "unsupported_algorithm"


def test_an_es384_header_over_a_p256_key_is_refused(badge: dict[str, Any]) -> None:
    from microcred.vc import jose
    from tests.vc import interop_signers as signers

    key = signers.EcdsaKey("P-256")
    badge["issuer"]["id"] = key.issuer("did:key")
    token = signers.sign_vc_jwt(badge, key, alg="ES384", kid=key.verification_method("did:key"))
    with pytest.raises(Exception) as caught:
        jose.verify_jwt(token)
    assert getattr(caught.value, "code", "") == "wrong_key_type"
