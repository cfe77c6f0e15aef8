"""Where a status list comes from (the URL the credential cites, the caller's lists, the
network through a cache that honours ``ttl`` and ``validUntil``) and VC Status List 2021
entries read beside Bitstring Status List ones."""

from __future__ import annotations

import base64
import copy
import gzip
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.vc import verifier
from microcred.vc.data_integrity import sign
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.status_list import (
    MIN_ENTRIES,
    StatusList,
    check_status,
    decode_2021,
    status_entry,
    status_list_credential,
)
from microcred.vc.verifier import StatusListCache, VerifyOptions, verify_report

CITED = "https://issuer.example/status/3"
#: DCC's status lists are published at one URL and name themselves by another.
OTHER_ID = "https://issuer.example/credentials/status/3"
INDEX = 4711


def _bitstring_list(key: Ed25519Multikey, *, list_id: str, revoked: set[int] = frozenset(),
                    **subject: Any) -> dict[str, Any]:
    bits = StatusList()
    for index in revoked:
        bits.set(index)
    listed = status_list_credential(id=list_id, issuer=key.did, purpose="revocation",
                                    encoded_list=bits.encode(),
                                    valid_from="2026-01-01T00:00:00Z",
                                    valid_until=subject.pop("valid_until", None))
    listed["credentialSubject"].update(subject)
    return sign(listed, key=key)


def _badge_citing(badge: dict[str, Any], key: Ed25519Multikey, url: str = CITED) -> dict:
    badge = copy.deepcopy(badge)
    badge["credentialStatus"] = status_entry(list_credential_url=url, index=INDEX,
                                             purpose="revocation")
    return sign(badge, key=key)


def _status(report: Any) -> tuple[str, str]:
    check = report.check("status")
    return check.outcome, check.code


# -- A. the list the credential cites ------------------------------------------------------------


def test_a_list_is_found_by_the_url_the_credential_cites(badge, issuer_key) -> None:
    signed = _badge_citing(badge, issuer_key)
    revoked = _bitstring_list(issuer_key, list_id=OTHER_ID, revoked={INDEX})
    by_url = verify_report(signed, VerifyOptions(status_lists={CITED: revoked}))
    assert _status(by_url) == ("failed", "status.revoked")
    fine = _bitstring_list(issuer_key, list_id=OTHER_ID)
    assert _status(verify_report(signed, VerifyOptions(status_lists={CITED: fine}))) == (
        "passed", "status.not_revoked")
    # The caller's own source answers by the cited URL too.
    sourced = verify_report(signed, VerifyOptions(status_list_source={CITED: revoked}.get))
    assert _status(sourced) == ("failed", "status.revoked")


def test_a_list_whose_id_is_the_cited_url_is_still_accepted(badge, issuer_key) -> None:
    signed = _badge_citing(badge, issuer_key)
    revoked = _bitstring_list(issuer_key, list_id=CITED, revoked={INDEX})
    # Supplied under another key (the CLI's --status-list FILE keys lists by their id).
    report = verify_report(signed, VerifyOptions(status_lists={"list-1": revoked}))
    assert _status(report) == ("failed", "status.revoked")


def test_check_status_alone_still_compares_the_id() -> None:
    listed = status_list_credential(id=OTHER_ID, issuer="did:example:i", purpose="revocation",
                                    encoded_list=StatusList().encode(),
                                    valid_from="2026-01-01T00:00:00Z")
    entry = status_entry(list_credential_url=CITED, index=1, purpose="revocation")
    assert check_status(entry, listed).code == "status_verification_error"
    assert check_status(entry, listed, dereferenced=True).outcome == "passed"


class Network:
    """A fake of the guarded fetcher: counts what is fetched."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.fetched: list[str] = []

    def __call__(self, url: str, **kwargs: Any) -> bytes:
        self.fetched.append(url)
        if url not in self.pages:
            raise ResolutionError(f"could not fetch {url}: HTTP 404", code="fetch_failed")
        return self.pages[url]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


def _served(document: dict[str, Any]) -> bytes:
    import json

    return json.dumps(document).encode()


def test_a_fetched_list_is_reused_for_its_ttl(badge, issuer_key, monkeypatch) -> None:
    signed = _badge_citing(badge, issuer_key)
    network = Network({CITED: _served(_bitstring_list(issuer_key, list_id=OTHER_ID,
                                                      revoked={INDEX}, ttl=60_000))})
    monkeypatch.setattr(verifier, "fetch_bytes", network)
    clock = Clock()
    cache = StatusListCache(clock=clock)
    options = VerifyOptions(allow_network=True, status_list_cache=cache)
    assert _status(verify_report(signed, options)) == ("failed", "status.revoked")
    assert _status(verify_report(signed, options)) == ("failed", "status.revoked")
    assert network.fetched == [CITED]  # the second verification did not fetch
    clock.now += 59
    verify_report(signed, options)
    assert network.fetched == [CITED]
    clock.now += 2  # past the list's ttl of 60 seconds
    network.pages[CITED] = _served(_bitstring_list(issuer_key, list_id=OTHER_ID, ttl=60_000))
    assert _status(verify_report(signed, options)) == ("passed", "status.not_revoked")
    assert network.fetched == [CITED, CITED]
    # Without a cache every verification fetches.
    verify_report(signed, VerifyOptions(allow_network=True, status_list_cache=None))
    assert len(network.fetched) == 3


def test_the_cache_keeps_a_list_no_longer_than_its_validity_or_the_default() -> None:
    clock = Clock()
    cache = StatusListCache(clock=clock)
    until = datetime.fromtimestamp(clock.now + 30, UTC).isoformat().replace("+00:00", "Z")
    assert cache.lifetime({"validUntil": until, "credentialSubject": {"ttl": 600_000}}) == \
        pytest.approx(30)
    assert cache.lifetime({"credentialSubject": {}}) == verifier.DEFAULT_STATUS_LIST_TTL
    assert cache.lifetime({"credentialSubject": {"ttl": 10**12}}) == verifier.MAX_STATUS_LIST_TTL
    cache.put("https://a.example/expired", b"{}", {"validUntil": "2020-01-01T00:00:00Z"})
    assert cache.get("https://a.example/expired") is None and len(cache) == 0
    cache.put("https://a.example/x", b"{}", {})
    clock.now += verifier.DEFAULT_STATUS_LIST_TTL
    assert cache.get("https://a.example/x") is None  # expired: fetched again


def test_the_cache_is_bounded() -> None:
    cache = StatusListCache(max_entries=3, max_bytes=10)
    for number in range(5):
        cache.put(f"https://a.example/{number}", b"{}", {})
    assert len(cache) == 3 and cache.get("https://a.example/0") is None
    assert cache.get("https://a.example/4") == b"{}"
    cache.put("https://a.example/big", b"x" * 9, {})  # pushes the others past 10 bytes
    assert len(cache) == 1
    cache.put("https://a.example/huge", b"x" * 11, {})  # never kept
    assert cache.get("https://a.example/huge") is None


# -- C. VC Status List 2021 ----------------------------------------------------------------------

VC1 = "https://www.w3.org/2018/credentials/v1"
SL2021 = "https://w3id.org/vc/status-list/2021/v1"
LIST_2021 = "https://issuer.example/status/2021/1"


def _encoded_2021(revoked: set[int], *, alphabet: str = "url", prefix: str = "") -> str:
    """VC Status List 2021, section 2.2: base64 of the GZIP bitstring (the first index the
    most significant bit of the first byte), without a multibase prefix."""
    bits = bytearray(MIN_ENTRIES // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits))
    if alphabet == "url":
        return prefix + base64.urlsafe_b64encode(packed).decode().rstrip("=")
    return prefix + base64.b64encode(packed).decode()


def _list_2021(key: Ed25519Multikey, *, purpose: str = "revocation",
               revoked: set[int] = frozenset(), **encoding: str) -> dict[str, Any]:
    return sign({
        "@context": [VC1, SL2021],
        "id": LIST_2021,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": key.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_2021}#list", "type": "StatusList2021",
                              "statusPurpose": purpose,
                              "encodedList": _encoded_2021(revoked, **encoding)},
    }, key=key)


def _entry_2021(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {"id": f"{LIST_2021}#{index}", "type": "StatusList2021Entry",
            "statusPurpose": purpose, "statusListIndex": str(index),
            "statusListCredential": LIST_2021}


def _vc11(key: Ed25519Multikey, status: Any, *contexts: str) -> dict[str, Any]:
    return sign({
        "@context": [VC1, SL2021, *contexts],
        "id": "urn:uuid:8c7f9a52-0b0e-4b43-9f73-5a4d3c2b1a00",
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "issuanceDate": "2026-01-02T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner-9"},
        "credentialStatus": status,
    }, key=key)


def test_a_status_list_2021_entry_is_read(issuer_key) -> None:
    credential = _vc11(issuer_key, _entry_2021(INDEX))
    revoked = _list_2021(issuer_key, revoked={INDEX})
    report = verify_report(credential, VerifyOptions(status_lists={LIST_2021: revoked}))
    assert report.check("proof").outcome == "passed"  # type: ignore[union-attr]
    assert _status(report) == ("failed", "status.revoked")
    others = _list_2021(issuer_key, revoked={INDEX - 1, INDEX + 1})
    fine = verify_report(credential, VerifyOptions(status_lists={LIST_2021: others}))
    assert _status(fine) == ("passed", "status.not_revoked")


def test_a_status_list_2021_signed_by_someone_else_is_unverified(issuer_key) -> None:
    credential = _vc11(issuer_key, _entry_2021(INDEX))
    forged = _list_2021(Ed25519Multikey.generate(), revoked=set())
    report = verify_report(credential, VerifyOptions(status_lists={LIST_2021: forged}))
    assert _status(report) == ("unknown", "status.revocation_unverified")


def test_status_list_2021_suspension_mixed_with_a_bitstring_entry(issuer_key) -> None:
    bitstring = status_entry(list_credential_url=CITED, index=INDEX, purpose="revocation")
    credential = _vc11(issuer_key, [bitstring, _entry_2021(7, "suspension")],
                       "https://www.w3.org/ns/credentials/status/v1")
    lists = {CITED: _bitstring_list(issuer_key, list_id=CITED),
             LIST_2021: _list_2021(issuer_key, purpose="suspension", revoked={7})}
    report = verify_report(credential, VerifyOptions(status_lists=lists))
    assert _status(report) == ("failed", "status.suspended")  # the failed finding is shown
    lists[LIST_2021] = _list_2021(issuer_key, purpose="suspension", revoked={8})
    check = verify_report(credential, VerifyOptions(status_lists=lists)).check("status")
    assert check is not None and check.outcome == "passed"
    assert [part.code for part in check.parts] == ["status.not_revoked", "status.not_suspended"]


@pytest.mark.parametrize("encoding", [{"alphabet": "url"}, {"alphabet": "standard"},
                                      {"alphabet": "url", "prefix": "u"}])
def test_status_list_2021_encodings(encoding: dict[str, str]) -> None:
    bits = decode_2021(_encoded_2021({0, 131_071}, **encoding))
    assert bits.get(0) == 1 and bits.get(131_071) == 1 and bits.get(1) == 0


def test_status_list_2021_refuses_a_purpose_it_does_not_define() -> None:
    result = check_status({**_entry_2021(1), "statusPurpose": "message"}, None)
    assert (result.outcome, result.code) == ("unknown", "unsupported_purpose")


def test_a_jwt_secured_list_signed_by_the_issuer_counts(badge, issuer_key, monkeypatch) -> None:
    """A list fetched as a VC-JOSE JWT: its signature is checked on reading, and it speaks for
    the credential only when the key is the issuer's."""
    from microcred.vc.jose import sign_jwt

    signed = _badge_citing(badge, issuer_key)
    unsigned = _bitstring_list(issuer_key, list_id=CITED, revoked={INDEX})
    unsigned.pop("proof")
    network = Network({CITED: sign_jwt(unsigned, key=issuer_key).encode()})
    monkeypatch.setattr(verifier, "fetch_bytes", network)
    options = VerifyOptions(allow_network=True, status_list_cache=None)
    assert _status(verify_report(signed, options)) == ("failed", "status.revoked")
    stranger = Ed25519Multikey.generate()
    network.pages[CITED] = sign_jwt({**unsigned, "issuer": stranger.did}, key=stranger).encode()
    assert _status(verify_report(signed, options)) == ("unknown", "status.revocation_unverified")
