"""Bitstring Status List v1.0: the bitstring, allocation, the credential and the status check."""

from __future__ import annotations

import base64
import gzip
import time
import tracemalloc
import zlib
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.vc.errors import InputError, StatusListError
from microcred.vc.multibase import encode_base64url
from microcred.vc.status_list import (
    MAX_LIST_BYTES,
    MIN_ENTRIES,
    IndexAllocator,
    StatusList,
    check_status,
    status_entry,
    status_list_credential,
)
from tests.profiles import examples

LIST_URL = "https://example.com/credentials/status/3"
# Bitstring Status List v1.0, section 2.2, example 3: an empty list of 131,072 entries.
SPEC_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def gzip_list(raw: bytes) -> str:
    return encode_base64url(gzip.compress(raw, mtime=0))


# --- the bitstring ------------------------------------------------------------------------------


def test_default_list_is_the_spec_minimum() -> None:
    status = StatusList()
    assert status.length == len(status) == MIN_ENTRIES == 131_072
    assert status.status_size == 1
    assert status.to_bytes() == bytes(16 * 1024)  # "16KB uncompressed", section 6.1


@pytest.mark.parametrize("length", [0, 8, 131_064, MIN_ENTRIES - 1])
def test_fewer_entries_than_the_minimum_are_refused(length: int) -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList(length)
    assert caught.value.code == "status_list_length_error"


def test_length_must_fill_whole_bytes() -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList(MIN_ENTRIES + 1)
    assert caught.value.code == "status_list_length_error"
    assert StatusList(MIN_ENTRIES + 8).length == MIN_ENTRIES + 8


def test_bit_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    status = StatusList()
    status.set(0)
    assert status.to_bytes()[0] == 0b1000_0000
    status.set(7)
    assert status.to_bytes()[0] == 0b1000_0001
    status.set(9)
    assert status.to_bytes()[1] == 0b0100_0000
    status.set(MIN_ENTRIES - 1)
    assert status.to_bytes()[-1] == 0b0000_0001
    assert status.to_bytes()[2:-1] == bytes(len(status.to_bytes()) - 3)


def test_two_bit_entries_are_laid_out_most_significant_first() -> None:
    status = StatusList(status_size=2)
    assert status.length == MIN_ENTRIES
    assert len(status.to_bytes()) == MIN_ENTRIES * 2 // 8
    status.set(1, 0b10)  # bits 2 and 3
    assert status.to_bytes()[0] == 0b0010_0000
    status.set(0, 0b11)  # bits 0 and 1
    assert status.to_bytes()[0] == 0b1110_0000
    status.set(7, 0b01)  # bits 14 and 15
    assert status.to_bytes()[1] == 0b0000_0001
    assert [status.get(i) for i in range(9)] == [3, 2, 0, 0, 0, 0, 0, 1, 0]
    status.clear(0)
    assert status.get(0) == 0
    assert status.to_bytes()[0] == 0b0010_0000


def test_three_bit_entries_can_straddle_bytes() -> None:
    status = StatusList(status_size=3)
    status.set(2, 0b101)  # bits 6, 7 and 8
    assert status.to_bytes()[:2] == bytes([0b0000_0010, 0b1000_0000])
    assert status.get(2) == 0b101
    assert status.get(1) == status.get(3) == 0


@pytest.mark.parametrize("value", [4, -1, True])
def test_a_value_must_fit_in_the_status_size(value: Any) -> None:
    status = StatusList(status_size=2)
    with pytest.raises(StatusListError) as caught:
        status.set(0, value)
    assert caught.value.code == "invalid_status_value"


@pytest.mark.parametrize("size", [0, -1, 17, True, "1"])
def test_status_size_is_validated(size: Any) -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList(status_size=size)
    assert caught.value.code == "invalid_status_size"


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, MIN_ENTRIES + 100, False])
def test_indexes_outside_the_list_are_range_errors(index: Any) -> None:
    status = StatusList()
    for operation in (status.get, status.set, status.clear):
        with pytest.raises(StatusListError) as caught:
            operation(index)
        assert caught.value.code == "range_error"


def test_set_clear_get_across_the_whole_range() -> None:
    status = StatusList()
    chosen = set(range(0, MIN_ENTRIES, 3)) | {MIN_ENTRIES - 1}
    for index in chosen:
        status.set(index)
    assert [index for index in range(MIN_ENTRIES) if status.get(index)] == sorted(chosen)
    decoded = StatusList.decode(status.encode())
    assert decoded == status
    assert [index for index in range(MIN_ENTRIES) if decoded.get(index)] == sorted(chosen)
    for index in chosen:
        status.clear(index)
    assert status.to_bytes() == bytes(MIN_ENTRIES // 8)


@settings(max_examples=examples(40), deadline=None)
@given(
    size=st.integers(min_value=1, max_value=4),
    writes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), st.integers(0, 15)),
        max_size=40,
    ),
)
def test_the_list_behaves_like_a_map_of_index_to_value(
    size: int, writes: list[tuple[int, int]]
) -> None:
    status = StatusList(status_size=size)
    model: dict[int, int] = {}
    for index, value in writes:
        value %= 1 << size
        status.set(index, value)
        model[index] = value
    decoded = StatusList.decode(status.encode(), status_size=size)
    for index, value in model.items():
        assert decoded.get(index) == value
    assert sum(1 for v in model.values() if v) == sum(1 for index in model if decoded.get(index))


def test_encoding_is_multibase_base64url_of_gzip_without_padding() -> None:
    status = StatusList()
    status.set(5)
    encoded = status.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert encoded == status.encode()  # deterministic: GZIP mtime is fixed
    padded = encoded[1:] + "=" * (-len(encoded[1:]) % 4)
    assert gzip.decompress(base64.urlsafe_b64decode(padded)) == status.to_bytes()


def test_the_spec_example_list_decodes_to_131072_clear_entries() -> None:
    status = StatusList.decode(SPEC_ENCODED_LIST)
    assert status.length == MIN_ENTRIES
    assert status.to_bytes() == bytes(MIN_ENTRIES // 8)


def test_multi_member_gzip_is_one_list() -> None:
    # RFC 1952 section 2.2: a GZIP file is a series of members.
    first, second = bytes([0x80]) + bytes(8191), bytes(8191) + bytes([0x01])
    encoded = encode_base64url(gzip.compress(first) + gzip.compress(second))
    status = StatusList.decode(encoded)
    assert status.get(0) == 1 and status.get(MIN_ENTRIES - 1) == 1
    assert sum(status.get(i) for i in range(0, MIN_ENTRIES, 997)) == 1


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "z" + SPEC_ENCODED_LIST[1:],  # base58btc prefix
        "uH4sI+AAA/AAA",  # base64, not base64url
        SPEC_ENCODED_LIST + "==",  # padding is not allowed
        "u" + "A",  # impossible base64 length
        encode_base64url(b"not gzip at all"),
        encode_base64url(gzip.compress(bytes(16384), mtime=0)[:-12]),  # cut short
        encode_base64url(gzip.compress(bytes(16384), mtime=0) + b"junk"),
    ],
)
def test_malformed_encoded_lists_are_refused(encoded: str) -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList.decode(encoded)
    assert caught.value.code == "malformed_value_error"


def test_decoded_lists_shorter_than_the_minimum_are_refused() -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList.decode(gzip_list(bytes(1024)))
    assert caught.value.code == "status_list_length_error"
    # 16KB holds 131,072 one-bit entries but only 65,536 two-bit ones (section 3.2).
    with pytest.raises(StatusListError) as caught:
        StatusList.decode(SPEC_ENCODED_LIST, status_size=2)
    assert caught.value.code == "status_list_length_error"


@pytest.fixture(scope="module")
def gzip_bomb() -> str:
    """256 MiB of zeros in about 256 KB of GZIP."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(256)) + compressor.flush()
    assert len(data) < 1 << 20
    return encode_base64url(data)


def test_a_gzip_bomb_is_refused_within_bounded_memory(gzip_bomb: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError) as caught:
            StatusList.decode(gzip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "status_list_too_large"
    assert peak < MAX_LIST_BYTES + 8 * 1024 * 1024  # one capped buffer, not 256 MiB


def test_the_expansion_cap_is_adjustable_and_applies_to_the_input_length() -> None:
    with pytest.raises(StatusListError) as caught:
        StatusList.decode(StatusList().encode(), max_bytes=1000)
    assert caught.value.code == "status_list_too_large"
    with pytest.raises(StatusListError) as caught:
        StatusList.decode("u" + "A" * 4000, max_bytes=1000)
    assert caught.value.code == "status_list_too_large"


# --- random index allocation --------------------------------------------------------------------


def test_allocation_never_reuses_an_index_and_reports_full() -> None:
    allocator = IndexAllocator(5000)
    allocated = [allocator.allocate() for _ in range(5000)]
    assert sorted(allocated) == list(range(5000))
    assert allocator.free == 0
    with pytest.raises(StatusListError) as caught:
        allocator.allocate()
    assert caught.value.code == "status_list_full"


def test_allocation_skips_indexes_already_used() -> None:
    allocator = IndexAllocator(100, used=range(0, 100, 2))
    assert allocator.free == 50
    allocated = {allocator.allocate() for _ in range(50)}
    assert allocated == set(range(1, 100, 2))
    with pytest.raises(StatusListError):
        allocator.allocate()


def test_a_nearly_full_list_still_allocates_quickly() -> None:
    free = {7, 65_536, MIN_ENTRIES - 1}
    bitmap = bytearray(b"\xff" * (MIN_ENTRIES // 8))
    for index in free:
        bitmap[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF
    allocator = IndexAllocator.from_bitmap(bytes(bitmap), MIN_ENTRIES)
    assert allocator.free == 3
    started = time.perf_counter()
    assert {allocator.allocate() for _ in range(3)} == free
    assert time.perf_counter() - started < 0.5
    with pytest.raises(StatusListError) as caught:
        allocator.allocate()
    assert caught.value.code == "status_list_full"
    assert allocator.to_bitmap() == b"\xff" * (MIN_ENTRIES // 8)


@pytest.mark.parametrize("tries", [16, 0])  # 0: only the rank-selection fallback
def test_allocation_is_uniform_over_free_indexes(
    tries: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(IndexAllocator, "_RANDOM_TRIES", tries)
    counts = Counter(IndexAllocator(4, used=[1]).allocate() for _ in range(3000))
    assert set(counts) == {0, 2, 3}
    for index in (0, 2, 3):
        assert 800 < counts[index] < 1200  # expected 1000, sd about 26


def test_odd_lengths_never_yield_padding_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(IndexAllocator, "_RANDOM_TRIES", 0)
    allocator = IndexAllocator(4099)
    assert sorted(allocator.allocate() for _ in range(4099)) == list(range(4099))


def test_allocator_bitmap_round_trips_and_is_checked() -> None:
    allocator = IndexAllocator(20, used=[0, 19])
    again = IndexAllocator.from_bitmap(allocator.to_bitmap(), 20)
    assert again.free == 18 and again.is_used(0) and again.is_used(19)
    with pytest.raises(InputError) as caught:
        IndexAllocator.from_bitmap(b"\x00", 20)
    assert caught.value.code == "invalid_bitmap"
    with pytest.raises(InputError) as caught:
        IndexAllocator.from_bitmap(b"\x00\x00\x0f", 20)  # marks 20..23, past the end
    assert caught.value.code == "invalid_bitmap"


def test_marking_an_index_twice_or_out_of_range_is_refused() -> None:
    allocator = IndexAllocator(10, used=[3])
    with pytest.raises(StatusListError) as caught:
        allocator.mark_used(3)
    assert caught.value.code == "index_in_use"
    with pytest.raises(StatusListError) as caught:
        allocator.mark_used(10)
    assert caught.value.code == "range_error"


# --- the credential and the entry ---------------------------------------------------------------


def test_status_list_credential_matches_the_spec_example() -> None:
    credential = status_list_credential(
        id=LIST_URL,
        issuer="did:example:12345",
        purpose="revocation",
        encoded_list=SPEC_ENCODED_LIST,
        valid_from="2021-04-05T14:27:40Z",
    )
    assert credential == {  # section 2.2, example 3
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.com/credentials/status/3",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": "https://example.com/credentials/status/3#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_ENCODED_LIST,
        },
    }


def test_status_list_credential_takes_an_issuer_profile_and_valid_until() -> None:
    credential = status_list_credential(
        id=LIST_URL,
        issuer={"id": "did:example:12345", "type": "Profile", "name": "Riverside"},
        purpose="suspension",
        encoded_list=SPEC_ENCODED_LIST,
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2026-02-01T00:00:00+00:00",
    )
    assert credential["issuer"]["name"] == "Riverside"
    assert credential["validUntil"] == "2026-02-01T00:00:00+00:00"
    assert credential["credentialSubject"]["statusPurpose"] == "suspension"


@pytest.mark.parametrize(
    ("changes", "error", "code"),
    [
        ({"encoded_list": gzip_list(bytes(1024))}, StatusListError, "status_list_length_error"),
        ({"purpose": "refresh"}, InputError, "invalid_purpose"),
        ({"valid_from": "2026-01-01T00:00:00"}, InputError, "invalid_datetime"),
        ({"valid_until": "next week"}, InputError, "invalid_datetime"),
        ({"id": LIST_URL + "#list"}, InputError, "invalid_url"),
        ({"issuer": {"name": "no id"}}, InputError, "invalid_issuer"),
    ],
)
def test_status_list_credential_refuses_bad_input(
    changes: dict[str, Any], error: type[Exception], code: str
) -> None:
    arguments: dict[str, Any] = {
        "id": LIST_URL,
        "issuer": "did:example:12345",
        "purpose": "revocation",
        "encoded_list": SPEC_ENCODED_LIST,
        "valid_from": "2026-01-01T00:00:00Z",
        **changes,
    }
    with pytest.raises(error) as caught:
        status_list_credential(**arguments)
    assert getattr(caught.value, "code", None) == code


def test_status_entry_matches_the_spec_example() -> None:
    entry = status_entry(list_credential_url=LIST_URL, index=94567, purpose="revocation")
    assert entry == {  # section 2.1, example 1
        "id": "https://example.com/credentials/status/3#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.com/credentials/status/3",
    }


MESSAGES = [
    {"status": "0x0", "message": "pending_review"},
    {"status": "0x1", "message": "accepted"},
    {"status": "0x2", "message": "rejected"},
    {"status": "0x3", "message": "undefined"},
]


def test_status_entry_with_two_bit_messages() -> None:
    entry = status_entry(
        list_credential_url=LIST_URL,
        index=3,
        purpose="suspension",
        status_size=2,
        status_message=MESSAGES,
    )
    assert entry["statusSize"] == 2 and entry["statusMessage"] == MESSAGES


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"index": -1}, "invalid_index"),
        ({"index": "3"}, "invalid_index"),
        ({"purpose": "refresh"}, "invalid_purpose"),
        ({"purpose": "message"}, "invalid_status_size"),  # a message needs statusSize 2+
        ({"list_credential_url": "status/3"}, "invalid_url"),
        ({"status_size": 2}, "invalid_status_message"),
        ({"status_size": 2, "status_message": MESSAGES[:3]}, "invalid_status_message"),
        ({"status_message": [{"status": "1", "message": "x"}] * 2}, "invalid_status_message"),
    ],
)
def test_status_entry_refuses_bad_input(changes: dict[str, Any], code: str) -> None:
    arguments: dict[str, Any] = {
        "list_credential_url": LIST_URL,
        "index": 3,
        "purpose": "revocation",
        **changes,
    }
    with pytest.raises(InputError) as caught:
        status_entry(**arguments)
    assert caught.value.code == code


# --- checking a status --------------------------------------------------------------------------

REVOKED, GOOD = 42, 43


def make_list(
    purpose: Any = "revocation",
    *,
    set_indexes: dict[int, int] | None = None,
    status_size: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    status = StatusList(status_size=status_size)
    for index, value in (set_indexes if set_indexes is not None else {REVOKED: 1}).items():
        status.set(index, value)
    credential = status_list_credential(
        id=LIST_URL,
        issuer="did:example:issuer",
        purpose="revocation",
        encoded_list=status.encode(),
        valid_from="2026-01-01T00:00:00Z",
    )
    credential["credentialSubject"]["statusPurpose"] = purpose
    credential.update(extra)
    return credential


def entry_for(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return status_entry(list_credential_url=LIST_URL, index=index, purpose=purpose)


def test_a_revoked_credential_fails() -> None:
    result = check_status(entry_for(REVOKED), make_list())
    assert (result.outcome, result.purpose, result.value) == ("failed", "revocation", 1)
    assert result.message == "The credential has been revoked."
    assert result.code is None


def test_a_credential_that_is_not_revoked_passes() -> None:
    result = check_status(entry_for(GOOD), make_list())
    assert (result.outcome, result.value) == ("passed", 0)
    assert result.message == "The credential has not been revoked."


def test_suspension_is_reported_as_such() -> None:
    suspended = check_status(entry_for(REVOKED, "suspension"), make_list("suspension"))
    assert suspended.outcome == "failed"
    assert suspended.message == "The credential is suspended."
    active = check_status(entry_for(GOOD, "suspension"), make_list("suspension"))
    assert active.outcome == "passed"
    assert active.message == "The credential is not suspended."


def test_a_missing_list_is_unknown_never_not_revoked() -> None:
    result = check_status(entry_for(GOOD), None)
    assert result.outcome == "unknown"
    assert result.value is None
    assert result.code == "status_retrieval_error"
    assert result.message == "The status list could not be fetched, so revocation is unknown."


def test_a_purpose_mismatch_is_a_verification_error() -> None:
    result = check_status(entry_for(REVOKED, "suspension"), make_list("revocation"))
    assert result.outcome == "unknown"
    assert result.code == "status_verification_error"
    assert result.purpose == "suspension"
    assert result.message.endswith("so suspension is unknown.")


def test_a_list_may_serve_several_purposes() -> None:
    both = make_list(["revocation", "suspension"])
    assert check_status(entry_for(REVOKED, "suspension"), both).outcome == "failed"
    assert check_status(entry_for(GOOD, "revocation"), both).outcome == "passed"


def test_an_unverified_list_gives_unknown() -> None:
    result = check_status(entry_for(REVOKED), make_list(), list_verified=False)
    assert (result.outcome, result.code) == ("unknown", "status_verification_error")
    assert check_status(entry_for(REVOKED), make_list(), list_verified=True).outcome == "failed"


def test_an_index_outside_the_list_is_a_range_error() -> None:
    result = check_status(entry_for(MIN_ENTRIES), make_list())
    assert (result.outcome, result.code) == ("unknown", "range_error")


def test_a_list_below_the_minimum_length_is_read_and_its_length_reported() -> None:
    """The herd-privacy minimum protects holders; it does not make the bit less true (the
    DCC's lists have 100,000 entries): the value is read and the shortness reported."""
    short = make_list()
    short["credentialSubject"]["encodedList"] = gzip_list(bytes(1024))
    result = check_status(entry_for(GOOD), short)
    assert (result.outcome, result.short_list) == ("passed", 8192)
    revoked = bytearray(1024)
    revoked[GOOD // 8] |= 0x80 >> (GOOD % 8)
    short["credentialSubject"]["encodedList"] = gzip_list(bytes(revoked))
    assert check_status(entry_for(GOOD), short).outcome == "failed"
    assert check_status(entry_for(MIN_ENTRIES), make_list()).short_list is None


@pytest.mark.parametrize("index", [42, "-1", " 42", "4e2", "0x2a", "", "1" * 25])
def test_a_malformed_index_is_unknown(index: Any) -> None:
    result = check_status({**entry_for(GOOD), "statusListIndex": index}, make_list())
    assert (result.outcome, result.code) == ("unknown", "malformed_value_error")


@pytest.mark.parametrize(
    ("broken", "code"),
    [
        ({"type": ["VerifiableCredential"]}, "status_verification_error"),
        ({"id": "https://example.com/credentials/status/4"}, "status_verification_error"),
        ({"credentialSubject": {"type": "BitstringStatusList"}}, "malformed_value_error"),
        ({"credentialSubject": "nope"}, "malformed_value_error"),
        ({"validFrom": "yesterday"}, "malformed_value_error"),
        ({"validFrom": "2099-01-01T00:00:00Z"}, "status_verification_error"),
        ({"validUntil": "2026-01-02T00:00:00Z"}, "status_verification_error"),
    ],
)
def test_a_malformed_or_stale_list_is_unknown(broken: dict[str, Any], code: str) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    result = check_status(entry_for(REVOKED), make_list(**broken), now=now)
    assert (result.outcome, result.code) == ("unknown", code)


def test_a_broken_encoded_list_is_unknown() -> None:
    broken = make_list()
    broken["credentialSubject"]["encodedList"] = "not multibase"
    result = check_status(entry_for(REVOKED), broken)
    assert (result.outcome, result.code) == ("unknown", "malformed_value_error")


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"type": "RevocationList2020Status"}, "unsupported_status_type"),
        ({"type": "StatusList2021Entry"}, "status_verification_error"),  # not a 2021 list
        ({"statusPurpose": "custom"}, "unsupported_purpose"),
        ({"statusPurpose": 7}, "malformed_value_error"),
        ({"statusListCredential": None}, "malformed_value_error"),
        ({"statusSize": 2}, "malformed_value_error"),  # statusMessage is then required
        ({"statusSize": 99}, "malformed_value_error"),
        ({"statusMessage": MESSAGES}, "malformed_value_error"),  # 4 items for 1 bit
    ],
)
def test_a_malformed_entry_is_unknown(entry: dict[str, Any], code: str) -> None:
    result = check_status({**entry_for(REVOKED), **entry}, make_list())
    assert (result.outcome, result.code) == ("unknown", code)


def test_a_non_object_entry_is_unknown() -> None:
    result = check_status("revoked?", make_list())  # type: ignore[arg-type]
    assert (result.outcome, result.purpose) == ("unknown", "")


def test_two_bit_message_statuses_carry_the_issuers_message() -> None:
    # We read message lists (section 2.1, example 2) but do not publish them.
    status_list = make_list("message", set_indexes={3: 2, 4: 1}, status_size=2)
    entry = {
        **status_entry(
            list_credential_url=LIST_URL,
            index=3,
            purpose="suspension",
            status_size=2,
            status_message=MESSAGES,
        ),
        "statusPurpose": "message",
    }
    result = check_status(entry, status_list)
    assert (result.outcome, result.value, result.status_message) == ("passed", 2, "rejected")
    assert "0x2" in result.message
    other = check_status({**entry, "statusListIndex": "4"}, status_list)
    assert (other.value, other.status_message) == (1, "accepted")


def test_refresh_is_information_not_failure() -> None:
    # We never publish refresh entries, but we read them (section 2.1).
    entry = {**entry_for(REVOKED), "statusPurpose": "refresh"}
    result = check_status(entry, make_list("refresh"))
    assert (result.outcome, result.value) == ("passed", 1)
    assert "updated version" in result.message
