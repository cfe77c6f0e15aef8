"""Which modules of the credential core run compiled, and whether that build is current.

``make native`` (``scripts/build_native.py``) compiles the hot modules (JSON-LD to RDF, RDFC-1.0,
N-Quads, multibase) to C with mypyc and records, in ``_native.json`` beside this module, the
sha256 of each source it compiled. Python imports a compiled module in place of its ``.py``, so
a source edited after the build would not run: :func:`status` reports such modules as stale
(``tests/vc/test_native.py`` fails on them; ``make`` rebuilds when a source changes).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NativeStatus", "status"]

_RECORD = Path(__file__).with_name("_native.json")
_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder that holds microcred/


@dataclass(frozen=True)
class NativeStatus:
    """``compiled``: modules imported as C extensions; ``stale``: compiled from another source;
    ``reason``: why nothing is compiled, when nothing is."""

    compiled: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "compiled": list(self.compiled),
            "stale": list(self.stale),
            "reason": self.reason,
        }


def _is_extension(module_name: str) -> bool:
    origin = getattr(importlib.import_module(module_name), "__file__", None) or ""
    return not origin.endswith(".py")


def status(record_path: Path = _RECORD) -> NativeStatus:
    try:
        record = json.loads(record_path.read_text("utf-8"))
    except FileNotFoundError:
        return NativeStatus(reason="not built (make native compiles the hot modules)")
    modules: dict[str, str] = record.get("modules") or {}
    compiled = tuple(name for name in modules if _is_extension(name))
    stale = []
    for name in compiled:
        digest = modules[name]
        source = _ROOT.joinpath(*name.split(".")).with_suffix(".py")
        try:
            current = hashlib.sha256(source.read_bytes()).hexdigest()
        except OSError:
            continue  # an installed package without sources: nothing can be edited
        if current != digest:
            stale.append(name)
    reason = record.get("reason")
    if not compiled and reason is None:
        reason = "the compiled modules were built for another Python or are missing"
    return NativeStatus(compiled, tuple(stale), reason)
