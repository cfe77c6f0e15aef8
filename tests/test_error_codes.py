"""Every error code raised is registered, documented, and every registered code is raised.

The platform's codes live in :class:`microcred.errors.ErrorCode`, the credential core's in
:class:`microcred.vc.errors.VCErrorCode`; docs/errors.md is generated from both. These tests
read the source (not a running process) so that a code on a rarely taken path is found too:

- every ``code=`` passed to an error class (a ``MicrocredError`` or ``VCError`` subclass, by
  name, wherever it is defined) or to the HTTP layer's ``error_response``/``json_error``, and
  every ``code = "..."`` class attribute of an error class, is a member of its layer's enum;
- a ``code=`` that is not a string literal is resolved when it is a conditional of literals, an
  enum member, or a name bound to literals in the same function or module; anything else must
  be a pass-through listed in ``PASS_THROUGH`` with its reason (it forwards a code that an
  error already carries, so that code was checked where it was raised);
- no member is unused, and each platform code's documented HTTP status is the status the
  platform answers with wherever the code is raised;
- ``error.code == "..."`` comparisons name registered codes (a typo there is a dead branch);
- docs/errors.md is exactly what ``python -m microcred.errors`` writes now.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from microcred.errors import ErrorCode, error_table
from microcred.vc.errors import VCErrorCode

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "microcred"
DOC = ROOT / "docs" / "errors.md"

#: The HTTP layer's helpers that answer with a code: (name, index of a positional code, index
#: of a positional status); ``code=``/``status=`` keywords are read too.
HTTP_HELPERS = {"error_response": (None, None), "json_error": (0, 2)}

#: ``code=`` arguments that forward a code an error already carries, by (file, callee, source
#: of the argument): the code was registered where the original error was raised.
PASS_THROUGH = {
    ("web/errors.py", "json_error", "code"):
        "error_response hands its own code= argument to json_error",
    ("web/middleware.py", "error_response", "exception.code"):
        "the middleware answers with the code of the MicrocredError a view raised",
    ("issuance/views.py", "error_response", "busy.code"):
        "the certificate view answers with CertificateBusy's own code",
    ("vc/cli.py", "InputError", "exc.code"):
        "the CLI re-raises a registry error that stops loading as unusable input (exit 2)",
    ("vc/data_integrity.py", "ProofError", "error.code"):
        "verify_proofs re-raises the first failed proof's error, numbered, with its code",
    ("vc/jose.py", "ProofError", "exc.code"):
        "a JWS whose kid cannot be resolved fails as a proof with the resolver's code",
    ("vc/registries.py", "RegistryError", "exc.code"):
        "a trust anchor whose own chain fails is reported with the federation error's code",
    ("vc/registries.py", "RegistryError", "failure.code"):
        "the first trust chain failure is re-raised when no chain lists the issuer",
}


@dataclass
class ErrorClass:
    name: str
    bases: list[str]
    code: str | None
    http_status: int | None
    where: str


@dataclass
class Use:
    """One place a code is raised or answered: ``layer`` is ``vc`` or ``platform``."""

    code: str
    layer: str
    http_status: int | None
    where: str


@dataclass
class Scan:
    uses: list[Use] = field(default_factory=list)
    unresolved: list[tuple[str, str, str, str]] = field(default_factory=list)
    compared: list[tuple[str, str]] = field(default_factory=list)
    classes: dict[str, ErrorClass] = field(default_factory=dict)
    duplicates: list[tuple[str, str]] = field(default_factory=list)


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or "/tests/" in relative:
            continue
        yield relative, ast.parse(path.read_text("utf-8"), str(path))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _error_classes(
    modules: list[tuple[str, ast.Module]], duplicates: list[tuple[str, str]]
) -> dict[str, ErrorClass]:
    """Every class by name; a name defined again is added to ``duplicates``."""
    found: dict[str, ErrorClass] = {}
    for relative, module in modules:
        for node in ast.walk(module):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs: dict[str, object] = {}
            for statement in node.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    attrs[_name(statement.targets[0])] = _literal(statement.value)
            code, status = attrs.get("code"), attrs.get("http_status")
            if node.name in found:
                duplicates.append((node.name, f"{relative}:{node.lineno}"))
            found.setdefault(node.name, ErrorClass(
                node.name, [_name(b) for b in node.bases],
                code if isinstance(code, str) else None,
                status if isinstance(status, int) else None, f"{relative}:{node.lineno}"))
    return found


def _family(classes: dict[str, ErrorClass], name: str) -> str | None:
    seen: set[str] = set()
    while name in classes and name not in seen:
        if name == "VCError":
            return "vc"
        if name == "MicrocredError":
            return "platform"
        seen.add(name)
        name = next((b for b in classes[name].bases if b in classes), "")
    return None


def _status(classes: dict[str, ErrorClass], name: str) -> int | None:
    while name in classes:
        if classes[name].http_status is not None:
            return classes[name].http_status
        name = next((b for b in classes[name].bases if b in classes), "")
    return None


class _Bindings:
    """String literals bound to a name in a function or at module level."""

    def __init__(self, scope: ast.AST) -> None:
        self.values: dict[str, list[ast.expr]] = defaultdict(list)
        nodes = ast.walk(scope) if not isinstance(scope, ast.Module) else iter(scope.body)
        for node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                self.values[_name(node.targets[0])].append(node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self.values[_name(node.target)].append(node.value)


def _resolve(node: ast.expr, scopes: list[_Bindings]) -> set[str] | None:
    """The codes an expression can take, or ``None`` if it is not made of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _resolve(node.body, scopes), _resolve(node.orelse, scopes)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        enum = {"ErrorCode": ErrorCode, "VCErrorCode": VCErrorCode}.get(node.value.id)
        return {str(enum[node.attr])} if enum is not None else None
    if isinstance(node, ast.Name):
        for bindings in scopes:
            if node.id in bindings.values:
                found: set[str] = set()
                for value in bindings.values[node.id]:
                    codes = _resolve(value, scopes[1:])
                    if codes is None:
                        return None
                    found |= codes
                return found
    return None


def _scan() -> Scan:
    modules = list(_sources())
    scan = Scan()
    classes = scan.classes = _error_classes(modules, scan.duplicates)
    for error in classes.values():
        layer = _family(classes, error.name)
        if layer is not None and error.code is not None:
            scan.uses.append(Use(error.code, layer, _status(classes, error.name), error.where))
    for relative, module in modules:
        module_scope = _Bindings(module)
        functions = [n for n in ast.walk(module)
                     if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        enclosing: dict[ast.AST, ast.AST] = {}
        for function in functions:  # outer functions first: an inner one wins below
            for node in ast.walk(function):
                enclosing[node] = function
        for node in ast.walk(module):
            if isinstance(node, ast.Compare) and _name(node.left) == "code":
                for comparator in node.comparators:
                    items = (comparator.elts if isinstance(
                        comparator, ast.Tuple | ast.List | ast.Set) else [comparator])
                    for item in items:
                        value = _literal(item)
                        if isinstance(value, str):
                            scan.compared.append((value, f"{relative}:{node.lineno}"))
            if not isinstance(node, ast.Call):
                continue
            callee = _name(node.func)
            layer = _family(classes, callee)
            helper = HTTP_HELPERS.get(callee)
            if layer is None and helper is None:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            code_node = keywords.get("code")
            status: int | None = None
            if helper is not None:
                layer = "platform"
                code_at, status_at = helper
                if code_node is None and code_at is not None and len(node.args) > code_at:
                    code_node = node.args[code_at]
                status_node = keywords.get("status")
                if status_node is None and status_at is not None and len(node.args) > status_at:
                    status_node = node.args[status_at]
                value = _literal(status_node)
                status = value if isinstance(value, int) else None
            else:
                status = _status(classes, callee)
            assert layer is not None
            where = f"{relative}:{node.lineno}"
            if code_node is None:
                continue  # the class's own code, registered as its class attribute above
            scopes = [_Bindings(enclosing[node])] if node in enclosing else []
            codes = _resolve(code_node, [*scopes, module_scope])
            if codes is None:
                scan.unresolved.append((relative, callee, ast.unparse(code_node), where))
                continue
            scan.uses.extend(Use(code, layer, status, where) for code in sorted(codes))
    return scan


SCAN = _scan()


def _by_layer(layer: str) -> dict[str, list[Use]]:
    found: dict[str, list[Use]] = defaultdict(list)
    for use in SCAN.uses:
        if use.layer == layer:
            found[use.code].append(use)
    return found


def test_the_scan_finds_the_codes_it_should():
    """Guards the scanner itself: known codes of every kind of site are found."""
    platform, core = _by_layer("platform"), _by_layer("vc")
    assert {"error", "not_allowed", "validation_failed", "not_a_draft", "rate_limited",
            "server_error", "file_refused", "bad_link", "file_too_large"} <= platform.keys()
    assert {"vc_error", "invalid_proof", "malformed_value_error", "invalid_nquads",
            "canonicalization_limit", "verification_incomplete"} <= core.keys()
    assert len(platform) > 90 and len(core) > 110


def test_error_class_names_are_unique():
    """The scan resolves ``raise Name(...)`` by class name, so no error class may share one."""
    assert not [(name, where) for name, where in SCAN.duplicates
                if _family(SCAN.classes, name)]


def test_every_platform_code_raised_is_registered():
    unknown = {code: [u.where for u in uses] for code, uses in _by_layer("platform").items()
               if code not in ErrorCode.__members__.values()}
    assert not unknown, f"add these to microcred.errors.ErrorCode: {unknown}"


def test_every_core_code_raised_is_registered():
    unknown = {code: [u.where for u in uses] for code, uses in _by_layer("vc").items()
               if code not in VCErrorCode.__members__.values()}
    assert not unknown, f"add these to microcred.vc.errors.VCErrorCode: {unknown}"


def test_no_registered_code_is_unused():
    platform, core = _by_layer("platform"), _by_layer("vc")
    assert not [c for c in ErrorCode if c not in platform], "remove unused ErrorCode members"
    assert not [c for c in VCErrorCode if c not in core], "remove unused VCErrorCode members"


def test_each_platform_code_documents_the_status_it_is_answered_with():
    wrong = {}
    for code, uses in _by_layer("platform").items():
        seen = {u.http_status for u in uses}
        if code in ErrorCode.__members__.values() and seen != set(ErrorCode(code).statuses):
            wrong[code] = (ErrorCode(code).statuses, sorted(seen, key=str))
    assert not wrong, f"(registered, raised with): {wrong}"


def test_only_listed_pass_throughs_forward_a_code():
    found = {(relative, callee, source) for relative, callee, source, _ in SCAN.unresolved}
    assert found == set(PASS_THROUGH), (
        f"unlisted: {found - set(PASS_THROUGH)}; stale: {set(PASS_THROUGH) - found}")


def test_code_comparisons_name_registered_codes():
    """``error.code == "..."``; dotted names are the verifier's check codes, not errors."""
    known = set(ErrorCode) | set(VCErrorCode)
    unknown = [(code, where) for code, where in SCAN.compared
               if "." not in code and code not in known]
    assert not unknown


def test_every_code_has_a_meaning_on_one_line():
    for code in [*ErrorCode, *VCErrorCode]:
        assert code.meaning.strip() and "\n" not in code.meaning and "|" not in code.meaning


def test_the_docs_table_is_what_the_generator_writes_now():
    assert DOC.read_text("utf-8") == error_table(), (
        "docs/errors.md is out of date: run `python -m microcred.errors > docs/errors.md`")


def test_the_docs_list_every_code_once_per_layer():
    rows = [line.split("|")[1:4] for line in DOC.read_text("utf-8").splitlines()
            if line.startswith("| `")]
    listed = [(code.strip().strip("`"), layer.strip()) for code, layer, _ in rows]
    assert len(listed) == len(set(listed))
    assert set(listed) == ({(str(c), "platform") for c in ErrorCode}
                           | {(str(c), "core") for c in VCErrorCode})


def test_the_generator_runs_as_a_module_without_django():
    result = subprocess.run([sys.executable, "-m", "microcred.errors"], capture_output=True,
                            text=True, check=True, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})
    assert result.stdout == DOC.read_text("utf-8")
