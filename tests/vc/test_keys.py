from __future__ import annotations

import pytest

from microcred.vc.did import Resolver, did_key_document, did_web_url
from microcred.vc.errors import KeyFormatError, ResolutionError
from microcred.vc.keys import Ed25519Multikey, Ed25519PublicMultikey, RsaKey, load_key
from microcred.vc.multibase import encode_base58btc

from .conftest import read_json


def test_vector_key_pair_reads_with_private_key_multibase(vectors, vector_key):
    data = read_json(vectors / "keyPair.json")
    assert vector_key.public_multibase == data["publicKeyMultibase"]
    assert vector_key.secret_multibase == data["privateKeyMultibase"]
    assert vector_key.verification_method == (
        f"did:key:{data['publicKeyMultibase']}#{data['publicKeyMultibase']}"
    )


def test_generate_round_trips_through_json():
    key = Ed25519Multikey.generate()
    data = key.to_json()
    assert set(data) >= {"publicKeyMultibase", "secretKeyMultibase", "did", "verificationMethod"}
    assert data["publicKeyMultibase"].startswith("z6Mk")
    again = Ed25519Multikey.from_json(data)
    assert again.seed == key.seed
    assert again.public_bytes == key.public_bytes


def test_the_secret_never_shows_in_repr():
    key = Ed25519Multikey.generate()
    assert key.secret_multibase not in repr(key)
    assert key.seed.hex() not in repr(key)


def test_seed_gives_a_deterministic_key():
    assert Ed25519Multikey.generate(b"\x01" * 32).did == Ed25519Multikey.generate(b"\x01" * 32).did


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        # an X25519 public key (multicodec 0xec01) is not an Ed25519 key
        ("publicKeyMultibase", encode_base58btc(b"\xec\x01" + bytes(32)), "wrong_key_prefix"),
        ("secretKeyMultibase", encode_base58btc(b"\x13\x00" + bytes(32)), "wrong_key_prefix"),
        ("secretKeyMultibase", "z0OIl", "invalid_multibase"),  # not base58 characters
        ("secretKeyMultibase", "m" + "A" * 44, "invalid_multibase"),  # base64, not base58btc
        ("secretKeyMultibase", encode_base58btc(b"\x80\x26" + bytes(31)), "invalid_key_length"),
    ],
)
def test_bad_keys_are_refused_with_a_reason(field, value, code):
    good = Ed25519Multikey.generate().to_json()
    data = {"secretKeyMultibase": good["secretKeyMultibase"], field: value}
    with pytest.raises(KeyFormatError) as caught:
        if field == "publicKeyMultibase":
            Ed25519PublicMultikey.from_multibase(value)
        else:
            Ed25519Multikey.from_json(data)
    assert caught.value.code == code


def test_a_public_key_that_does_not_match_the_secret_is_refused():
    data = Ed25519Multikey.generate().to_json()
    data["publicKeyMultibase"] = Ed25519Multikey.generate().public_multibase
    with pytest.raises(KeyFormatError) as caught:
        Ed25519Multikey.from_json(data)
    assert caught.value.code == "key_mismatch"


def test_rsa_keys_round_trip_through_pem():
    key = RsaKey.generate()
    again = load_key({"privateKeyPem": key.private_pem().decode()})
    assert isinstance(again, RsaKey)
    assert again.public_pem() == key.public_pem()
    assert RsaKey.from_pem(key.public_pem()).private is None


def test_did_key_resolution_offline():
    key = Ed25519Multikey.generate()
    document = did_key_document(key.did)
    assert document["assertionMethod"] == [key.verification_method]
    method = Resolver().verification_method(key.verification_method)
    assert method.controller == key.did
    assert "assertionMethod" in method.relationships
    assert method.key.public_bytes == key.public_bytes


def test_did_key_of_another_curve_is_refused():
    # secp256k1 (multicodec 0xe7): P-256 and P-384 did:keys resolve (tests/vc/test_suites.py)
    k256 = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"
    with pytest.raises(KeyFormatError) as caught:
        Resolver().verification_method(k256 + "#x")
    assert caught.value.code in {"unsupported_key_type", "wrong_key_prefix"}


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
        ("did:web:example.com:users:alice", "https://example.com/users/alice/did.json"),
    ],
)
def test_did_web_urls(did, url):
    assert did_web_url(did) == url


def test_did_web_needs_permission_to_use_the_network():
    with pytest.raises(ResolutionError) as caught:
        Resolver().verification_method("did:web:example.com#key-1")
    assert caught.value.code == "network_disallowed"


def test_did_web_answered_by_the_caller_without_network():
    key = Ed25519Multikey.generate()
    did = "did:web:badges.example.org"
    vm = f"{did}#key-1"
    document = {
        "id": did,
        "verificationMethod": [key.multikey_document(vm, did)],
        "assertionMethod": ["#key-1"],
    }
    method = Resolver(source=lambda ident: document if ident == did else None).verification_method(
        vm
    )
    assert method.controller == did
    assert method.relationships == {"assertionMethod"}


def test_did_web_guard_refuses_before_fetching():
    def guard(url: str) -> None:
        raise ResolutionError(f"refused {url}", code="address_refused")

    with pytest.raises(ResolutionError) as caught:
        Resolver(allow_network=True, guard=guard).document("did:web:10.0.0.1")
    assert caught.value.code == "address_refused"


def test_unsupported_did_methods_are_named():
    with pytest.raises(ResolutionError) as caught:
        Resolver().document("did:ion:abc")
    assert "ion" in caught.value.message
