"""``make bench-audit`` (benchmarks/audit_chain.py) runs and reports what issue 22 asks for. A
smoke test on SQLite with tiny counts, not a timed one: rates depend on the machine, so only
their presence is checked, that the hasher beside the writers chained every entry, and that the
chain verifies with every committed write in it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "audit_chain.py"


def _bench_script() -> ModuleType:
    """benchmarks/audit_chain.py as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location("microcred_bench_audit_chain", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_audit_bench_reports_rates_and_a_verified_chain(tmp_path: Path) -> None:
    out = tmp_path / "audit_chain.json"
    result = _bench_script().main([
        "--databases", "sqlite", "--sqlite-writers", "2", "--seconds", "0.3",
        "--rounds", "1", "--out", str(out)])
    assert out.read_text().strip().startswith("{")
    sqlite = result["databases"]["sqlite"]
    assert sqlite["database"]["vendor"] == "sqlite"
    assert sqlite["database"]["journal_mode"] == "wal"
    runs = {(r["mode"], r["writers"]): r for r in sqlite["runs"]}
    assert set(runs) == {("audited", 2), ("unaudited", 2)}
    for run in runs.values():
        assert run["writes"] > 0 and run["writes_per_second"] > 0, run
        assert 0 < run["p50_ms"] <= run["p95_ms"] <= run["p99_ms"], run
        assert run["errors"] == 0 and len(run["rounds"]) == 1
    # SQLite's serializing lock is the write lock taken at BEGIN IMMEDIATE: every transaction
    # holds it, audited or not.
    assert runs[("audited", 2)]["lock_held_mean_ms"] > 0
    # The hasher ran beside the audited writers and chained every entry they wrote, the last
    # ones in its pass after they stopped.
    hasher = runs[("audited", 2)]["hasher"]
    assert hasher["passes"] >= 2 and hasher["waiting_after"] == 0, hasher
    assert hasher["chained"] == runs[("audited", 2)]["writes"] + 1  # + setup's entry
    assert runs[("unaudited", 2)]["hasher"] is None
    check = sqlite["check"]
    audited = sum(r["writes"] for (mode, _n), r in runs.items() if mode == "audited")
    assert check["chain"]["intact"] is True and check["chain"]["pending"] == 0
    assert check["audited_writes_committed"] == audited
    assert check["chain"]["entries"] == check["entries_expected"] == audited + 1
    assert check["writers_with_missing_entries"] == check["writers_with_extra_entries"] == []
    assert check["users_without_their_last_write"] == []
    assert sqlite["ok"] is True
    assert sqlite["audited_ceiling_per_second"] == runs[("audited", 2)]["writes_per_second"]
    assert result["command"].startswith("python benchmarks/audit_chain.py --databases sqlite")


def test_the_audit_bench_refuses_an_unknown_database(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as refused:
        _bench_script().main(["--databases", "oracle", "--out", str(tmp_path / "x.json")])
    assert refused.value.code == 2
    assert not (tmp_path / "x.json").exists()
