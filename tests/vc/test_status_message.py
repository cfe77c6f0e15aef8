"""One ``message`` entry for revocation and suspension (Bitstring Status List v1.0, section 2.1,
``statusPurpose`` "message" with ``statusSize`` 2): what microcred publishes so that Open
Badges 3.0's single ``credentialStatus`` object can say both."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from microcred.vc.data_integrity import sign
from microcred.vc.errors import InputError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.multibase import encode_base64url
from microcred.vc.status_list import (
    MIN_ENTRIES,
    STANDING_MESSAGES,
    STANDING_STATUS_SIZE,
    StatusList,
    check_status,
    status_entry,
    status_list_credential,
)
from microcred.vc.verifier import VerifyOptions, verify_report

LIST_URL = "https://badges.example.org/status/7"
VALID, REVOKED, SUSPENDED = 0, 1, 2


def message_entry(index: int) -> dict[str, Any]:
    return status_entry(list_credential_url=LIST_URL, index=index, purpose="message",
                        status_size=STANDING_STATUS_SIZE, status_message=STANDING_MESSAGES)


def message_list(encoded: str, issuer: str = "did:example:issuer") -> dict[str, Any]:
    return status_list_credential(id=LIST_URL, issuer=issuer, purpose="message",
                                  encoded_list=encoded, valid_from="2026-01-01T00:00:00Z",
                                  status_size=STANDING_STATUS_SIZE)


def test_the_entry_names_every_value_of_its_size() -> None:
    entry = message_entry(5)
    assert entry == {
        "id": f"{LIST_URL}#5", "type": "BitstringStatusListEntry", "statusPurpose": "message",
        "statusListIndex": "5", "statusListCredential": LIST_URL, "statusSize": 2,
        "statusMessage": [{"status": "0x0", "message": "valid"},
                          {"status": "0x1", "message": "revoked"},
                          {"status": "0x2", "message": "suspended"},
                          {"status": "0x3", "message": "revoked"}],
    }


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "invalid_status_size"),  # a message needs more than one bit (section 2.1)
        ({"status_size": 2}, "invalid_status_message"),
        ({"status_size": 2, "status_message": STANDING_MESSAGES[:3]}, "invalid_status_message"),
    ],
)
def test_a_message_entry_refuses_what_the_spec_forbids(changes: dict[str, Any],
                                                       code: str) -> None:
    with pytest.raises(InputError) as caught:
        status_entry(list_credential_url=LIST_URL, index=1, purpose="message", **changes)
    assert caught.value.code == code


def test_values_are_read_at_index_times_size_most_significant_bit_first() -> None:
    # Entry 5 of a 2-bit list is bits 10 and 11: byte 1, its third and fourth bits from the
    # top (section 2.2, encodedList). 0b0010_0000 there is the value 0b10 = 2 (suspended);
    # entry 6 (bits 12-13) gets 0b01 = 1 (revoked): 0b0010_0100.
    raw = bytearray(MIN_ENTRIES * 2 // 8)
    raw[1] = 0b0010_0100
    listed = message_list(encode_base64url(gzip.compress(bytes(raw), mtime=0)))
    suspended = check_status(message_entry(5), listed)
    assert (suspended.outcome, suspended.value, suspended.standing) == ("failed", SUSPENDED,
                                                                         "suspended")
    assert suspended.message == "The credential is suspended."
    revoked = check_status(message_entry(6), listed)
    assert (revoked.outcome, revoked.value, revoked.standing) == ("failed", REVOKED, "revoked")
    assert revoked.message == "The credential has been revoked."
    valid = check_status(message_entry(4), listed)
    assert (valid.outcome, valid.value, valid.standing) == ("passed", VALID, "valid")


def test_the_unused_value_fails_safe() -> None:
    bits = StatusList(status_size=2)
    bits.set(9, 3)
    result = check_status(message_entry(9), message_list(bits.encode()))
    assert (result.outcome, result.standing) == ("failed", "revoked")


def test_a_list_stating_another_size_is_not_read() -> None:
    bits = StatusList(status_size=2)
    listed = message_list(bits.encode())
    listed["credentialSubject"]["statusSize"] = 1
    result = check_status(message_entry(1), listed)
    assert (result.outcome, result.code) == ("unknown", "status_verification_error")


def test_other_messages_stay_information() -> None:
    messages = [{"status": f"0x{v}", "message": m}
                for v, m in enumerate(("pending_review", "accepted", "rejected", "undefined"))]
    entry = status_entry(list_credential_url=LIST_URL, index=3, purpose="message",
                         status_size=2, status_message=messages)
    bits = StatusList(status_size=2)
    bits.set(3, 2)
    result = check_status(entry, message_list(bits.encode()))
    assert (result.outcome, result.status_message, result.standing) == ("passed", "rejected",
                                                                        None)


@pytest.mark.parametrize(
    ("value", "outcome", "code"),
    [(VALID, "passed", "status.standing_valid"), (REVOKED, "failed", "status.revoked"),
     (SUSPENDED, "failed", "status.suspended")],
)
def test_the_verifier_reports_revoked_and_suspended_from_one_entry(
    badge: dict[str, Any], issuer_key: Ed25519Multikey, value: int, outcome: str, code: str
) -> None:
    badge["credentialStatus"] = message_entry(94567)
    signed = sign(badge, key=issuer_key)
    bits = StatusList(status_size=2)
    bits.set(94567, value)
    listed = sign(message_list(bits.encode(), issuer=issuer_key.did), key=issuer_key)
    report = verify_report(signed, VerifyOptions(status_lists={LIST_URL: listed}))
    check = report.check("status")
    assert (check.outcome, check.code) == (outcome, code)
    assert report.verdict == outcome
    # A list signed by anyone else says nothing (section 6.2).
    forged = sign(message_list(bits.encode(), issuer=issuer_key.did),
                  key=Ed25519Multikey.generate())
    assert verify_report(signed, VerifyOptions(status_lists={LIST_URL: forged})).check(
        "status").outcome == "unknown"
