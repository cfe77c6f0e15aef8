"""The compiled credential core (``make native``, mypyc) is the current source, or absent.

Python imports a compiled module in place of the ``.py`` beside it, so a module edited after
``make native`` would silently run its old code: these tests fail instead. The exactness tests
(RDFC-1.0 suite, W3C vectors, the differential tests against pyld) run against whichever form
is imported, so with a build they check the compiled code.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from microcred.vc import native
from microcred.vc._internal import fastld

RECORD = native._RECORD


def test_the_compiled_modules_are_built_from_the_current_sources():
    state = native.status()
    assert not state.stale, (
        f"compiled from older sources: {', '.join(state.stale)}; run `make native`"
    )


def test_every_recorded_module_is_the_one_imported():
    if not RECORD.exists():
        pytest.skip("not built: `make native` compiles the hot modules (pure Python runs now)")
    record = json.loads(RECORD.read_text("utf-8"))
    if record["python"] != sys.implementation.cache_tag:
        pytest.skip(f"built for {record['python']}, running {sys.implementation.cache_tag}")
    if not record["compiled"]:
        pytest.skip(f"built as pure Python: {record['reason']}")
    state = native.status()
    assert set(state.compiled) == set(record["modules"])
    assert not fastld.__file__.endswith(".py")


def test_an_edited_source_is_reported_stale(tmp_path):
    state = native.status()
    if not state.compiled:
        pytest.skip("nothing is compiled here")
    record = json.loads(RECORD.read_text("utf-8"))
    name = state.compiled[0]
    record["modules"][name] = "0" * 64
    changed = tmp_path / "record.json"
    changed.write_text(json.dumps(record), "utf-8")
    assert native.status(changed).stale == (name,)


def test_without_a_record_nothing_is_claimed(tmp_path):
    state = native.status(tmp_path / "missing.json")
    assert state.compiled == () and state.stale == ()
    assert "make native" in (state.reason or "")


def test_a_build_that_cannot_compile_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    script = root / "scripts" / "build_native.py"
    spec = importlib.util.spec_from_file_location("build_native", script)
    assert spec and spec.loader
    build_native = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_native)
    monkeypatch.setenv("CC", "/bin/false")  # a compiler that always fails
    reason = build_native.build([root / "src" / "microcred" / "vc" / "multibase.py"])
    assert reason is not None and reason.startswith("the C build failed")
