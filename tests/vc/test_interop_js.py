"""Interoperability with Digital Bazaar's reference JavaScript stack, both ways.

Direction A: microcred's CLI signs an OpenBadgeCredential (eddsa-rdfc-2022) and
``@digitalbazaar/vc``'s ``verifyCredential`` accepts it (and refuses a tampered copy).
Direction B: ``vc.issue`` with a DataIntegrityProof / eddsa-rdfc-2022 signs a badge with a key
from ``microcred vc keygen``, and microcred's CLI and library accept it (and refuse a tampered
copy).

The harness (js/harness.mjs) is installed with npm into a temporary folder once per session; its
JSON-LD document loader serves only microcred's bundled contexts (checked against the manifest's
sha256) and did:key documents, so neither side touches the network.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from microcred.vc.data_integrity import verify_proofs
from tests.vc.npm_folder import described, installed

NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(
        NODE is None or NPM is None,
        reason="interoperability with the JavaScript reference stack needs node and npm "
        f"on PATH (node: {NODE or 'missing'}, npm: {NPM or 'missing'})",
    ),
]

HERE = Path(__file__).resolve().parent
# src/microcred/vc/contexts/manifest.json, wherever the package is installed from.
MANIFEST = Path(str(resources.files("microcred.vc") / "contexts" / "manifest.json"))
NPM_TIMEOUT = 180
RUN_TIMEOUT = 60


@pytest.fixture(scope="session")
def js_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the harness with its pinned npm dependencies installed."""
    return installed(tmp_path_factory.mktemp("interop-js"), package="package.json",
                     script="harness.mjs", timeout=NPM_TIMEOUT)


def harness(js_stack: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, "harness.mjs", command, "--manifest", str(MANIFEST), *args],
        cwd=js_stack,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def microcred(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microcred.vc.cli", *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def open_badge(did: str) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential issued by ``did`` (with some text that needs escaping
    in N-Quads: non-ASCII, quotes, a backslash and a line break)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:8c0f6d2e-3b7a-4e19-9f55-0d6a2c1b7e43",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": did,
            "type": ["Profile"],
            "name": "École Riverside — Professional Learning",
        },
        "validFrom": "2026-01-15T09:30:00Z",
        "name": "Formative Assessment: Checking for Understanding",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://microcred.example/achievements/formative-assessment/1",
                "type": ["Achievement"],
                "name": "Formative Assessment: Checking for Understanding",
                "description": 'The educator "checks" understanding during a lesson\n'
                "and adjusts instruction (≥ 3 strategies, C:\\notes).",
                "criteria": {
                    "narrative": "Submit a lesson plan, two samples of student work and a "
                    "reflection; every rubric criterion must be scored Pass."
                },
            },
        },
    }


def tampered(credential: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["achievement"]["name"] = "Something Else Entirely"
    return changed


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("interop-work")


@pytest.fixture(scope="module")
def key_file(workdir: Path) -> Path:
    path = workdir / "issuer-key.json"
    proc = microcred("keygen", str(path))
    assert proc.returncode == 0, described(proc)
    return path


@pytest.fixture(scope="module")
def key_data(key_file: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(key_file.read_text("utf-8"))
    assert data["did"] == f"did:key:{data['publicKeyMultibase']}"
    return data


@pytest.fixture(scope="module")
def unsigned(workdir: Path, key_data: dict[str, Any]) -> Path:
    return write_json(workdir / "unsigned.json", open_badge(key_data["did"]))


def js_verify(js_stack: Path, path: Path) -> tuple[subprocess.CompletedProcess[str], Any]:
    proc = harness(js_stack, "verify", str(path))
    assert proc.returncode in (0, 1), f"the JS harness itself failed\n{described(proc)}"
    return proc, json.loads(proc.stdout)


# -- canonicalization ---------------------------------------------------------------------------


def test_canonical_nquads_match(js_stack: Path, unsigned: Path) -> None:
    """Both sides turn the same badge into byte-identical RDFC-1.0 N-Quads."""
    js = harness(js_stack, "canonize", str(unsigned))
    assert js.returncode == 0, described(js)
    py = microcred("canonicalize", str(unsigned))
    assert py.returncode == 0, described(py)
    assert js.stdout, "jsonld.canonize produced no N-Quads"
    assert py.stdout == js.stdout


# -- direction A: microcred signs, the JS reference verifier checks ------------------------------


@pytest.fixture(scope="module")
def microcred_signed(workdir: Path, key_file: Path, unsigned: Path) -> dict[str, Any]:
    proc = microcred("sign", "--key", str(key_file), str(unsigned))
    assert proc.returncode == 0, described(proc)
    signed: dict[str, Any] = json.loads(proc.stdout)
    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    return signed


def test_js_verifies_microcred_badge(
    js_stack: Path, workdir: Path, microcred_signed: dict[str, Any], key_data: dict[str, Any]
) -> None:
    path = write_json(workdir / "microcred-signed.json", microcred_signed)
    proc, report = js_verify(js_stack, path)
    assert report["verified"] is True, (
        "@digitalbazaar/vc refused a credential microcred signed:\n"
        + json.dumps(report["error"], indent=2)
        + "\n"
        + described(proc)
    )
    assert proc.returncode == 0
    [result] = report["results"]
    assert result["verified"] is True
    assert result["verificationMethod"]["id"] == key_data["verificationMethod"]


def test_js_rejects_tampered_microcred_badge(
    js_stack: Path, workdir: Path, microcred_signed: dict[str, Any]
) -> None:
    path = write_json(workdir / "microcred-signed-tampered.json", tampered(microcred_signed))
    proc, report = js_verify(js_stack, path)
    assert report["verified"] is False, described(proc)
    assert proc.returncode == 1
    # It fails on the signature, not on some unrelated loader or shape problem.
    [result] = report["results"]
    assert result["verified"] is False
    assert "signature" in json.dumps(result["error"]).lower(), json.dumps(report, indent=2)


# -- direction B: the JS reference issuer signs, microcred verifies ------------------------------


@pytest.fixture(scope="module")
def js_signed(js_stack: Path, key_file: Path, unsigned: Path) -> dict[str, Any]:
    proc = harness(js_stack, "issue", "--key", str(key_file), str(unsigned))
    assert proc.returncode == 0, described(proc)
    signed: dict[str, Any] = json.loads(proc.stdout)
    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    return signed


def test_microcred_verifies_js_badge(
    workdir: Path, js_signed: dict[str, Any], key_data: dict[str, Any]
) -> None:
    assert js_signed["proof"]["verificationMethod"] == key_data["verificationMethod"]
    path = write_json(workdir / "js-signed.json", js_signed)
    proc = microcred("verify", "--json", str(path))
    assert proc.returncode == 0, described(proc)
    [report] = json.loads(proc.stdout)
    outcomes = {check["name"]: check["outcome"] for check in report["checks"]}
    assert outcomes and set(outcomes.values()) == {"passed"}, json.dumps(report, indent=2)
    assert outcomes.get("proof") == "passed"

    results = verify_proofs(js_signed)
    assert results, "no proofs were checked"
    assert all(r.verified for r in results), [r.message for r in results]


def test_microcred_rejects_tampered_js_badge(workdir: Path, js_signed: dict[str, Any]) -> None:
    changed = tampered(js_signed)
    path = write_json(workdir / "js-signed-tampered.json", changed)
    proc = microcred("verify", "--json", str(path))
    assert proc.returncode == 1, described(proc)
    [report] = json.loads(proc.stdout)
    outcomes = {check["name"]: check["outcome"] for check in report["checks"]}
    assert outcomes.get("proof") == "failed", json.dumps(report, indent=2)

    assert not any(r.verified for r in verify_proofs(changed))


# -- presentations with a challenge and a domain, both ways --------------------------------------

CHALLENGE = "c-1b5f2e9a-7d64-4c3b"
DOMAIN = "verifier.example"


def js_verify_presentation(
    js_stack: Path, path: Path, *, challenge: str, domain: str
) -> tuple[subprocess.CompletedProcess[str], Any]:
    proc = harness(
        js_stack, "verify-presentation", "--challenge", challenge, "--domain", domain, str(path)
    )
    assert proc.returncode in (0, 1), f"the JS harness itself failed\n{described(proc)}"
    return proc, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def microcred_presentation(
    workdir: Path, key_file: Path, microcred_signed: dict[str, Any]
) -> dict[str, Any]:
    """Signed by ``microcred vc present``: the holder is the issuer's key here, which keeps the
    harness's did:key-only loader enough."""
    credential = write_json(workdir / "vp-credential.json", microcred_signed)
    proc = microcred(
        "present", "--key", str(key_file), "--challenge", CHALLENGE, "--domain", DOMAIN,
        str(credential),
    )
    assert proc.returncode == 0, described(proc)
    signed: dict[str, Any] = json.loads(proc.stdout)
    assert signed["proof"]["proofPurpose"] == "authentication"
    assert (signed["proof"]["challenge"], signed["proof"]["domain"]) == (CHALLENGE, DOMAIN)
    return signed


def test_js_verifies_microcred_presentation(
    js_stack: Path, workdir: Path, microcred_presentation: dict[str, Any]
) -> None:
    path = write_json(workdir / "microcred-vp.json", microcred_presentation)
    proc, report = js_verify_presentation(js_stack, path, challenge=CHALLENGE, domain=DOMAIN)
    assert report["verified"] is True, json.dumps(report, indent=2) + described(proc)
    assert report["presentationResult"]["verified"] is True
    assert [r["verified"] for r in report["credentialResults"]] == [True]
    # The challenge is signed: the JS verifier refuses the same presentation for another one.
    proc, report = js_verify_presentation(js_stack, path, challenge="other", domain=DOMAIN)
    assert report["verified"] is False, described(proc)
    proc, report = js_verify_presentation(
        js_stack, path, challenge=CHALLENGE, domain="elsewhere.example"
    )
    assert report["verified"] is False, described(proc)


def test_microcred_verifies_js_presentation(
    js_stack: Path, workdir: Path, key_file: Path, js_signed: dict[str, Any],
    key_data: dict[str, Any],
) -> None:
    from microcred.vc.presentation import verify_presentation

    unsigned_vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1f0e9b6c-2a1d-4f7e-8c3b-5d6a7e8f9a0b",
        "type": ["VerifiablePresentation"],
        "holder": key_data["did"],
        "verifiableCredential": [js_signed],
    }
    path = write_json(workdir / "js-vp-unsigned.json", unsigned_vp)
    proc = harness(
        js_stack, "present", "--key", str(key_file), "--challenge", CHALLENGE, "--domain",
        DOMAIN, str(path),
    )
    assert proc.returncode == 0, described(proc)
    signed = json.loads(proc.stdout)
    assert signed["proof"]["challenge"] == CHALLENGE

    report = verify_presentation(signed, expected_challenge=CHALLENGE, expected_domain=DOMAIN)
    assert report.verdict == "passed", [(c.name, c.message) for c in report.checks]
    assert report.check("holder").code == "holder.valid"  # type: ignore[union-attr]
    wrong = verify_presentation(signed, expected_challenge="other", expected_domain=DOMAIN)
    assert wrong.check("proof").code == "proof.challenge_mismatch"  # type: ignore[union-attr]
    elsewhere = verify_presentation(signed, expected_challenge=CHALLENGE,
                                    expected_domain="elsewhere.example")
    assert elsewhere.check("proof").code == "proof.domain_mismatch"  # type: ignore[union-attr]

    vp_path = write_json(workdir / "js-vp.json", signed)
    cli = microcred("verify-presentation", "--challenge", CHALLENGE, "--domain", DOMAIN,
                    str(vp_path))
    assert cli.returncode == 0, described(cli)


# -- JSON-LD safe mode: the same documents refused on both sides ---------------------------------


def _safe_mode_event(proc: subprocess.CompletedProcess[str]) -> str | None:
    """The jsonld.js safe-mode event that made ``canonize`` fail, if that is why it failed."""
    if proc.returncode != 2 or "Safe mode validation error" not in proc.stderr:
        return None
    report = json.loads(proc.stderr.split(":", 1)[1])
    code: str = report["details"]["event"]["code"]
    return code


def test_jsonld_js_safe_mode_refuses_every_document_microcred_refuses(
    js_stack: Path, workdir: Path, key_data: dict[str, Any]
) -> None:
    """Each of test_safe_mode's documents is refused by jsonld.js's own safe mode (with the
    options eddsa-rdfc-2022 canonicalizes with), for the event class microcred names."""
    from microcred.vc import jsonld
    from microcred.vc.errors import UndefinedTermsError

    from .test_safe_mode import CASES

    events = {}
    for case, change, kind, name in CASES:
        document = open_badge(key_data["did"])
        change(document)
        path = write_json(workdir / "safe-mode-case.json", document)
        with pytest.raises(UndefinedTermsError) as caught:
            jsonld.canonicalize(document)
        assert name in caught.value.details[kind], case
        events[case] = _safe_mode_event(harness(js_stack, "canonize", str(path)))
    assert all(events.values()), events
    assert {events["@vocab null"], events["a term mapped to null"]} == {"invalid property"}
    assert events["a @type that stays relative"] == "relative @type reference"
    assert events["a relative @id, no base"] == "relative @id reference"
    assert events["a property that is a blank node"] == "blank node predicate"


def test_a_base_direction_canonicalizes_as_jsonld_js_does(
    js_stack: Path, workdir: Path, key_data: dict[str, Any]
) -> None:
    document = open_badge(key_data["did"])
    document["name"] = {"@value": "شهادة", "@language": "AR-eg", "@direction": "rtl"}
    document["credentialSubject"]["achievement"]["description"] = {
        "@value": "left to right", "@direction": "ltr"}
    path = write_json(workdir / "direction.json", document)
    js = harness(js_stack, "canonize", str(path))
    assert js.returncode == 0, described(js)
    py = microcred("canonicalize", str(path))
    assert py.returncode == 0, described(py)
    assert "^^<https://www.w3.org/ns/i18n#ar-eg_rtl>" in py.stdout
    assert py.stdout == js.stdout
