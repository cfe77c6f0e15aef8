"""Every sentence in a report has a stable code and the params filled into its English template,
so an application can say the same thing in another language."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.status_list import StatusList, status_entry, status_list_credential
from microcred.vc.verifier import (
    MESSAGES,
    SEVERAL,
    Check,
    Report,
    VerifyOptions,
    message_text,
    verify_report,
)

LIST_URL = "https://badges.example.org/status/1"
SUSPENSION_URL = "https://badges.example.org/status/2"


def _list(key: Ed25519Multikey, url: str, purpose: str, set_bits: set[int]) -> dict[str, Any]:
    bits = StatusList()
    for index in set_bits:
        bits.set(index)
    listed = status_list_credential(id=url, issuer=key.did, purpose=purpose,
                                    encoded_list=bits.encode(),
                                    valid_from="2026-01-01T00:00:00Z")
    return sign(listed, key=key)


def _with_status(badge: dict[str, Any], key: Ed25519Multikey, *, both: bool = False) -> dict:
    entries = [status_entry(list_credential_url=LIST_URL, index=7, purpose="revocation")]
    if both:
        entries.append(status_entry(list_credential_url=SUSPENSION_URL, index=7,
                                    purpose="suspension"))
    badge["credentialStatus"] = entries if both else entries[0]
    return sign(badge, key=key)


def _leaves(check: Check) -> list[Check]:
    return [leaf for part in check.parts for leaf in _leaves(part)] if check.parts else [check]


def _assert_coded(report: Report) -> None:
    assert report.checks
    for check in report.checks:
        if check.parts:
            assert check.code == SEVERAL
            assert check.message == " ".join(part.message for part in check.parts)
            assert all(part.name == check.name for part in check.parts)
        for leaf in _leaves(check):
            assert leaf.code in MESSAGES, (check.name, leaf.code)
            assert leaf.message == MESSAGES[leaf.code] % dict(leaf.params)
            placeholders = set(re.findall(r"%\((\w+)\)s", MESSAGES[leaf.code]))
            assert placeholders == set(leaf.params), leaf.code
    assert report.summary_code in MESSAGES
    assert report.summary == MESSAGES[report.summary_code] % report.summary_params


def _codes(report: Report) -> dict[str, str]:
    return {c.name: c.code for c in report.checks}


def test_a_valid_credential(badge: dict[str, Any], issuer_key: Ed25519Multikey) -> None:
    report = verify_report(sign(badge, key=issuer_key))
    _assert_coded(report)
    assert _codes(report) == {
        "format": "format.json", "schema": "schema.valid", "proof": "proof.valid",
        "issuer": "issuer.valid", "validity": "validity.valid", "status": "status.none"}
    assert report.check("issuer").params == {"issuer": issuer_key.did}  # type: ignore[union-attr]
    assert report.summary_code == "summary.verified"


def test_a_tampered_credential(badge: dict[str, Any], issuer_key: Ed25519Multikey) -> None:
    signed = sign(badge, key=issuer_key)
    signed["credentialSubject"]["achievement"]["name"] = "Something else"
    report = verify_report(signed)
    _assert_coded(report)
    assert _codes(report)["proof"] == "proof.signature_mismatch"
    assert _codes(report)["issuer"] == "issuer.unconfirmed"
    assert report.summary_code == "summary.failed_one"
    assert report.summary_params == {"checks": "proof"}
    assert report.summary == "Not verified: the proof check failed."


def test_revoked_and_active_with_two_status_entries(badge: dict[str, Any],
                                                    issuer_key: Ed25519Multikey) -> None:
    signed = _with_status(badge, issuer_key, both=True)
    lists = {LIST_URL: _list(issuer_key, LIST_URL, "revocation", {7}),
             SUSPENSION_URL: _list(issuer_key, SUSPENSION_URL, "suspension", set())}
    revoked = verify_report(signed, VerifyOptions(status_lists=lists))
    _assert_coded(revoked)
    assert revoked.check("status").code == "status.revoked"  # type: ignore[union-attr]

    lists[LIST_URL] = _list(issuer_key, LIST_URL, "revocation", set())
    active = verify_report(signed, VerifyOptions(status_lists=lists))
    _assert_coded(active)
    status = active.check("status")
    assert status is not None and status.code == SEVERAL
    assert [p.code for p in status.parts] == ["status.not_revoked", "status.not_suspended"]
    assert status.message == "The credential has not been revoked. The credential is not suspended."


def test_status_that_cannot_be_established(badge: dict[str, Any],
                                           issuer_key: Ed25519Multikey) -> None:
    signed = _with_status(badge, issuer_key)
    offline = verify_report(signed)
    _assert_coded(offline)
    status = offline.check("status")
    assert status is not None and status.code == "status.revocation_offline"
    assert status.params == {"url": LIST_URL}
    assert offline.summary_code == "summary.incomplete"

    forged = _list(Ed25519Multikey.generate(), LIST_URL, "revocation", set())
    stranger = verify_report(signed, VerifyOptions(status_lists={LIST_URL: forged}))
    _assert_coded(stranger)
    assert stranger.check("status").code == "status.revocation_unverified"  # type: ignore[union-attr]

    malformed = copy.deepcopy(badge)
    malformed["credentialStatus"] = {"type": "BitstringStatusListEntry", "id": "urn:x"}
    odd = verify_report(sign(malformed, key=issuer_key))
    _assert_coded(odd)
    assert odd.check("status").code == "status.other_error"  # type: ignore[union-attr]

    other = copy.deepcopy(badge)
    other["credentialStatus"] = {"type": "RevocationList2020Status", "id": "urn:y"}
    unsupported = verify_report(other)  # unsigned: JSON-LD safe mode refuses to sign it
    _assert_coded(unsupported)
    assert unsupported.check("status").params == {"type": "RevocationList2020Status"}  # type: ignore[union-attr]


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b"{}", json.dumps({"proof": 1})])
def test_unusable_input(data: bytes | str) -> None:
    _assert_coded(verify_report(data))


def test_expired_unsigned_and_misissued(badge: dict[str, Any],
                                        issuer_key: Ed25519Multikey) -> None:
    expired = copy.deepcopy(badge)
    expired["validUntil"] = "2020-01-01T00:00:00Z"
    report = verify_report(sign(expired, key=issuer_key))
    _assert_coded(report)
    assert report.check("validity").params == {"valid_until": "2020-01-01T00:00:00Z"}  # type: ignore[union-attr]

    unsigned = verify_report(badge)
    _assert_coded(unsigned)
    assert unsigned.check("proof").code == "proof.missing"  # type: ignore[union-attr]

    stranger = Ed25519Multikey.generate()
    misissued = verify_report(sign(badge, key=stranger))
    _assert_coded(misissued)
    assert misissued.check("issuer").code == "issuer.mismatch"  # type: ignore[union-attr]

    broken = copy.deepcopy(badge)
    del broken["credentialSubject"]
    _assert_coded(verify_report(sign(broken, key=issuer_key)))


def test_every_template_names_its_params_and_nothing_else() -> None:
    for code, template in MESSAGES.items():
        assert re.fullmatch(r"[a-z_0-9]+\.[a-z_0-9]+", code), code
        names = re.findall(r"%\((\w+)\)s", template)
        assert message_text(code, dict.fromkeys(names, "x")) == template % dict.fromkeys(names, "x")
        assert "%" not in re.sub(r"%\(\w+\)s", "", template), code


def test_the_report_dict_carries_codes(badge: dict[str, Any], issuer_key: Ed25519Multikey) -> None:
    data = verify_report(sign(badge, key=issuer_key)).as_dict()
    assert data["summary_code"] == "summary.verified"
    assert all(check["code"] in MESSAGES for check in data["checks"])
    json.dumps(data)
