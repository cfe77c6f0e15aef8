"""``microcred vc bench`` runs and reports what issue 7 asks for. A smoke test, not a timed
one: rates depend on the machine, so only their presence and sign are checked."""

from __future__ import annotations

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
