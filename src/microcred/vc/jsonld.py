"""JSON-LD processing for proofs: expansion in safe mode, RDF, and RDFC-1.0 canonicalization.

pyld is the reference JSON-LD processor here; everything goes through the bundled-context
:class:`~microcred.vc.documentloader.DocumentLoader`, so nothing is fetched.

Safe mode (VC Data Model 2.0, section 4.1; the reference JavaScript verifiers run jsonld.js with
``safe: true``): a term that no context defines is silently dropped by JSON-LD expansion, so a
signature would not cover it and a verifier could be shown data nobody signed. We refuse such
documents and name the terms. pyld has no safe mode, so we expand with one extra context, placed
*before* the document's own, that sets ``@vocab`` to a sentinel namespace: any IRI in that
namespace is a term that would otherwise have been dropped (a context of the document that sets
its own ``@vocab`` still wins, as it should). A clean document expands identically with or
without the sentinel, because ``@vocab`` only applies to terms that nothing else defines.

Two paths lead from a document to its RDF dataset. The *fast path*
(:mod:`microcred.vc._internal.fastld`) walks the document once, with active contexts that pyld
processed once per distinct ``@context`` and then memoized, and emits the quads directly; it
covers what credentials use and hands anything else to the *reference path*, pyld's expansion
then pyld's ``to_rdf``. Both give the same dataset and the same safe-mode errors
(``tests/vc/test_fastld.py`` checks this differentially). ``reference=True``, or
:func:`use_reference`, or ``MICROCRED_JSONLD_REFERENCE=1`` in the environment, forces the
reference path; ``docs/performance.md`` explains the design.

The base IRI is ``None``: pyld resolves relative IRIs against ``http://example.org/base/`` when
given an empty base, which would sign data nobody wrote; with no base they stay relative, safe
mode names them, and JSON-LD to RDF drops nothing silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pyld import jsonld as pyld

from ._internal import fastld, nquads
from ._internal.rdfc10 import canonicalize as rdfc10_canonicalize
from .documentloader import DocumentLoader, default_loader
from .errors import CanonicalizationError, InputError, UndefinedTermsError, VCError

__all__ = ["expand", "to_quads", "canonicalize", "canonicalize_quads", "use_reference"]

_SENTINEL = fastld.SENTINEL
_reference_only = os.environ.get("MICROCRED_JSONLD_REFERENCE", "") not in ("", "0")


def use_reference(enabled: bool) -> bool:
    """Route every conversion through the reference (pyld) path or not; returns the old setting.

    For tests and benchmarks that compare the two paths; a caller can also pass
    ``reference=True`` to :func:`to_quads` or :func:`canonicalize` for one call.
    """
    global _reference_only
    previous = _reference_only
    _reference_only = enabled
    return previous


def _unwrap(exc: BaseException) -> VCError:
    """pyld wraps loader errors in JsonLdError chains: surface our own error if there is one."""
    seen: BaseException | None = exc
    depth = 0
    while seen is not None and depth < 20:
        if isinstance(seen, VCError):
            return seen
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
        depth += 1
    message = str(getattr(exc, "message", None) or exc).splitlines()[0]
    code = getattr(exc, "code", None)
    return InputError(
        f"JSON-LD processing failed: {message}" + (f" ({code})" if code else ""),
        code="jsonld_error",
    )


def _with_sentinel(document: Mapping[str, Any]) -> dict[str, Any]:
    context = document.get("@context")
    if context is None:
        contexts: list[Any] = []
    elif isinstance(context, list):
        contexts = list(context)
    else:
        contexts = [context]
    return {**document, "@context": [{"@vocab": _SENTINEL}, *contexts]}


def _undefined(expanded: Any) -> tuple[list[str], list[str]]:
    """Collect sentinel terms and relative ``@id`` values in an expanded document."""
    terms: set[str] = set()
    relative: set[str] = set()
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key.startswith(_SENTINEL):
                    terms.add(key[len(_SENTINEL) :])
                if key == "@type":
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str) and item.startswith(_SENTINEL):
                            terms.add(item[len(_SENTINEL) :])
                elif key == "@id" and isinstance(value, str):
                    if value.startswith(_SENTINEL):
                        terms.add(value[len(_SENTINEL) :])
                    elif ":" not in value:
                        relative.add(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return sorted(terms), sorted(relative)


def expand(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None, safe: bool = True
) -> list[Any]:
    """Expand ``document``; in safe mode refuse undefined terms and relative IRIs by name."""
    if not isinstance(document, Mapping):
        raise InputError("a JSON-LD document must be a JSON object", code="not_an_object")
    loader = loader or default_loader()
    source = _with_sentinel(document) if safe else dict(document)
    try:
        expanded: list[Any] = pyld.expand(source, {"documentLoader": loader, "base": None})
    except Exception as exc:  # pyld raises bare exceptions of several kinds
        raise _unwrap(exc) from None
    if safe:
        terms, relative = _undefined(expanded)
        if terms or relative:
            _refuse(terms, relative)
    return expanded


def _refuse(terms: list[str], relative: list[str]) -> None:
    parts = []
    if terms:
        parts.append("terms no context defines: " + ", ".join(terms))
    if relative:
        parts.append("relative IRIs: " + ", ".join(relative))
    raise UndefinedTermsError(
        "the document uses " + "; ".join(parts) + " (JSON-LD safe mode)",
        terms=terms,
        relative_iris=relative,
    )


def _fast(
    document: Mapping[str, Any], loader: DocumentLoader, *, lines: bool
) -> fastld.FastResult | None:
    """The fast path's dataset, or ``None`` when the document needs the reference path."""
    try:
        result = fastld.to_dataset(document, loader=loader, lines=lines)
    except fastld.Unsupported as exc:
        fastld.STATS.fallback(exc.reason)
        return None
    except RecursionError:
        fastld.STATS.fallback("nested too deeply")
        return None
    terms, relative = result.terms, result.relative
    for value in result.json_values:
        # The reference path's scan also reads inside @json literals.
        more_terms, more_relative = _undefined(value)
        terms.update(more_terms)
        relative.update(more_relative)
    if terms or relative:
        _refuse(sorted(terms), sorted(relative))
    fastld.STATS.fast += 1
    return result


def _use_fast(document: Any, safe: bool, reference: bool) -> bool:
    return safe and not (reference or _reference_only) and isinstance(document, dict)


def to_quads(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    safe: bool = True,
    reference: bool = False,
) -> list[nquads.Quad]:
    """The RDF dataset of ``document`` (after a safe-mode expansion).

    The fast path serves safe-mode conversions unless ``reference`` (or :func:`use_reference`)
    asks for pyld; the result is the same either way.
    """
    if _use_fast(document, safe, reference):
        result = _fast(document, loader or default_loader(), lines=False)
        if result is not None:
            return result.quads
    expanded = expand(document, loader=loader, safe=safe)
    try:
        dataset = pyld.to_rdf(
            expanded, {"documentLoader": loader or default_loader(), "base": None}
        )
    except Exception as exc:
        raise _unwrap(exc) from None
    return nquads.from_pyld_dataset(dataset)


def canonicalize_quads(quads: list[nquads.Quad], *, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of a dataset. The one place canonicalization happens."""
    return rdfc10_canonicalize(quads, hash_algorithm=hash_algorithm).nquads


def canonicalize(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    safe: bool = True,
    hash_algorithm: str = "sha256",
    reference: bool = False,
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    try:
        if _use_fast(document, safe, reference):
            result = _fast(document, loader or default_loader(), lines=True)
            if result is not None:
                # Quads without blank nodes arrive as canonical lines already.
                return rdfc10_canonicalize(
                    result.quads,
                    hash_algorithm=hash_algorithm,
                    lines=result.lines or (),
                    singles=result.singles,
                ).nquads
            reference = True  # it fell back: do not try the fast path twice
        return canonicalize_quads(
            to_quads(document, loader=loader, safe=safe, reference=reference),
            hash_algorithm=hash_algorithm,
        )
    except RecursionError:
        raise CanonicalizationError(
            "the document is nested too deeply to canonicalize", code="too_deep"
        ) from None
