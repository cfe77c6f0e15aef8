"""The built-in base58btc codec agrees with the ``base58`` package, byte for byte and error for
error (it replaced it on the signing and verification path for speed)."""

from __future__ import annotations

import base58
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.vc.errors import KeyFormatError
from microcred.vc.multibase import decode_base58btc, encode_base58btc
from tests.profiles import examples

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
payloads = st.binary(max_size=80) | st.builds(
    lambda zeros, data: b"\0" * zeros + data, st.integers(0, 4), st.binary(max_size=70)
)


@given(payloads)
@settings(max_examples=examples(2000))
def test_encoding_matches_the_base58_package(data):
    encoded = encode_base58btc(data)
    assert encoded == "z" + base58.b58encode(data).decode("ascii")
    if data:
        assert decode_base58btc(encoded) == data


@given(st.text(alphabet=BASE58 + "0OIl \n\té", min_size=1, max_size=40))
@settings(max_examples=examples(2000))
def test_decoding_matches_the_base58_package(text):
    try:
        expected: bytes | str = base58.b58decode(text)
    except ValueError as exc:
        expected = f"value is not valid base58btc: {exc}"
    try:
        actual: bytes | str = decode_base58btc("z" + text)
    except KeyFormatError as exc:
        actual = exc.message
    assert actual == expected
