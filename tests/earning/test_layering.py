"""earning (row 8 of the layers, issue 22) imports no app above it: it tells them through
``earning.signals``. Imports under ``if TYPE_CHECKING:`` do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import microcred

ABOVE = ("assessment", "issuance", "verification", "api", "learner", "pages", "urls", "ops",
         "demo")


def imports_above(app: str, above: tuple[str, ...]) -> list[str]:
    """``path:line module`` for every import of a higher app in ``app``'s modules."""
    root = Path(microcred.__file__).parent / app
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test).endswith("TYPE_CHECKING")
                   for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "microcred" and len(parts) > 1 and parts[1] in above:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {name}")
    return found


def test_earning_imports_no_higher_app() -> None:
    assert imports_above("earning", ABOVE) == []
