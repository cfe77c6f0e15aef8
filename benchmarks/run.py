"""``make bench``: throughput of every case, against pyld, raw Ed25519 and Digital Bazaar's JS.

Runs :func:`microcred.vc.benchmark.run` (one core, best of nine interleaved rounds per
figure), and, when ``node`` and ``npm`` are on PATH, Digital Bazaar's ``@digitalbazaar/vc`` +
``@digitalbazaar/eddsa-rdfc-2022-cryptosuite`` verifying the same signed ~2 KB sample credential
just before and just after, the faster of the two counting (benchmarks/js, the pinned versions
of tests/vc/js, installed once into a cache folder). Writes ``benchmarks/results.json`` and
prints a table.

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

HERE = Path(__file__).resolve().parent
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


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(value: float | None, suffix: str = "x") -> str:
    return "-" if value is None else f"{value:.1f}{suffix}"


def table(results: dict[str, Any]) -> str:
    ed25519 = results["ed25519_verify_per_s"]
    js = results.get("digitalbazaar_js", {}).get("verify_per_s")
    head = (
        f"{'case':44s} {'sign/s':>9s} {'verify/s':>9s} {'vs pyld':>8s} "
        f"{'vs Ed25519':>10s} {'vs DB JS':>9s}"
    )
    lines = [head, "-" * len(head)]
    for name, entry in results["cases"].items():
        versus_js = entry["verify_per_s"] / js if js and name == "ob-2kb" else None
        lines.append(
            f"{entry['description'][:44]:44s} {_rate(entry['sign_per_s']):>9s} "
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
    results = benchmark.run(args.n, rounds=args.rounds)
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
