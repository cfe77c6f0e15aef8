"""A temporary folder holding one of tests/vc/js's Node scripts with its pinned npm packages
installed: the JavaScript tools the tests compare with are test-only, never shipped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS_SOURCE = Path(__file__).resolve().parent / "js"
NPM = shutil.which("npm")


def described(proc: subprocess.CompletedProcess[str]) -> str:
    """A finished process's exit status and output, for a failure message."""
    return (
        f"exit status {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def installed(folder: Path, *, package: str, script: str, timeout: float) -> Path:
    """``script`` and ``package`` (copied as package.json) from tests/vc/js into ``folder``,
    ``npm install``ed; the test fails, saying why, when npm does."""
    assert NPM is not None, "npm is needed: the caller skips without it"
    shutil.copy(JS_SOURCE / package, folder / "package.json")
    shutil.copy(JS_SOURCE / script, folder / script)
    try:
        proc = subprocess.run(
            [NPM, "install", "--no-audit", "--no-fund"],
            cwd=folder, capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"npm install did not finish within {timeout} s in {folder}\n"
            f"--- stdout ---\n{exc.stdout!r}\n--- stderr ---\n{exc.stderr!r}",
            pytrace=False,
        )
    if proc.returncode != 0:
        pytest.fail(f"npm install failed in {folder}\n{described(proc)}", pytrace=False)
    return folder
