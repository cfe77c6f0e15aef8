"""``verify_jwt``: the caller names the algorithms it accepts, and a key carried in the JWS
header is refused unless the caller asks for it by name (issue 22)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from microcred.vc import jose
from microcred.vc.errors import ProofError
from microcred.vc.verifier import verify_report
from tests.vc import interop_signers as signers


def _token(header: dict[str, Any], payload: dict[str, Any], key: Any) -> str:
    signing_input = (
        signers.b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + signers.b64url(json.dumps(payload, separators=(",", ":")).encode())
    )
    return signing_input + "." + signers.b64url(key.sign(signing_input.encode("ascii")))


@pytest.fixture
def embedded(badge: dict[str, Any]) -> str:
    """An EdDSA VC-JWT whose only key is the one in its own header."""
    key = signers.Ed25519Key()
    return _token({"alg": "EdDSA", "typ": "vc+jwt", "jwk": key.jwk}, badge, key)


def test_a_header_key_is_refused_unless_the_caller_names_that_choice(embedded: str) -> None:
    with pytest.raises(ProofError) as caught:
        jose.verify_jwt(embedded)
    assert caught.value.code == "embedded_key_refused"
    verified = jose.verify_jwt(embedded, allow_embedded_key=True)
    assert verified.controller is None  # it proves a key signed, not whose key it is


def test_the_verifier_reads_a_header_key_but_ties_it_to_no_issuer(embedded: str) -> None:
    report = verify_report(embedded)
    assert report.check("proof").outcome == "passed"  # type: ignore[union-attr]
    issuer = report.check("issuer")
    assert issuer is not None and (issuer.outcome, issuer.code) == ("unknown", "issuer.unbound")
    assert report.answers["authentic"] == "unknown"


def test_the_caller_chooses_the_algorithms(badge: dict[str, Any]) -> None:
    key = signers.EcdsaKey("P-256")
    badge["issuer"]["id"] = key.issuer("did:jwk")
    token = signers.sign_vc_jwt(badge, key, alg="ES256", kid=key.verification_method("did:jwk"))
    assert jose.verify_jwt(token).controller == key.issuer("did:jwk")
    with pytest.raises(ProofError) as caught:
        jose.verify_jwt(token, algorithms=("EdDSA",))
    assert caught.value.code == "unsupported_algorithm"
    assert "accepted: EdDSA" in caught.value.message
    with pytest.raises(ValueError, match="subset"):
        jose.verify_jwt(token, algorithms=("HS256",))
