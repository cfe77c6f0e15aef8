"""docs/vc.md stays true: every ``python`` and ``bash`` block runs, in order, in a fresh folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "vc.md"
BLOCK = re.compile(r"^```(python|bash)\n(.*?)^```", re.S | re.M)


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(DOC.read_text("utf-8")) if lang == kind]


def test_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_vc"}
    blocks = _blocks("python")
    assert len(blocks) >= 6
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/vc.md python block {number}", "exec"), namespace)  # noqa: S102
    assert namespace["report"].check("status").outcome == "failed"


def test_shell_examples_run(tmp_path):
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = "set -euo pipefail\n" + "\n".join(_blocks("bash"))
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout
    assert "entry 7 is revoked" in result.stdout
    assert (tmp_path / "badge.png").read_bytes().startswith(b"\x89PNG")
