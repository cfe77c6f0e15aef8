"""``make bench``: throughput of every case, against pyld, raw Ed25519 and Digital Bazaar's JS.

Runs :func:`microcred.vc.benchmark.run` (one core, best of nine interleaved rounds per
figure), and, when ``node`` and ``npm`` are on PATH, Digital Bazaar's ``@digitalbazaar/vc`` +
``@digitalbazaar/eddsa-rdfc-2022-cryptosuite`` verifying the same signed ~2 KB sample credential
just before and just after, the faster of the two counting (benchmarks/js, the pinned versions
of tests/vc/js, installed once into a cache folder). Writes ``benchmarks/results.json`` and
prints a table.

Beside them, verification only, the same ~2 KB sample signed with the suites microcred verifies
but does not sign with (issue 24): ecdsa-rdfc-2019 and ecdsa-jcs-2019 (P-256 and P-384),
Ed25519Signature2020 and Ed25519Signature2018, signed with keys generated for the run by the
test suite's spec-written signers (tests/vc/interop_signers.py; the library has no signer for
them), and a VC-JWT (EdDSA) whose ``kid`` is a did:jwk.

    python benchmarks/run.py [--n 300] [--rounds 9] [--out benchmarks/results.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from microcred.vc import benchmark
from microcred.vc.data_integrity import sign
from microcred.vc.jose import sign_jwt
from microcred.vc.keys import Ed25519Multikey

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository, for the test suite's signers
from tests.vc import interop_signers  # noqa: E402

JS_SOURCE = HERE / "js"
MANIFEST = Path(str(resources.files("microcred.vc") / "contexts" / "manifest.json"))
NPM_TIMEOUT = 300


def _js_folder() -> Path:
    """The JS bench with its pinned dependencies, installed once per package.json version."""
    package = (JS_SOURCE / "package.json").read_bytes()
    cache_root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache_root / "microcred-bench-js" / hashlib.sha256(package).hexdigest()[:16]
    if not (folder / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(JS_SOURCE / "package.json", folder / "package.json")
        npm = shutil.which("npm")
        assert npm is not None
        subprocess.run(  # noqa: S603 - a fixed argv, no shell
            [npm, "install", "--no-audit", "--no-fund", "--silent"],
            cwd=folder,
            check=True,
            timeout=NPM_TIMEOUT,
        )
    shutil.copy(JS_SOURCE / "bench.mjs", folder / "bench.mjs")
    return folder


def js_verify_rate(credential: dict[str, Any], n: int) -> dict[str, Any]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return {"skipped": "node and npm are not both on PATH"}
    try:
        folder = _js_folder()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(credential, handle)
        proc = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            [node, "bench.mjs", "--manifest", str(MANIFEST), "--n", str(n), handle.name],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        os.unlink(handle.name)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"skipped": f"the JavaScript benchmark could not run: {exc}"}
    if proc.returncode != 0:
        return {"skipped": f"the JavaScript benchmark failed: {proc.stderr.strip()[-500:]}"}
    result: dict[str, Any] = json.loads(proc.stdout)
    version = subprocess.run([node, "--version"], capture_output=True, text=True)  # noqa: S603
    result["node"] = version.stdout.strip()
    return result


def signed_elsewhere() -> dict[str, benchmark.VerifyOnly]:
    """The ~2 KB sample credential signed with every suite of ``interop_signers.CASES`` and as
    a VC-JWT by a did:jwk key, each by a key generated now (the issuer is its did:key or
    did:jwk, as it must be for the credential to verify)."""
    cases: dict[str, benchmark.VerifyOnly] = {}
    for suite in interop_signers.CASES:
        key = suite.new_key()
        document = benchmark.sample_credential()
        document["issuer"]["id"] = key.issuer("did:key")
        if suite.proof_type == "Ed25519Signature2020":
            document["@context"].append(interop_signers.ED25519_2020_CONTEXT)
        elif suite.proof_type == "Ed25519Signature2018":
            # a VC 1.1 credential, as the suite's issuers made them: VC 1.1 defines the suite
            document["@context"][0] = interop_signers.VC_V1
            document["issuanceDate"] = document.pop("validFrom")
            document["expirationDate"] = document.pop("validUntil")
        signed = interop_signers.sign(
            document, suite, key, verification_method=key.verification_method("did:key")
        )
        what = suite.cryptosuite or suite.proof_type
        label = what if suite.curve == "Ed25519" else f"{what} {suite.curve}"
        cases[f"ob-2kb-{suite.id.lower()}"] = benchmark.VerifyOnly(
            f"~2 KB OpenBadgeCredential, {label}", what, signed
        )
    key = Ed25519Multikey.generate()
    did = interop_signers.did_jwk(
        {"kty": "OKP", "crv": "Ed25519", "x": interop_signers.b64url(key.public_bytes)}
    )
    document = benchmark.sample_credential()
    document["issuer"]["id"] = did
    cases["ob-2kb-jwt-did-jwk"] = benchmark.VerifyOnly(
        "~2 KB OpenBadgeCredential, VC-JWT EdDSA, did:jwk",
        "jwt-eddsa-did-jwk",
        sign_jwt(document, key=key, verification_method=f"{did}#0"),
    )
    return cases


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(value: float | None, suffix: str = "x") -> str:
    return "-" if value is None else f"{value:.1f}{suffix}"


def table(results: dict[str, Any]) -> str:
    ed25519 = results["ed25519_verify_per_s"]
    js = results.get("digitalbazaar_js", {}).get("verify_per_s")
    head = (
        f"{'case':52s} {'sign/s':>9s} {'verify/s':>9s} {'vs pyld':>8s} "
        f"{'vs Ed25519':>10s} {'vs DB JS':>9s}"
    )
    lines = [head, "-" * len(head)]
    for name, entry in results["cases"].items():
        versus_js = entry["verify_per_s"] / js if js and name == "ob-2kb" else None
        lines.append(
            f"{entry['description'][:52]:52s} {_rate(entry.get('sign_per_s')):>9s} "
            f"{_rate(entry['verify_per_s']):>9s} {_ratio(entry.get('verify_vs_reference')):>8s} "
            f"{entry['verify_vs_ed25519']:>10.0%} {_ratio(versus_js):>9s}"
        )
    lines.append("")
    lines.append(f"raw Ed25519 verify (cryptography, same run): {_rate(ed25519)}/s")
    for name, entry in results["cases"].items():
        if "reference_verify_per_s" in entry:
            lines.append(
                f"pyld reference path, {name}: sign {_rate(entry['reference_sign_per_s'])}/s, "
                f"verify {_rate(entry['reference_verify_per_s'])}/s"
            )
    if js:
        lines.append(f"Digital Bazaar @digitalbazaar/vc (node), ob-2kb verify: {_rate(js)}/s")
    else:
        lines.append(f"Digital Bazaar JS: {results['digitalbazaar_js'].get('skipped')}")
    compiled = results["native"]["compiled"]
    lines.append(
        f"compiled with mypyc (make native): {len(compiled)} modules"
        if compiled
        else f"pure Python, not compiled: {results['native']['reason']}"
    )
    stats = results["fastld"]
    lines.append(
        f"fast JSON-LD path: {stats['fast']} documents, {stats['fallbacks']} fallbacks"
        + (f" {stats['reasons']}" if stats["reasons"] else "")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="operations per timed round")
    parser.add_argument(
        "--rounds", type=int, default=9, help="timed rounds per figure, interleaved; best counts"
    )
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--no-js", action="store_true", help="skip Digital Bazaar's JS stack")
    args = parser.parse_args(argv)
    key = benchmark.bench_key()
    signed = sign(benchmark.sample_credential(key), key=key, created="2026-01-15T09:30:00Z")
    js_n = max(20, args.n // 5)
    # The JavaScript stack runs in its own process, so its rounds cannot be interleaved with
    # Python's: it runs before and after them, and the faster of the two counts (the figure
    # most favourable to the reference).
    before = {"skipped": "--no-js"} if args.no_js else js_verify_rate(signed, js_n)
    results = benchmark.run(args.n, rounds=args.rounds, verify_only=signed_elsewhere())
    after = before if "skipped" in before else js_verify_rate(signed, js_n)
    runs = [run for run in (before, after) if "verify_per_s" in run]
    if runs:
        results["digitalbazaar_js"] = {
            **max(runs, key=lambda run: run["verify_per_s"]),
            "runs_verify_per_s": [run["verify_per_s"] for run in runs],
        }
    else:
        results["digitalbazaar_js"] = after
    results["machine"] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "measured_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        # Other work on the machine moves absolute rates; the ratios are measured together.
        "load_average": os.getloadavg(),
    }
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
