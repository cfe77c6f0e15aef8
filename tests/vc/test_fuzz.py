"""Coverage-guided fuzzing of the credential parser, the verifier and the unbakers, bounded in
time (MICROCRED_FUZZ_SECONDS per target, default 10), plus the replay of every input that ever
crashed one of them (tests/vc/fuzz_regressions/)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from microcred.vc.baking import bake_png, bake_svg, unbake
from microcred.vc.data_integrity import sign
from microcred.vc.errors import VCError
from microcred.vc.jose import sign_jwt
from microcred.vc.verifier import verify_report

HERE = Path(__file__).parent
REGRESSIONS = HERE / "fuzz_regressions"  # crashes found by fuzzing, and hostile inputs
SECONDS = int(os.environ.get("MICROCRED_FUZZ_SECONDS", "10"))


def _seeds(folder: Path, badge, key) -> None:
    signed = json.dumps(sign(badge, key=key))
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    seeds = {
        "signed.json": signed.encode(),
        "badge.jwt": sign_jwt(badge, key=key).encode(),
        "baked.png": bake_png(buffer.getvalue(), signed),
        "baked.svg": bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', signed),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (folder / name).write_bytes(data)


@pytest.mark.parametrize("target", ["parse", "unbake", "verify"])
def test_fuzz(target, tmp_path, badge, issuer_key):
    pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")
    corpus = tmp_path / "corpus"
    _seeds(corpus, badge, issuer_key)
    artifacts = tmp_path / "crashes"
    artifacts.mkdir()
    result = subprocess.run(
        [
            sys.executable, str(HERE / "fuzz_targets.py"), target,
            f"-max_total_time={SECONDS}", "-rss_limit_mb=2048", "-max_len=65536",
            f"-artifact_prefix={artifacts}/", "-print_final_stats=1", str(corpus),
        ],
        capture_output=True, text=True, timeout=SECONDS + 120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    crashes = sorted(artifacts.iterdir())
    for crash in crashes:  # keep them as regressions for the replay test
        (REGRESSIONS / f"{target}-{crash.name}").write_bytes(crash.read_bytes())
    assert result.returncode == 0 and not crashes, (
        f"atheris found {len(crashes)} crashing input(s), saved to {REGRESSIONS}:\n"
        + result.stderr[-4000:]
    )
    assert "stat::number_of_executed_units" in result.stderr


REPLAYS = sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README")


@pytest.mark.parametrize("path", REPLAYS, ids=[p.name for p in REPLAYS])
def test_fuzz_regressions_no_longer_crash(path):
    data = path.read_bytes()
    assert verify_report(data).verdict in ("passed", "failed", "unknown")
    try:
        unbake(data)
    except VCError:
        pass
