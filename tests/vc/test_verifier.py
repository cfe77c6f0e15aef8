"""The verifier's report, check by check, for every form a credential can arrive in."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime

import pytest
from PIL import Image

from microcred.vc.baking import bake_png, bake_svg
from microcred.vc.data_integrity import sign
from microcred.vc.errors import VerificationFailed
from microcred.vc.jose import sign_jwt
from microcred.vc.keys import Ed25519Multikey, RsaKey
from microcred.vc.status_list import StatusList, status_entry, status_list_credential
from microcred.vc.verifier import VerifyOptions, verify, verify_report

LIST_URL = "https://badges.example.org/status/1"


def outcomes(report):
    return {check.name: check.outcome for check in report.checks}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    b'<rect width="8" height="8"/></svg>'
)


def test_a_signed_badge_passes_every_check(badge, issuer_key):
    report = verify_report(sign(badge, key=issuer_key))
    assert outcomes(report) == dict.fromkeys(
        ("format", "schema", "proof", "issuer", "validity", "status"), "passed"
    )
    assert report.verdict == "passed"
    assert report.summary == "Verified: every check passed."
    assert verify(sign(badge, key=issuer_key)).verdict == "passed"


def test_json_text_and_bytes_are_read_the_same(badge, issuer_key):
    text = json.dumps(sign(badge, key=issuer_key))
    assert verify_report(text).verdict == verify_report(text.encode()).verdict == "passed"


def test_a_signature_by_someone_else_fails_the_issuer_check(badge):
    stranger = Ed25519Multikey.generate()
    report = verify_report(sign(badge, key=stranger))
    assert outcomes(report)["proof"] == "passed"
    assert outcomes(report)["issuer"] == "failed"
    assert stranger.did in report.check("issuer").message
    with pytest.raises(VerificationFailed) as caught:
        verify(sign(badge, key=stranger))
    assert caught.value.report.verdict == "failed"
    assert caught.value.code == "verification_failed"


def test_an_unsigned_credential_fails_the_proof_check(badge):
    report = verify_report(badge)
    assert outcomes(report)["proof"] == "failed"
    assert "no proof" in report.check("proof").message


@pytest.mark.parametrize(
    ("now", "outcome", "words"),
    [
        (datetime(2025, 1, 1, tzinfo=UTC), "failed", "not valid until"),
        (datetime(2026, 6, 1, tzinfo=UTC), "passed", "valid until"),
        (datetime(2027, 6, 1, tzinfo=UTC), "failed", "expired"),
    ],
)
def test_validity_period(badge, issuer_key, now, outcome, words):
    badge["validUntil"] = "2027-01-15T09:30:00Z"
    report = verify_report(sign(badge, key=issuer_key), VerifyOptions(now=now))
    assert outcomes(report)["validity"] == outcome
    assert words in report.check("validity").message


def test_a_vc_1_1_credential_still_verifies(issuer_key):
    credential = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b1c2d3e-0000-4000-8000-000000000011",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Classroom Discourse",
        "issuer": {"id": issuer_key.did, "type": "Profile", "name": "Example College"},
        "issuanceDate": "2024-03-01T00:00:00Z",
        "expirationDate": "2030-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-7",
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.edu/achievements/discourse",
                "type": "Achievement",
                "name": "Classroom Discourse",
                "description": "Facilitates academic conversation among students.",
                "criteria": {"narrative": "Evidence scored Pass on every criterion."},
            },
        },
    }
    signed = sign(credential, key=issuer_key, loader=None)
    report = verify_report(signed, VerifyOptions(now=datetime(2026, 1, 1, tzinfo=UTC)))
    assert report.verdict == "passed", report.as_dict()
    assert "2030-03-01" in report.check("validity").message


def test_proof_sets_verify_and_any_bad_member_fails(badge, issuer_key):
    witness = Ed25519Multikey.generate()
    both = sign(sign(badge, key=issuer_key), key=witness)
    assert len(both["proof"]) == 2
    report = verify_report(both)
    assert report.verdict == "passed"
    assert "2 signatures" in report.check("proof").message
    both["proof"][1]["proofValue"] = both["proof"][0]["proofValue"]
    assert outcomes(verify_report(both))["proof"] == "failed"


@pytest.mark.parametrize("make_key", [lambda k: k, lambda k: RsaKey.generate()])
def test_jwt_credentials(badge, issuer_key, make_key):
    key = make_key(issuer_key)
    token = sign_jwt(badge, key=key)
    report = verify_report(token)
    assert report.carrier == "jwt"
    assert outcomes(report)["proof"] == "passed"
    assert report.credential["id"] == badge["id"]
    if isinstance(key, RsaKey):
        # A key carried in the token proves nothing about who the issuer is.
        assert outcomes(report)["issuer"] == "unknown"
    else:
        assert report.verdict == "passed"
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["name"] = "Something Else Entirely"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = verify_report(f"{header}.{forged_payload}.{signature}")
    assert outcomes(forged)["proof"] == "failed"
    assert forged.credential["name"] == "Something Else Entirely"


def test_baked_png_and_svg(badge, issuer_key):
    signed = json.dumps(sign(badge, key=issuer_key))
    for image, carrier in ((bake_png(png(), signed), "png"), (bake_svg(SVG, signed), "svg")):
        report = verify_report(image)
        assert report.carrier == carrier
        assert report.verdict == "passed"
        assert "baked" in report.check("format").message
    token = sign_jwt(badge, key=issuer_key)
    assert verify_report(bake_svg(SVG, token)).verdict == "passed"


def test_an_image_without_a_credential_fails_the_format_check():
    report = verify_report(png())
    assert outcomes(report) == {"format": "failed"}
    assert report.verdict == "failed"


def test_open_badges_2_images_are_recognised_and_explained():
    assertion = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"})
    from microcred.vc.baking import _itxt_chunk  # building an OB 2.0 image by hand

    image = png()
    ob2 = image[:33] + _itxt_chunk(b"openbadges", assertion) + image[33:]
    report = verify_report(ob2)
    assert outcomes(report) == {"format": "failed"}
    assert "Open Badges 2.0" in report.check("format").message


def _status_list(issuer_key, *, revoked: set[int] = frozenset(), purpose: str = "revocation"):
    bits = StatusList()
    for index in revoked:
        bits.set(index)
    listed = status_list_credential(
        id=LIST_URL,
        issuer=issuer_key.did,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from="2026-01-01T00:00:00Z",
    )
    return sign(listed, key=issuer_key)


def _with_status(badge, issuer_key, index=94567):
    badge["credentialStatus"] = status_entry(
        list_credential_url=LIST_URL, index=index, purpose="revocation"
    )
    return sign(badge, key=issuer_key)


def test_status_revoked_not_revoked_and_unknown(badge, issuer_key):
    signed = _with_status(badge, issuer_key)
    fine = verify_report(signed, VerifyOptions(status_lists={LIST_URL: _status_list(issuer_key)}))
    assert outcomes(fine)["status"] == "passed"
    assert fine.verdict == "passed"

    revoked_list = _status_list(issuer_key, revoked={94567})
    revoked = verify_report(signed, VerifyOptions(status_lists={LIST_URL: revoked_list}))
    assert outcomes(revoked)["status"] == "failed"
    assert "revoked" in revoked.check("status").message
    assert revoked.verdict == "failed"

    unknown = verify_report(signed)  # no list supplied, network off
    assert outcomes(unknown)["status"] == "unknown"
    assert unknown.verdict == "unknown"
    assert "network" in unknown.check("status").message
    with pytest.raises(VerificationFailed) as caught:
        verify(signed)
    assert caught.value.code == "verification_incomplete"


def test_a_status_list_signed_by_someone_else_is_not_trusted(badge, issuer_key):
    signed = _with_status(badge, issuer_key)
    forged = _status_list(Ed25519Multikey.generate())
    forged_report = verify_report(signed, VerifyOptions(status_lists={LIST_URL: forged}))
    assert outcomes(forged_report)["status"] == "unknown"
    assert forged_report.verdict == "unknown"


def test_reports_serialise_to_json(badge, issuer_key):
    report = verify_report(sign(badge, key=issuer_key), source="badge.json")
    data = json.loads(json.dumps(report.as_dict()))
    assert data["verdict"] == "passed"
    assert [c["name"] for c in data["checks"]] == [
        "format",
        "schema",
        "proof",
        "issuer",
        "validity",
        "status",
    ]


def test_a_status_list_source_answers_for_the_callers_own_lists(badge, issuer_key):
    signed = _with_status(badge, issuer_key)
    revoked_list = _status_list(issuer_key, revoked={94567})
    asked: list[str] = []

    def own_lists(url: str):
        asked.append(url)
        return revoked_list if url == LIST_URL else None

    report = verify_report(signed, VerifyOptions(status_list_source=own_lists))
    assert asked == [LIST_URL]
    assert outcomes(report)["status"] == "failed"
    not_mine = verify_report(signed, VerifyOptions(status_list_source=lambda url: None))
    assert outcomes(not_mine)["status"] == "unknown"
