"""JSON-LD processing for proofs: expansion in safe mode, RDF, and RDFC-1.0 canonicalization.

pyld is the reference JSON-LD processor here; everything goes through the bundled-context
:class:`~microcred.vc.documentloader.DocumentLoader`, so nothing is fetched.

Safe mode (VC Data Model 2.0, section 4.1; the reference JavaScript verifiers run jsonld.js with
``safe: true``): whatever the contexts say, nothing of the document may be dropped by JSON-LD
expansion or left relative, or a signature would not cover it and a verifier could be shown data
nobody signed. We refuse such documents and name what is wrong, for the same conditions as
jsonld.js's safe mode (its "unsafe" events):

- *terms no context defines*: a key that expands to no absolute IRI ("invalid property"; also
  when the document maps the term to ``null`` or sets ``@vocab`` to ``null``, at the top or in a
  scoped or embedded context), and a ``@type`` value that stays relative ("relative @type
  reference");
- *relative IRIs*: ``@id`` values, and values coerced to ``@id``/``@vocab``, that expand to no
  absolute IRI ("relative @id reference", "reserved @id value", relative subject, object and
  graph references);
- *values JSON-LD would drop*, named by the property they are under: a property that maps to a
  blank node ("blank node predicate"), a null ``@value``, an object with only ``@language``, an
  empty or id-only top-level object, a free-floating value ("null @value value", "object with
  only ...", "empty object", "free-floating scalar").

A base direction (``@direction``) is not dropped: JSON-LD to RDF runs with ``rdfDirection``
``i18n-datatype``, as Digital Bazaar's eddsa-rdfc-2022 cryptosuite does, so a text's direction is
signed (``"..."^^<https://www.w3.org/ns/i18n#ar_rtl>``) and jsonld.js's "rdfDirection not set"
cannot arise.

pyld has no safe mode, so the reference path expands with :class:`_SafeModeProcessor`, pyld's
processor noting what its expansion drops, and then scans the expanded form. It also expands with
one extra context, placed *before* the document's own, that sets ``@vocab`` to a sentinel
namespace, so that a term nothing defines lands there and is named as the document wrote it (a
context of the document that sets its own ``@vocab`` still wins, as it should; one that sets it to
``null`` drops the term, and the processor names it). A clean document expands identically with
or without the sentinel, because ``@vocab`` only applies to terms that nothing else defines.

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
from pyld.jsonld import JsonLdProcessor

from ._internal import fastld, nquads
from ._internal.rdfc10 import canonicalize as rdfc10_canonicalize
from .documentloader import DocumentLoader, default_loader
from .errors import CanonicalizationError, InputError, UndefinedTermsError, VCError

__all__ = ["expand", "to_quads", "canonicalize", "canonicalize_quads", "use_reference"]

_SENTINEL = fastld.SENTINEL
_ABSOLUTE = fastld.ABSOLUTE_IRI
#: How a value dropped at the top of the document is named (it is under no property).
TOP_LEVEL = "(top level)"
#: How many names of each kind a refusal's message lists (``details`` has them all).
_MESSAGE_NAMES = 10
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


class _SafeModeProcessor(JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, noting what its expansion drops without a word (see the module's
    docstring); what the expanded form still shows is left to :func:`_scan`."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: set[str] = set()
        self.relative: set[str] = set()
        self.dropped: set[str] = set()

    def _expand(
        self, active_ctx: Any, active_property: Any, element: Any, options: Any, *args: Any,
        **kwargs: Any,
    ) -> Any:
        expanded = super()._expand(active_ctx, active_property, element, options, *args, **kwargs)
        if expanded is None and element is not None:
            # Null @value, only @language, an empty or id-only top-level object, a scalar
            # outside any property: the whole value is gone.
            self.dropped.add(active_property if isinstance(active_property, str) else TOP_LEVEL)
        return expanded

    def _expand_object(
        self, active_ctx: Any, active_property: Any, expanded_active_property: Any,
        element: Any, expanded_parent: Any, options: Any, *args: Any, **kwargs: Any,
    ) -> Any:
        base = options.get("base", "")
        for key, value in element.items():
            if key == "@context":
                continue
            iri = self._expand_iri(active_ctx, key, vocab=True)
            if not isinstance(iri, str) or not (
                iri in pyld.KEYWORDS or _ABSOLUTE.match(iri) is not None
            ):
                self.terms.add(key)  # pyld drops the key and its value
            elif iri.startswith("_:"):
                self.dropped.add(key)  # JSON-LD to RDF drops blank node predicates
            elif iri == "@id":
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and self._expand_iri(
                        active_ctx, item, base=base
                    ) is None:
                        self.relative.add(item)  # a keyword-like @id: pyld makes it null
        return super()._expand_object(
            active_ctx, active_property, expanded_active_property, element, expanded_parent,
            options, *args, **kwargs,
        )

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        expanded = super()._expand_value(active_ctx, active_property, value, options)
        if isinstance(expanded, dict) and "@id" in expanded and expanded["@id"] is None:
            self.relative.add(str(value))  # a keyword-like value coerced to @id or @vocab
        return expanded


def _scan(expanded: Any, terms: set[str], relative: set[str]) -> None:
    """What the expanded form shows: terms that reached the sentinel ``@vocab``, and ``@type``
    and ``@id`` values that are not absolute IRIs. The content of an ``@json`` literal is JSON,
    not JSON-LD, and is not looked into."""
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "@value" in node:
                datatype = node.get("@type")
                if isinstance(datatype, str) and datatype.startswith(_SENTINEL):
                    terms.add(datatype[len(_SENTINEL) :])
                continue
            for key, value in node.items():
                if key.startswith(_SENTINEL):
                    terms.add(key[len(_SENTINEL) :])
                if key == "@type":
                    for item in value if isinstance(value, list) else [value]:
                        if not isinstance(item, str) or item == "@json":
                            continue
                        if item.startswith(_SENTINEL):
                            terms.add(item[len(_SENTINEL) :])
                        elif _ABSOLUTE.match(item) is None:
                            terms.add(item)
                elif key == "@id" and isinstance(value, str):
                    if value.startswith(_SENTINEL):
                        terms.add(value[len(_SENTINEL) :])
                    elif _ABSOLUTE.match(value) is None:
                        relative.add(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)


def expand(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None, safe: bool = True
) -> list[Any]:
    """Expand ``document``; in safe mode refuse, by name, whatever expansion would drop or
    leave relative (see the module's docstring)."""
    if not isinstance(document, Mapping):
        raise InputError("a JSON-LD document must be a JSON object", code="not_an_object")
    loader = loader or default_loader()
    options = {"documentLoader": loader, "base": None}
    try:
        if not safe:
            plain: list[Any] = pyld.expand(dict(document), options)
            return plain
        processor = _SafeModeProcessor()
        expanded: list[Any] = processor.expand(_with_sentinel(document), options)
    except Exception as exc:  # pyld raises bare exceptions of several kinds
        raise _unwrap(exc) from None
    terms, relative, dropped = processor.terms, processor.relative, processor.dropped
    _scan(expanded, terms, relative)
    if terms or relative or dropped:
        _refuse(terms, relative, dropped)
    return expanded


def _listed(names: set[str]) -> str:
    ordered = sorted(names)
    shown = ", ".join(ordered[:_MESSAGE_NAMES])
    more = len(ordered) - _MESSAGE_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _refuse(terms: set[str], relative: set[str], dropped: set[str]) -> None:
    parts = []
    if terms:
        parts.append("terms no context defines: " + _listed(terms))
    if relative:
        parts.append("relative IRIs: " + _listed(relative))
    if dropped:
        parts.append("values JSON-LD would drop, under: " + _listed(dropped))
    raise UndefinedTermsError(
        "the document uses " + "; ".join(parts) + " (JSON-LD safe mode)",
        terms=sorted(terms),
        relative_iris=sorted(relative),
        dropped=sorted(dropped),
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
    if result.terms or result.relative:
        _refuse(result.terms, result.relative, set())
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
            expanded,
            {
                "documentLoader": loader or default_loader(),
                "base": None,
                "rdfDirection": "i18n-datatype",
            },
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
