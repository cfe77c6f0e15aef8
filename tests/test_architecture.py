"""The layers of docs/architecture.md hold: import-linter's contracts pass, the picture names the
same rows as the contract, no import circle but the tasks hub, and every import made inside a
function says why it is there."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "microcred"
LOCAL_REASON = re.compile(r"#\s*local:\s*\S")

grimp = pytest.importorskip(
    "grimp", reason="import-linter is not installed (pip install -e '.[test]')")


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def test_the_import_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0, (
        "an import points up or sideways across the layers: run `lint-imports` for the report")


def test_the_picture_names_the_rows_of_the_contract() -> None:
    """docs/architecture.md's table of layers lists, top to bottom, the contract's rows."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text.split("<!-- layers -->")[1].split("<!-- /layers -->")[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) >= 2 and cells[0].isdigit():
            rows.append(" | ".join(sorted(re.findall(r"`microcred\.(\w+)`", cells[1]))))
    contract = [" | ".join(sorted(part.strip() for part in row.split("|")))
                for row in _contracts()["layers"]["layers"]]
    assert rows == contract


def _without_the_tasks_hub(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Module → the modules it imports, leaving out what a ``tasks`` module imports: the task
    hub imports the services that enqueue its tasks, lazily, on purpose."""
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        if module.rsplit(".", 1)[-1] == "tasks":
            edges[module] = set()
            continue
        edges[module] = {m for m in graph.find_modules_directly_imported_by(module)
                         if m.startswith("microcred.")}
    return edges


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_but_the_tasks_hub() -> None:
    graph = grimp.build_graph("microcred", exclude_type_checking_imports=True)
    assert _circles(_without_the_tasks_hub(graph)) == []


def _local_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(node.lineno, name) for name in names
                      if name == "microcred" or name.startswith("microcred.")]
    return found


_IMPORT_LINE = re.compile(r"\s*(from \S+ import|import \S|\)|[\w, ]+,?\s*$)")


def _reason_given(lines: list[str], lineno: int) -> bool:
    """A ``# local:`` comment on the import itself, or above it and the imports before it in
    one block (an ``AppConfig.ready`` importing several receivers gives one reason)."""
    index = lineno - 1
    if LOCAL_REASON.search(lines[index]):
        return True
    index -= 1
    while index >= 0:
        line = lines[index]
        if LOCAL_REASON.search(line):
            return True
        if not _IMPORT_LINE.match(line) or not line.strip():
            return False
        index -= 1
    return False


def test_every_function_local_import_says_why() -> None:
    """An import inside a function hides a hand-off from the reader: only a cycle (the tasks
    hub) or start-up cost justifies one, and a ``# local: <reason>`` comment on it or above its
    block of imports says which."""
    unexplained = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path.name == "tasks.py":
            continue
        lines = path.read_text().splitlines()
        for lineno, module in _local_imports(path):
            if not _reason_given(lines, lineno):
                unexplained.append(f"{path.relative_to(ROOT)}:{lineno} {module}")
    assert unexplained == []


def test_a_reason_covers_its_block_of_imports_only() -> None:
    lines = ["def ready(self):", "    # local: models load after the registry",
             "    from a import (", "        b,", "    )", "    from c import d", "",
             "    x = 1", "    from e import f"]
    assert _reason_given(lines, 3) and _reason_given(lines, 6)
    assert not _reason_given(lines, 9)


def test_the_circle_finder_finds_a_circle() -> None:
    """The check above could fail: a two-module and a three-module circle are found, a tasks
    hub's lazy import is not."""
    edges = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(_circles(edges)) == [["a", "b"], ["c", "d", "e"]]
    assert _circles({"x.services": {"x.tasks"}, "x.tasks": set()}) == []
