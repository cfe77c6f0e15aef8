"""Trust has one home (issue 22): ``verification`` sits above ``issuance`` and decides what a
verified credential says about its issuer; issuance verifies its own pages with the core and
never imports verification (it words the verifier's checks with ``web.verifier_messages``).
Likewise ``accounts`` asks ``orgs`` about roles through ``accounts.signals``, never importing
it. Imports under ``if TYPE_CHECKING:`` do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import microcred

SRC = Path(microcred.__file__).parent


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for stmt in ast.walk(tree) if isinstance(stmt, ast.If)
               and ast.unparse(stmt.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
               for inner in stmt.body for node in ast.walk(inner)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


#: Whole-person export and erasure moves up to ``ops/privacy.py`` (issue 22, another change).
_MOVING = {"accounts/privacy.py"}


@pytest.mark.parametrize(("app", "above"), [("issuance", "verification"), ("accounts", "orgs")])
def test_an_app_imports_nothing_from_the_app_above_it(app: str, above: str) -> None:
    found = {str(path.relative_to(SRC)): sorted(name for name in _imported(path)
                                                 if name.startswith(f"microcred.{above}"))
             for path in sorted((SRC / app).rglob("*.py"))
             if str(path.relative_to(SRC)) not in _MOVING}
    assert {path: names for path, names in found.items() if names} == {}


def test_sealing_imports_only_the_bottom_of_the_platform() -> None:
    names = {name for name in _imported(SRC / "sealing.py") if name.startswith("microcred")}
    assert {name.rsplit(".", 1)[0] if name.count(".") > 1 else name for name in names} \
        <= {"microcred.errors"}
