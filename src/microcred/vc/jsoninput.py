"""Reading untrusted JSON with bounds on size and nesting, and clear errors.

A verifier is fed whatever anyone uploads; every refusal here names the problem so the person
can fix it, and no input can take unbounded time or memory.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "parse_json", "check_depth"]

#: A signed credential with rich evidence is tens of kilobytes; a CLR with many credentials a few
#: megabytes. Anything above this is refused before it is parsed.
MAX_BYTES = 8 * 1024 * 1024
#: Deep enough for any credential (a CLR nests credentials about ten levels deep).
MAX_DEPTH = 64


def parse_json(data: bytes | str, *, what: str = "input", max_bytes: int = MAX_BYTES) -> Any:
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        raise InputError(
            f"{what} is {size:,} bytes; the limit is {max_bytes:,} bytes",
            code="too_large",
            size=size,
            limit=max_bytes,
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{what} is not UTF-8 text (byte {exc.start})", code="not_utf8"
            ) from None
    try:
        value = json.loads(data)
    except RecursionError:
        raise InputError(f"{what} nests deeper than {MAX_DEPTH} levels", code="too_deep") from None
    except ValueError as exc:
        raise InputError(f"{what} is not valid JSON: {exc}", code="invalid_json") from None
    check_depth(value, what=what)
    return value


def check_depth(value: Any, *, what: str = "input", max_depth: int = MAX_DEPTH) -> None:
    """Refuse documents nested deeper than ``max_depth`` (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise InputError(f"{what} nests deeper than {max_depth} levels", code="too_deep")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
