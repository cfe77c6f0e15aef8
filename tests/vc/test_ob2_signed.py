"""An Open Badges 2.0 signed assertion (a compact JWS whose payload is the ``Assertion``) given
to the credential verifier goes to the OB 2.0 verifier, not to VC-JOSE: its key is the
``CryptographicKey`` at ``verification.creator`` (OB 2.0, "Signed Badges"), RS256."""

from __future__ import annotations

import base64
import json
from typing import Any

from joserfc import jws
from joserfc.jwk import RSAKey

from microcred.vc import ob2
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import RsaKey
from microcred.vc.ob2 import Ob2Report
from microcred.vc.verifier import VerifyOptions, verify_report

SITE = "https://badges.signed.example"


def ob2_signed_site() -> tuple[str, str, dict[str, dict[str, Any]]]:
    """(a signed assertion, the same with its payload changed, the issuer's documents by URL),
    signed with an RSA key made here."""
    key = RsaKey.generate()
    documents: dict[str, dict[str, Any]] = {
        f"{SITE}/key": {"@context": ob2.OB2_CONTEXT, "type": "CryptographicKey",
                        "id": f"{SITE}/key", "owner": f"{SITE}/issuer",
                        "publicKeyPem": key.public_pem().decode()},
        f"{SITE}/issuer": {"@context": ob2.OB2_CONTEXT, "type": "Issuer", "id": f"{SITE}/issuer",
                           "name": "Signed Badges Institute", "publicKey": f"{SITE}/key"},
        f"{SITE}/badge": {"@context": ob2.OB2_CONTEXT, "type": "BadgeClass",
                          "id": f"{SITE}/badge", "name": "Soil Sampling",
                          "description": "Takes and labels soil samples.",
                          "image": f"{SITE}/badge.png",
                          "criteria": {"narrative": "Sampled three plots."},
                          "issuer": f"{SITE}/issuer"},
    }
    assertion = {"@context": ob2.OB2_CONTEXT, "type": "Assertion",
                 "id": "urn:uuid:0c1f3a9e-6a55-4f57-a1a4-3b0d9e6f2c10",
                 "recipient": {"type": "email", "hashed": False, "identity": "ana@example.org"},
                 "badge": f"{SITE}/badge", "issuedOn": "2026-02-01T10:00:00Z",
                 "verification": {"type": "SignedBadge", "creator": f"{SITE}/key"}}
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(assertion).encode(),
                                  RSAKey.import_key(key.private_pem()))
    header, _payload, signature = token.split(".")
    changed = {**assertion, "recipient": {**assertion["recipient"], "identity": "eve@example.org"}}
    forged = base64.urlsafe_b64encode(json.dumps(changed).encode()).decode().rstrip("=")
    return token, f"{header}.{forged}.{signature}", documents


def _codes(report: Any) -> dict[str, str]:
    return {check.name: check.code for check in report.checks}


def test_a_signed_assertion_is_verified_as_open_badges_2() -> None:
    token, tampered, documents = ob2_signed_site()
    report = verify_report(token, VerifyOptions(ob2_documents=documents), source="badge.jws")
    assert isinstance(report, Ob2Report) and report.source == "badge.jws"
    assert _codes(report) == {"format": "format.ob2_signed", "schema": "schema.ob2_valid",
                              "proof": "proof.ob2_signed", "issuer": "issuer.ob2_signed",
                              "validity": "validity.valid", "status": "status.ob2_not_revoked"}
    assert report.verdict == "passed"
    bad = verify_report(tampered, VerifyOptions(ob2_documents=documents))
    assert _codes(bad)["proof"] == "proof.ob2_signature_mismatch" and bad.verdict == "failed"


def test_without_the_key_the_proof_is_unknown_not_a_vc_jwt_error() -> None:
    token, _tampered, _documents = ob2_signed_site()
    report = verify_report(token)
    assert _codes(report)["format"] == "format.ob2_signed"
    proof = report.check("proof")
    assert proof is not None and proof.outcome == "unknown" and "kid" not in proof.message


def test_the_key_is_fetched_through_the_guarded_fetcher(monkeypatch) -> None:
    token, tampered, documents = ob2_signed_site()
    fetched: list[tuple[str, dict[str, Any]]] = []

    def fake_fetch(url: str, **kwargs: Any) -> bytes:
        fetched.append((url, kwargs))
        if url not in documents:
            raise ResolutionError(f"could not fetch {url}: HTTP 404", code="fetch_failed")
        return json.dumps(documents[url]).encode()

    monkeypatch.setattr(ob2, "fetch_bytes", fake_fetch)
    report = verify_report(token, VerifyOptions(allow_network=True))
    assert report.verdict == "passed", [c.message for c in report.checks]
    assert f"{SITE}/key" in [url for url, _ in fetched]
    assert all(kwargs["allow_private"] is False for _, kwargs in fetched)
    assert verify_report(tampered, VerifyOptions(allow_network=True)).verdict == "failed"


def test_an_enveloped_signed_assertion_is_read_too() -> None:
    """A JSON-only interface (VC-API's ``verifiableCredential``) carries a JWS in an
    ``EnvelopedVerifiableCredential`` (VC 2.0, section 4.13)."""
    token, _tampered, documents = ob2_signed_site()
    envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential", "id": f"data:application/jwt,{token}"}
    report = verify_report(envelope, VerifyOptions(ob2_documents=documents))
    assert report.verdict == "passed" and _codes(report)["format"] == "format.ob2_signed"


def test_an_enveloped_vc_jwt_is_verified_as_a_vc(badge, issuer_key) -> None:
    from microcred.vc.jose import sign_jwt

    token = sign_jwt(badge, key=issuer_key)
    envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential", "id": f"data:application/vc+jwt,{token}"}
    report = verify_report(envelope)
    assert not isinstance(report, Ob2Report)
    assert _codes(report)["format"] == "format.jwt" and report.verdict == "passed"
