"""``microcred vc`` as other tools use it: exact forms, exit statuses, and no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EXAMPLE_CONTEXTS, read_json

EXAMPLES = f"https://www.w3.org/ns/credentials/examples/v2={EXAMPLE_CONTEXTS['https://www.w3.org/ns/credentials/examples/v2']}"


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 60):
    """Run the real command (``microcred vc``) in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "vc", *args],
        capture_output=True,
        cwd=cwd,
        input=stdin,
        timeout=timeout,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    result = run("keygen", "--seed", "11" * 32, str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def badge_file(tmp_path: Path, badge, key_file) -> Path:
    badge["issuer"]["id"] = read_json(key_file)["did"]
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(badge))
    return path


def test_keygen_writes_the_documented_fields(key_file):
    data = read_json(key_file)
    assert set(data) >= {"publicKeyMultibase", "secretKeyMultibase", "did", "verificationMethod"}
    assert data["verificationMethod"] == f"{data['did']}#{data['publicKeyMultibase']}"
    assert key_file.stat().st_mode & 0o077 == 0  # the secret is readable by its owner only


def test_keygen_refuses_to_overwrite_and_bad_seeds(key_file):
    assert run("keygen", str(key_file)).returncode == 2
    bad = run("keygen", "--seed", "xyz", str(key_file.with_name("k2.json")))
    assert bad.returncode == 2 and b"--seed" in bad.stderr


def test_sign_reproduces_the_w3c_vector(vectors, tmp_path):
    key = tmp_path / "vector-key.json"
    key.write_text((vectors / "keyPair.json").read_text())
    result = run(
        "sign",
        "--key",
        str(key),
        "--created",
        "2023-02-24T23:36:38Z",
        "--context",
        EXAMPLES,
        str(vectors / "unsigned.json"),
    )
    assert result.returncode == 0, result.stderr
    expected = read_json(vectors / "eddsa-rdfc-2022" / "signedDataInt.json")
    assert json.loads(result.stdout) == expected


def test_sign_then_verify_every_cryptosuite(badge_file, key_file, tmp_path):
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt-eddsa"):
        out = tmp_path / f"signed-{suite}"
        signed = run(
            "sign",
            "--key",
            str(key_file),
            "--cryptosuite",
            suite,
            "--out",
            str(out),
            str(badge_file),
        )
        assert signed.returncode == 0, signed.stderr
        verified = run("verify", "--json", str(out))
        assert verified.returncode == 0, verified.stdout
        [report] = json.loads(verified.stdout)
        assert report["verdict"] == "passed"
        signed_doc = out.read_text()
        if suite != "jwt-eddsa":
            # sign keeps the issuer exactly as it was
            assert json.loads(signed_doc)["issuer"] == read_json(badge_file)["issuer"]


def test_sign_with_rsa_for_rs256(badge_file, tmp_path):
    key = tmp_path / "rsa.json"
    assert run("keygen", "--type", "rsa", str(key)).returncode == 0
    result = run("sign", "--key", str(key), "--cryptosuite", "jwt-rs256", str(badge_file))
    assert result.returncode == 0, result.stderr
    header = json.loads(
        __import__("base64").urlsafe_b64decode(result.stdout.split(b".")[0] + b"==")
    )
    assert header["alg"] == "RS256"
    mismatch = run("sign", "--key", str(key), "--cryptosuite", "eddsa-rdfc-2022", str(badge_file))
    assert mismatch.returncode == 2 and b"Ed25519" in mismatch.stderr


def test_verify_exit_statuses(badge_file, key_file, vectors, tmp_path):
    good = tmp_path / "good.json"
    assert run("sign", "--key", str(key_file), "--out", str(good), str(badge_file)).returncode == 0
    # The W3C vector names an https issuer and is signed with a did:key: the proof holds, but
    # nothing ties the key to the issuer, so the verdict is unknown (exit 1), not verified.
    unconfirmed = run(
        "verify", "--context", EXAMPLES, str(vectors / "eddsa-rdfc-2022" / "signedDataInt.json")
    )
    assert unconfirmed.returncode == 1
    assert b"UNKNOWN" in unconfirmed.stdout and b"nothing ties that key" in unconfirmed.stdout

    both = run("verify", "--json", str(good), str(badge_file))  # the second has no proof
    assert both.returncode == 1
    reports = json.loads(both.stdout)
    assert [r["verdict"] for r in reports] == ["passed", "failed"]
    assert {c["name"]: c["outcome"] for c in reports[1]["checks"]}["proof"] == "failed"

    missing = run("verify", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and b"cannot read" in missing.stdout
    assert run("verify").returncode == 2  # usage: no file


def test_verify_with_a_status_list(badge_file, key_file, tmp_path):
    status = tmp_path / "status.json"
    did = read_json(key_file)["did"]
    url = "https://badges.example.org/status/3"
    assert (
        run(
            "status-list",
            "new",
            "--id",
            url,
            "--issuer",
            did,
            "--key",
            str(key_file),
            "--out",
            str(status),
        ).returncode
        == 0
    )
    badge = read_json(badge_file)
    badge["credentialStatus"] = {
        "id": f"{url}#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": url,
    }
    badge_file.write_text(json.dumps(badge))
    signed = tmp_path / "signed.json"
    assert (
        run("sign", "--key", str(key_file), "--out", str(signed), str(badge_file)).returncode == 0
    )

    assert run("verify", str(signed)).returncode == 1  # status unknown without the list
    assert run("verify", "--status-list", str(status), str(signed)).returncode == 0
    assert run("status-list", "check", "--list", str(status), "--index", "5").returncode == 0
    assert (
        run(
            "status-list", "set", "--list", str(status), "--index", "5", "--key", str(key_file)
        ).returncode
        == 0
    )
    assert run("status-list", "check", "--list", str(status), "--index", "5").returncode == 1
    revoked = run("verify", "--status-list", str(status), str(signed))
    assert revoked.returncode == 1 and b"revoked" in revoked.stdout
    assert (
        run(
            "status-list", "clear", "--list", str(status), "--index", "5", "--key", str(key_file)
        ).returncode
        == 0
    )
    assert run("verify", "--status-list", str(status), str(signed)).returncode == 0


def test_verify_now_checks_expiry(badge_file, key_file, tmp_path):
    badge = read_json(badge_file)
    badge["validUntil"] = "2027-01-01T00:00:00Z"
    badge_file.write_text(json.dumps(badge))
    signed = tmp_path / "signed.json"
    assert (
        run("sign", "--key", str(key_file), "--out", str(signed), str(badge_file)).returncode == 0
    )
    assert run("verify", "--now", "2026-06-01T00:00:00Z", str(signed)).returncode == 0
    assert run("verify", "--now", "2028-01-01T00:00:00Z", str(signed)).returncode == 1
    assert run("verify", "--now", "someday", str(signed)).returncode == 2


def test_canonicalize_prints_n_quads(vectors):
    result = run("canonicalize", "--context", EXAMPLES, str(vectors / "unsigned.json"))
    assert result.returncode == 0
    expected = (vectors / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_bytes()
    assert result.stdout == expected


def test_bake_and_unbake_png_and_svg(badge_file, key_file, tmp_path):
    signed = tmp_path / "signed.json"
    assert (
        run("sign", "--key", str(key_file), "--out", str(signed), str(badge_file)).returncode == 0
    )
    png = tmp_path / "badge.png"
    buffer = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 120, 80, 255)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())
    svg = tmp_path / "badge.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"/>')
    for image in (png, svg):
        baked = tmp_path / f"baked{image.suffix}"
        assert (
            run(
                "bake", "--image", str(image), "--credential", str(signed), "--out", str(baked)
            ).returncode
            == 0
        )
        unbaked = run("unbake", str(baked))
        assert unbaked.returncode == 0
        assert json.loads(unbaked.stdout) == read_json(signed)
        assert run("verify", str(baked)).returncode == 0
    plain = run("unbake", str(png))
    assert plain.returncode == 2 and b"no_credential" in plain.stderr


def test_help_is_available_for_every_command():
    for command in ("keygen", "sign", "verify", "canonicalize", "bake", "unbake", "status-list",
                    "present", "verify-presentation"):
        result = run(command, "--help")
        assert result.returncode == 0 and b"usage:" in result.stdout


def test_verify_with_a_status_list_given_by_the_url_the_credential_cites(
    badge_file, key_file, tmp_path
):
    """``--status-list URL=FILE``: the list at the URL the credential cites, whatever its own
    ``id`` says, checked offline."""
    from microcred.vc.data_integrity import sign
    from microcred.vc.keys import load_key
    from microcred.vc.status_list import StatusList, status_entry, status_list_credential

    key = load_key(read_json(key_file))
    cited = "https://badges.example.org/status/9"
    badge = read_json(badge_file)
    badge["credentialStatus"] = status_entry(list_credential_url=cited, index=12,
                                             purpose="revocation")
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(sign(badge, key=key)))
    files = {}
    for name, revoked in (("revoked", True), ("fine", False)):
        bits = StatusList()
        if revoked:
            bits.set(12)
        listed = status_list_credential(id="https://badges.example.org/lists/nine",
                                        issuer=key.did, purpose="revocation",
                                        encoded_list=bits.encode(),
                                        valid_from="2026-01-01T00:00:00Z")
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(sign(listed, key=key)))

    offline = run("verify", str(signed))
    assert offline.returncode == 1 and b"unknown" in offline.stdout
    revoked = run("verify", "--status-list", f"{cited}={files['revoked']}", str(signed))
    assert revoked.returncode == 1, revoked.stdout.decode()
    assert b"FAILED   status    The credential has been revoked." in revoked.stdout
    fine = run("verify", "--status-list", f"{cited}={files['fine']}", str(signed))
    assert fine.returncode == 0, fine.stdout.decode()
    # A bare FILE stands for the URL in its own id, which is not the one cited here.
    assert run("verify", "--status-list", str(files["revoked"]), str(signed)).returncode == 1
    missing = run("verify", "--status-list", f"{cited}={tmp_path / 'nope.json'}", str(signed))
    assert missing.returncode == 2 and b"cannot read status list" in missing.stderr
    helped = run("verify", "--help").stdout.decode()
    assert "--status-list URL=FILE" in helped and "--ob2-document URL=FILE" in helped


def test_verify_reads_a_signed_open_badges_2_assertion(tmp_path):
    """An OB 2.0 signed assertion (a compact JWS) goes to the OB 2.0 verifier, its key the
    CryptographicKey at ``verification.creator``, here supplied offline."""
    from .test_ob2_signed import ob2_signed_site

    token, tampered, documents = ob2_signed_site()
    args = []
    for url, document in documents.items():
        path = tmp_path / (url.rsplit("/", 1)[1] + ".json")
        path.write_text(json.dumps(document))
        args += ["--ob2-document", f"{url}={path}"]
    (tmp_path / "badge.jws").write_text(token)
    (tmp_path / "tampered.jws").write_text(tampered)
    good = run("verify", *args, str(tmp_path / "badge.jws"))
    assert good.returncode == 0, good.stdout.decode()
    assert b"Read a signed Open Badges 2.0 assertion" in good.stdout
    assert b"The RS256 signature is valid" in good.stdout
    assert b"neither 'kid' nor 'jwk'" not in good.stdout
    bad = run("verify", *args, str(tmp_path / "tampered.jws"))
    assert bad.returncode == 1 and b"FAILED   proof" in bad.stdout
    offline = run("verify", str(tmp_path / "badge.jws"))  # the key is on the issuer's site
    assert offline.returncode == 1 and b"unknown  proof" in offline.stdout
