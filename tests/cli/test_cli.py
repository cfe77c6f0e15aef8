import json
from pathlib import Path

import pytest
from django.core.management import call_command

from microcred.cli import main
from microcred.issuance.management.commands.credentials import safe_filename
from microcred.issuance.models import Credential
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, pass_attempt, submitted_attempt


@pytest.mark.django_db
def test_credentials_export_is_byte_for_byte(tmp_path: Path, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get()
    call_command("credentials", "export", str(tmp_path / "out"))
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [f"{credential.public_id}.json"]
    assert files[0].read_bytes() == credential.signed_json.encode("utf-8")
    assert json.loads(files[0].read_bytes())["id"] == credential.credential_id


def test_safe_filename() -> None:
    assert safe_filename("https://x.test/credentials/abc-1") == "abc-1.json"
    assert safe_filename("urn:uuid:1234") == "1234.json"
    assert safe_filename("https://x.test/../../etc/passwd") == "passwd.json"
    assert safe_filename("https://x.test/..") == "credential.json"


def test_cli_errors_are_one_line_and_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no-such-command" in err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "credentials export DIR" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "says"), [
    (["--version"], "microcred 0.1.0"),
    (["-V"], "microcred 0.1.0"),
    (["--help"], "credentials export DIR"),
    (["migrate", "--help"], "usage: microcred migrate"),
    (["credentials", "--help"], "usage: microcred credentials"),
    (["vc", "--help"], "sign"),
    (["vc", "keygen", "--help"], "usage"),
])
def test_asking_for_help_or_the_version_writes_nothing(tmp_path: Path, args: list[str],
                                                         says: str) -> None:
    """Issue 24, item 7: `microcred --version` printed Django's version and created
    ./var/secret_key wherever it ran; asking must not write anything."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MICROCRED_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(root / "src")
    done = subprocess.run([sys.executable, "-m", "microcred.cli", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert says in done.stdout, done.stdout[:500]
    assert list(tmp_path.iterdir()) == []


# -- microcred vc verify --proof-only (issue 14, finding 16) ---------------------------------

_TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
_VECTORS = _TESTDATA / "w3c-vc-di-eddsa" / "TestVectors"
# The eddsa vectors of W3C vc-di-eddsa (Ed25519Signature2020 is the legacy suite, which the
# core does not implement). Each names the example context the bundle now carries.
_EDDSA_VECTORS = ("eddsa-rdfc-2022/signedDataInt.json", "eddsa-jcs-2022/signedJCS.json",
                  "proof-set-chain/signedProofSet1.json", "proof-set-chain/signedProofSet2.json",
                  "eddsa-rdfc-2022/employ/signedDataInt.json")


def test_vc_verify_proof_only_passes_the_w3c_eddsa_vectors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not _VECTORS.is_dir():
        pytest.skip(f"W3C vc-di-eddsa test vectors not found at {_VECTORS}")
    citizenship = _TESTDATA / "w3c-contexts" / "citizenship-v4rc1.jsonld"
    files = [str(_VECTORS / name) for name in _EDDSA_VECTORS]
    # Without --proof-only the vectors fail: their issuer (https://vc.example/...) is not the
    # did:key that signed.
    assert main(["vc", "verify", "--context", f"https://w3id.org/citizenship/v4rc1={citizenship}",
                 *files]) == 1
    capsys.readouterr()
    assert main(["vc", "verify", "--proof-only", "--json", "--context",
                 f"https://w3id.org/citizenship/v4rc1={citizenship}", *files]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert len(reports) == len(files)
    for report in reports:
        assert report["verdict"] == "passed", report
        assert [c["name"] for c in report["checks"]] == ["format", "proof"]


def test_vc_verify_proof_only_still_fails_a_tampered_vector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    signed = _VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json"
    if not signed.is_file():
        pytest.skip(f"W3C vc-di-eddsa test vectors not found at {_VECTORS}")
    document = json.loads(signed.read_text("utf-8"))
    document["credentialSubject"]["alumniOf"] = "Forged University"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), "utf-8")
    assert main(["vc", "verify", "--proof-only", str(tampered)]) == 1
    assert "FAILED   proof" in capsys.readouterr().out


# -- JSON-LD safe mode through `microcred vc sign` / `verify` (issue 14, finding A) -----------


def _vocab_null_credential(did: str) -> dict:
    """A credential whose context switches @vocab off: its `degree` is defined by nothing."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                     {"@vocab": None}],
        "id": "urn:uuid:2b0d1c5e-7a41-4f0e-9d55-3c1f6a9e8b21",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Riverside"},
        "validFrom": "2026-01-15T09:30:00Z",
        "credentialSubject": {
            "id": "did:example:learner-42", "type": ["AchievementSubject"], "degree": "BSc",
            "achievement": {"id": "https://microcred.example/achievements/1",
                            "type": ["Achievement"], "name": "A", "description": "B",
                            "criteria": {"narrative": "C"}},
        },
    }


def test_vc_sign_refuses_a_document_safe_mode_refuses_and_names_the_term(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    key = Ed25519Multikey.generate(bytes(32))
    key_file, credential = tmp_path / "key.json", tmp_path / "degree.json"
    key_file.write_text(json.dumps(key.to_json()), "utf-8")
    credential.write_text(json.dumps(_vocab_null_credential(key.did)), "utf-8")
    out = tmp_path / "signed.json"
    assert main(["vc", "sign", "--key", str(key_file), "--out", str(out), str(credential)]) != 0
    err = capsys.readouterr().err
    assert "degree" in err and "[undefined_terms]" in err and "Traceback" not in err
    assert not out.exists()


def test_vc_verify_refuses_a_tampered_credential_signed_without_safe_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.vc.test_safe_mode import _signed_without_safe_mode

    key = Ed25519Multikey.generate(bytes(32))
    signed = _signed_without_safe_mode(_vocab_null_credential(key.did), key, monkeypatch)
    signed["credentialSubject"]["degree"] = "PhD"  # outside what the old signature covered
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(signed), "utf-8")
    assert main(["vc", "verify", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "FAILED   proof" in out and "degree" in out and "safe mode" in out
