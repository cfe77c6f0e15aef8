"""The issuance modules import one another without a circle (issue 22): module-level imports
between them form a DAG. The task hub (``issuance.tasks``) is the one place that imports back,
inside its tasks."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import microcred.issuance

ROOT = Path(microcred.issuance.__file__).parent
PACKAGE = "microcred.issuance"


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(tree: ast.Module) -> list[str]:
    """Imported module names at module level (``if TYPE_CHECKING:`` blocks excluded)."""
    names: list[str] = []
    body = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.If | ast.Try) and "TYPE_CHECKING" not in ast.unparse(
                getattr(node, "test", ast.Constant(None))):
            body += [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
    return names


def test_issuance_modules_import_one_another_without_a_circle() -> None:
    paths = [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]
    modules = {_module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = set()
        for target in _top_level_imports(ast.parse(path.read_text())):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                imported.add(target)
        graph[name] = imported
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        raise AssertionError(f"import circle: {' -> '.join(cycle.args[1])}") from None
    assert f"{PACKAGE}.services" in order and f"{PACKAGE}.bulk.run" in order
    # The hub imports nothing of issuance at its top; everything that enqueues imports it.
    assert not {m for m in graph[f"{PACKAGE}.tasks"] if m.startswith(PACKAGE)}
    assert f"{PACKAGE}.tasks" in graph[f"{PACKAGE}.services"]
