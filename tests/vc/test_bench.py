"""``microcred vc bench`` runs and reports what issue 7 asks for. A smoke test, not a timed
one: rates depend on the machine, so only their presence and sign are checked."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "microcred"


def test_bench_json_reports_every_rate():
    command = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "microcred.cli"]
    proc = subprocess.run(
        [*command, "vc", "bench", "--n", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    for key in ("sign_per_s", "verify_per_s", "ed25519_verify_per_s", "reference_verify_per_s"):
        assert results[key] > 0, key
    assert results["fallbacks"] == 0
    assert results["fastld"]["fast"] > 0
    assert set(results["cases"]) == {"ob-2kb", "ob-10kb", "clr-20", "ob-2kb-jcs", "ob-2kb-jwt"}
    for entry in results["cases"].values():
        assert entry["sign_per_s"] > 0 and entry["verify_per_s"] > 0
    assert set(results["native"]) == {"compiled", "stale", "reason"}


def test_interleaved_rounds_time_every_operation_every_round():
    from microcred.vc.benchmark import measure_together

    calls: list[str] = []
    rates = measure_together(
        {"a": (lambda: calls.append("a"), 2), "b": (lambda: calls.append("b"), 1)}, rounds=3
    )
    assert calls == ["a", "a", "b"] * 3
    assert set(rates) == {"a", "b"} and all(rate > 0 for rate in rates.values())


def test_bench_refuses_an_unknown_case():
    from microcred.vc.cli import main

    assert main(["bench", "--n", "1", "--case", "nope"]) == 2


def _bench_script():
    """benchmarks/run.py as a module (the folder is not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("microcred_bench_run", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_suites_verified_but_not_signed_are_measured_beside_eddsa():
    """``make bench``'s issue 24 rows: each suite's credential verifies and gets a rate, timed
    in the same interleaved rounds as eddsa-rdfc-2022, and the table prints every row."""
    from microcred.vc import benchmark

    script = _bench_script()
    elsewhere = script.signed_elsewhere()
    assert {case.cryptosuite for case in elsewhere.values()} == {
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
        "Ed25519Signature2020",
        "Ed25519Signature2018",
        "jwt-eddsa-did-jwk",
    }
    token = elsewhere["ob-2kb-jwt-did-jwk"].signed
    assert isinstance(token, str)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["kid"].startswith("did:jwk:") and header["alg"] == "EdDSA"
    results = benchmark.run(
        2, cases=("ob-2kb",), reference=False, rounds=1, verify_only=elsewhere
    )
    assert set(results["cases"]) == {"ob-2kb", *elsewhere}
    for name in elsewhere:
        entry = results["cases"][name]
        assert entry["verify_per_s"] > 0 and "sign_per_s" not in entry, name
        assert entry["bytes"] > 1500, name
    results["digitalbazaar_js"] = {"skipped": "not measured in the test"}
    printed = script.table(results)
    for case in elsewhere.values():
        assert case.description in printed


def test_a_verify_only_case_that_does_not_verify_is_not_timed():
    """A broken signature would time the failure path: the run refuses it instead."""
    import pytest

    from microcred.vc import benchmark

    script = _bench_script()
    case = script.signed_elsewhere()["ob-2kb-ecdsa-rdfc-2019-p-256"]
    forged = {**case.signed, "name": "changed"}
    with pytest.raises(AssertionError, match="did not verify"):
        benchmark.run(
            1,
            cases=("ob-2kb",),
            reference=False,
            rounds=1,
            verify_only={"forged": benchmark.VerifyOnly("forged", "ecdsa-rdfc-2019", forged)},
        )
