"""An offline JSON-LD document loader over the bundled contexts.

Contexts are normative data: a credential canonicalizes to the same bytes everywhere only if every
party uses the same context documents, so they are bundled (see ``contexts/manifest.json`` for
each one's URL, source package and sha256) and never fetched at run time (VC Data Model 2.0,
section 5.2 and Security Considerations). An unknown context is an error that names the URL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError, UnknownContextError

__all__ = ["ContextEntry", "DocumentLoader", "bundled_contexts", "default_loader", "manifest"]


class ContextEntry(dict[str, Any]):
    """One manifest row: ``url``, ``file``, ``source``, ``sha256``."""


@cache
def manifest() -> tuple[ContextEntry, ...]:
    text = resources.files(__package__).joinpath("contexts/manifest.json").read_text("utf-8")
    return tuple(ContextEntry(entry) for entry in json.loads(text)["contexts"])


@cache
def bundled_contexts() -> Mapping[str, Any]:
    """URL -> parsed context document, for every bundled context."""
    folder = resources.files(__package__).joinpath("contexts")
    return {
        entry["url"]: json.loads(folder.joinpath(entry["file"]).read_text("utf-8"))
        for entry in manifest()
    }


class DocumentLoader:
    """A pyld document loader that serves bundled and caller-supplied contexts only.

    ``extra`` maps further context URLs to documents (the CLI's ``--context URL=FILE``); extra
    contexts may not replace a bundled one, since that would change what a credential means.
    """

    def __init__(self, extra: Mapping[str, Any] | None = None) -> None:
        self._documents: dict[str, Any] = dict(bundled_contexts())
        for url, document in (extra or {}).items():
            if url in self._documents and self._documents[url] != document:
                raise InputError(
                    f"context {url} is bundled with microcred and cannot be replaced",
                    code="context_conflict",
                    url=url,
                )
            if not isinstance(document, dict) or "@context" not in document:
                raise InputError(
                    f"the document given for context {url} has no '@context'",
                    code="invalid_context",
                    url=url,
                )
            self._documents[url] = document

    @classmethod
    def from_files(cls, pairs: Mapping[str, str | Path]) -> DocumentLoader:
        """Build a loader from ``URL -> path`` pairs (the CLI's ``--context URL=FILE``)."""
        extra: dict[str, Any] = {}
        for url, path in pairs.items():
            try:
                extra[url] = json.loads(Path(path).read_text("utf-8"))
            except OSError as exc:
                raise InputError(
                    f"cannot read context file {path}: {exc.strerror}", code="unreadable_file"
                ) from None
            except ValueError as exc:
                raise InputError(
                    f"context file {path} is not JSON: {exc}", code="invalid_json"
                ) from None
        return cls(extra)

    def knows(self, url: str) -> bool:
        return url in self._documents

    def get(self, url: str) -> Any:
        try:
            return self._documents[url]
        except KeyError:
            raise UnknownContextError(
                f"unknown JSON-LD context {url}: it is not bundled with microcred and was not "
                "supplied (use --context URL=FILE)",
                url=url,
            ) from None

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": self.get(url)}


@cache
def default_loader() -> DocumentLoader:
    return DocumentLoader()
