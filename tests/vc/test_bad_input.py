"""Hostile and broken input: each gets a clear error naming the problem, within bounded time and
memory, and never a traceback (the CLI runs in a child process with a memory cap)."""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from microcred.vc.baking import bake_png
from microcred.vc.multibase import encode_base58btc

MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space for the child
TIME_CAP = 30


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*args: str):
    result = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "vc", *args],
        capture_output=True,
        timeout=TIME_CAP,
        preexec_fn=_limit,
    )
    output = result.stdout + result.stderr
    assert b"Traceback" not in output, output.decode()
    return result.returncode, output.decode()


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    assert run("keygen", str(path))[0] == 0
    return path


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


CASES = {
    "malformed JSON": (b'{"@context": [', "not valid JSON"),
    "not UTF-8": (b"\xff\xfe{}", "UTF-8"),
    "nesting 10,000 deep": (b"[" * 10_000 + b"]" * 10_000, "deeper than"),
    "a JSON array, not an object": (b"[1, 2, 3]", "JSON object"),
    "wrong types": (json.dumps({"@context": 5, "type": {"a": 1}, "proof": "x"}).encode(), ""),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_credentials_get_a_clear_verify_report(tmp_path, name):
    data, words = CASES[name]
    path = tmp_path / "input.json"
    path.write_bytes(data)
    status, output = run("verify", str(path))
    assert status in (1, 2)
    assert words in output
    assert "FAILED" in output


def test_a_50_megabyte_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"padding": "')
        handle.write(b"a" * (50 * 1024 * 1024))
        handle.write(b'"}')
    status, output = run("verify", str(path))
    assert status == 2
    assert "limit is" in output


@pytest.mark.parametrize("name", ["malformed JSON", "nesting 10,000 deep"])
def test_bad_documents_are_refused_by_sign(tmp_path, key, name):
    path = tmp_path / "input.json"
    path.write_bytes(CASES[name][0])
    status, output = run("sign", "--key", str(key), str(path))
    assert status == 2
    assert CASES[name][1] in output


def test_unknown_cryptosuite_is_a_usage_error(tmp_path, key, badge):
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(badge))
    status, output = run("sign", "--key", str(key), "--cryptosuite", "ecdsa-rdfc-2019", str(path))
    assert status == 2
    assert "invalid choice: 'ecdsa-rdfc-2019'" in output


def test_unknown_cryptosuite_in_a_proof_is_named(tmp_path, badge, issuer_key):
    from microcred.vc.data_integrity import sign

    signed = sign(badge, key=issuer_key)
    signed["proof"]["cryptosuite"] = "bbs-2023"
    path = tmp_path / "signed.json"
    path.write_text(json.dumps(signed))
    status, output = run("verify", str(path))
    assert status == 1
    assert "unsupported cryptosuite 'bbs-2023'" in output


@pytest.mark.parametrize(
    ("secret", "words"),
    [
        (encode_base58btc(b"\x13\x00" + bytes(32)), "multicodec prefix 0x1300"),  # P-256 secret
        ("z" + "0OIl" * 10, "not valid base58btc"),
        ("u" + "A" * 43, "must be a multibase base58btc"),
    ],
)
def test_wrong_key_prefix_and_broken_multibase(tmp_path, badge, secret, words):
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(badge))
    bad_key = tmp_path / "bad-key.json"
    bad_key.write_text(json.dumps({"secretKeyMultibase": secret}))
    status, output = run("sign", "--key", str(bad_key), str(path))
    assert status == 2
    assert words in output


def test_a_proof_with_broken_multibase_fails_the_proof_check(tmp_path, badge, issuer_key):
    from microcred.vc.data_integrity import sign

    signed = sign(badge, key=issuer_key)
    signed["proof"]["proofValue"] = "z0OIl"
    path = tmp_path / "signed.json"
    path.write_text(json.dumps(signed))
    status, output = run("verify", str(path))
    assert status == 1
    assert "not valid base58btc" in output


def test_a_png_with_two_credential_chunks(tmp_path, badge, issuer_key):
    from microcred.vc.data_integrity import sign

    text = json.dumps(sign(badge, key=issuer_key))
    baked = bake_png(_png(), text)
    iend = baked.rindex(b"IEND") - 4
    itxt = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + text.encode())
    doubled = baked[:iend] + itxt + baked[iend:]
    path = tmp_path / "double.png"
    path.write_bytes(doubled)
    for command in (("verify", str(path)), ("unbake", str(path))):
        status, output = run(*command)
        assert status == 2
        assert "more than one" in output.lower() or "multiple" in output.lower()


def test_a_truncated_png(tmp_path, badge, issuer_key):
    from microcred.vc.data_integrity import sign

    baked = bake_png(_png(), json.dumps(sign(badge, key=issuer_key)))
    path = tmp_path / "truncated.png"
    path.write_bytes(baked[: len(baked) // 2])
    for command in (("verify", str(path)), ("unbake", str(path))):
        status, output = run(*command)
        assert status == 2
        assert "truncated" in output.lower()
