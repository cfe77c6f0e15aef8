"""JSON-LD to RDF in one pass, for the documents credentials are made of.

The reference path (``microcred.vc.jsonld`` with ``reference=True``) runs pyld's Expansion
Algorithm (JSON-LD 1.1 Processing Algorithms, section 5) and then its Deserialize JSON-LD to RDF
Algorithm (section 8.1, via the Node Map Generation algorithm of section 7.2). Most of that time
goes on work a credential does not need repeated: the same few ``@context`` lists are processed
again for every document, every key is expanded again, and the expanded form and the node map
are built only to be walked once.

This module walks the compacted document once and emits the quads directly, following pyld's
own code path step by step (so that the *output* is pyld's, quirks included):

* **Context processing is pyld's.** Active contexts are produced by pyld's Context Processing
  algorithm (``JsonLdProcessor._process_context``), once per distinct input, and kept in a
  small tree of :class:`_Context` wrappers: the root per distinct document ``@context`` value
  (keyed by its URLs or its JSON text, per document loader), and under each the contexts
  derived from it by property-scoped, type-scoped and embedded contexts (keyed by the term, the
  sorted type list or the JSON text). Everything a term means (its IRI, container, type
  coercion, language, scoped context) is asked from pyld once per active context and memoized,
  and so is each object shape (which keys are keywords, which hold types, which are properties).
* **Expansion and RDF conversion are mirrored** for the subset that credentials use: node
  objects with ``@id`` and ``@type``; properties with ``@set``, ``@list``, ``@graph`` and
  ``@language`` containers; ``@id``/``@vocab``/datatype/``@json`` coercion; default and term
  languages; value objects with ``@value`` and ``@type`` or ``@language``; list objects; blank
  nodes; embedded contexts; the reversion of non-propagated (type-scoped) contexts. Literals
  take pyld's lexical forms (``_object_to_rdf``: booleans, ``xsd:integer``, canonical
  ``xsd:double``, ``rdf:JSON`` by pyld's own JCS canonicalizer).
* **Quads can skip the tuple form**: with ``lines=True``, quads without blank nodes are written
  as canonical N-Quads lines (``nquads.serialize_term``, what RDFC-1.0 writes) and quads with
  one blank node in the default graph as the text around its label, for
  :func:`~microcred.vc._internal.rdfc10.canonicalize`'s ``lines`` and ``singles``.
* **Everything else falls back** to the reference path by raising :class:`Unsupported` (with a
  reason that :data:`STATS` counts): ``@reverse``, ``@nest``, ``@index``/``@id``/``@type``
  maps, ``@included``, ``@graph`` as a key, ``@set`` objects, lists of lists, ``@direction``,
  ``@json`` node types, colliding keywords, anything pyld would reject (its error is then
  raised by the reference path itself), any IRI, language tag or predicate that the N-Quads
  conversion would drop or refuse, and any pyld release other than the one mirrored here.

Blank node labels differ from pyld's (``_:f0``... instead of ``_:b0``...), which RDFC-1.0
makes irrelevant: it relabels every blank node canonically, and the dataset is a set, so pyld's
node-map merging and de-duplication change nothing either.

Safe mode is observed, not enforced, here: :func:`to_dataset` reports the terms that expanded
into the sentinel ``@vocab`` namespace and the relative ``@id`` values, exactly where the
reference path's scan of the expanded form would find them, and the caller raises. Whatever else
safe mode refuses (a key or a value that expansion drops, a ``@type`` or an ``@id`` that stays
relative) is handed to the reference path, which names it: those documents are refused, so the
fast path need not be fast for them.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pyld.__about__ import __version__ as _PYLD_VERSION
from pyld.context_resolver import ContextResolver

# pyld's own JCS canonicalizer (for @json literals) and LRU cache class, as pyld imports them.
from pyld.jsonld import JsonLdProcessor, LRUCache
from pyld.jsonld import canonicalize as _jcs

from .nquads import (
    BNODE,
    IRI,
    LITERAL,
    RDF_LANGSTRING,
    XSD_STRING,
    Quad,
    Term,
    _escape_lexical,  # the escaping serialize_term applies to lexical forms
    needs_escape,
    serialize_term,
)

__all__ = [
    "ABSOLUTE_IRI",
    "FastResult",
    "SENTINEL",
    "STATS",
    "Stats",
    "Unsupported",
    "to_dataset",
]

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE: Final = (IRI, RDF + "type")
_RDF_FIRST: Final = (IRI, RDF + "first")
_RDF_REST: Final = (IRI, RDF + "rest")
_RDF_NIL: Final = (IRI, RDF + "nil")
_RDF_JSON: Final = RDF + "JSON"
_XSD_BOOLEAN: Final = XSD + "boolean"
_XSD_INTEGER: Final = XSD + "integer"
_XSD_DOUBLE: Final = XSD + "double"

#: The safe-mode ``@vocab`` (see ``microcred.vc.jsonld``): a term that no context defines expands
#: into this namespace, where the scan of the expanded form finds it.
SENTINEL: Final = "urn:microcred:undefined-term:"

#: pyld's test for an absolute IRI (``_is_absolute_iri``): pyld silently drops subjects,
#: predicates, objects and keys that fail it, so the fast path hands such documents back (and
#: safe mode, ``microcred.vc.jsonld``, refuses them).
ABSOLUTE_IRI: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
#: Characters an N-Quads IRIREF cannot hold (``nquads._IRI_FORBIDDEN``): the reference path
#: raises on them, so the fast path hands such documents back.
_IRI_FORBIDDEN: Final = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')
_LANGUAGE: Final = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_DOUBLE_EXPONENT: Final = re.compile(r"(\d)0*E\+?(-)?0*(\d)")

#: The pyld series whose code paths the walker mirrors and the differential tests checked; with
#: any other version every document takes the reference path until they have been run again.
_PYLD_SERIES: Final = "3.3."

#: Bounds on what untrusted documents can make the caches hold.
_MAX_ROOTS: Final = 128
_MAX_DERIVED: Final = 256
_MAX_TERMS: Final = 4096
_MAX_WRAPPERS: Final = 1024

_SUPPORTED_CONTAINERS: Final = frozenset({"@set", "@list", "@graph", "@language"})
_NODE_KEYWORDS: Final = frozenset({"@id", "@type"})
_VALUE_KEYWORDS: Final = frozenset({"@value", "@type", "@language"})


class Unsupported(Exception):  # noqa: N818 - a signal, not an error the caller sees
    """The document uses something the fast path does not implement; ``reason`` says what."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Stats:
    """How many documents took the fast path and how many fell back, and why."""

    fast: int = 0
    fallbacks: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        self.fast = 0
        self.fallbacks = 0
        self.reasons.clear()

    def fallback(self, reason: str) -> None:
        self.fallbacks += 1
        self.reasons[reason] += 1

    def as_dict(self) -> dict[str, Any]:
        return {"fast": self.fast, "fallbacks": self.fallbacks, "reasons": dict(self.reasons)}


#: Process-wide counters, read by the benchmark and the tests.
STATS: Final = Stats()


class FastResult:
    """The dataset, plus what safe mode needs to decide (the caller raises, not this module)."""

    __slots__ = ("quads", "lines", "singles", "terms", "relative")

    def __init__(
        self,
        quads: list[Quad],
        lines: list[str] | None,
        singles: list[tuple[str, str, str]],
        terms: set[str],
        relative: set[str],
    ) -> None:
        self.quads = quads
        self.lines = lines
        self.singles = singles
        self.terms = terms
        self.relative = relative


class _Term:
    """What a key means in one active context (all answers are pyld's)."""

    __slots__ = (
        "iri",
        "predicate",
        "keyword",
        "has_mapping",
        "container",
        "coerce",
        "language",
        "direction",
        "scoped",
        "reverse",
        "unsupported",
        "simple",
        "undefined",
        "predicate_text",
        "datatype_ok",
        "datatype_undefined",
        "string_head",
        "string_tail",
    )

    def __init__(self, processor: JsonLdProcessor, raw: dict[str, Any], key: str) -> None:
        get = JsonLdProcessor.get_context_value
        iri = processor._expand_iri(raw, key, vocab=True)
        self.iri: str | None = iri if isinstance(iri, str) else None
        self.keyword = self.iri is not None and self.iri.startswith("@")
        self.predicate: Term | None = None
        if self.iri is not None and not self.keyword and ABSOLUTE_IRI.match(self.iri):
            self.predicate = (IRI, self.iri)
        elif not self.keyword:
            self.iri = None  # dropped by expansion (_expand_object: not an absolute IRI)
        mapping = raw["mappings"].get(key)
        self.has_mapping = mapping is not None
        container = get(raw, key, "@container")
        self.container: frozenset[str] = frozenset(
            container if isinstance(container, list) else [container] if container else []
        )
        self.coerce: Any = get(raw, key, "@type")
        self.language: Any = get(raw, key, "@language")
        self.direction: Any = get(raw, key, "@direction")
        self.scoped: Any = get(raw, key, "@context")
        self.reverse = bool(mapping and mapping.get("reverse"))
        self.unsupported: str | None = None
        if self.predicate is not None:
            if self.reverse:
                self.unsupported = "@reverse"
            elif self.predicate[1].startswith("_:"):
                self.unsupported = "blank node predicate"
            elif _IRI_FORBIDDEN.search(self.predicate[1]) is not None:
                self.unsupported = "predicate IRI that N-Quads refuses"
            elif not self.container <= _SUPPORTED_CONTAINERS:
                self.unsupported = "container " + " ".join(sorted(self.container))
        self.predicate_text = "" if self.predicate is None else f"<{self.predicate[1]}>"
        # A datatype coercion: usable as is, and the undefined term safe mode sees in it.
        coerce = self.coerce
        self.datatype_ok = (
            type(coerce) is str
            and not coerce.startswith("@")
            and _IRI_FORBIDDEN.search(coerce) is None
        )
        self.datatype_undefined: str | None = None
        if self.datatype_ok and coerce.startswith(SENTINEL):
            self.datatype_undefined = coerce[len(SENTINEL) :]
        # A string value's canonical line is `<s> <p> "value"...`: the text around the escaped
        # value, when the string becomes a literal that needs no further checks.
        self.string_head = f' {self.predicate_text} "'
        self.string_tail: str | None = None
        if self.direction is None and (coerce is None or coerce == "@none"):
            if self.language is None:
                self.string_tail = '" .\n'
            elif type(self.language) is str and _LANGUAGE.fullmatch(self.language):
                self.string_tail = f'"@{self.language} .\n'
        elif self.datatype_ok and coerce != _XSD_DOUBLE:
            self.string_tail = '" .\n' if coerce == XSD_STRING else f'"^^<{coerce}> .\n'
        # Safe mode: the term, if it only expanded through the sentinel @vocab.
        self.undefined: str | None = None
        if self.predicate is not None and self.predicate[1].startswith(SENTINEL):
            self.undefined = self.predicate[1][len(SENTINEL) :]
        # The common case, expanded inline: no scoped context, no @json, no special container.
        self.simple = (
            self.predicate is not None
            and self.unsupported is None
            and self.scoped is None
            and self.coerce != "@json"
            and self.container <= {"@set"}
        )


class _Context:
    """A pyld active context with memoized term lookups and derived contexts."""

    __slots__ = (
        "raw",
        "loader_cache",
        "terms",
        "vocab_ids",
        "derived",
        "previous",
        "plans",
        "shapes",
        "types",
    )

    def __init__(self, raw: dict[str, Any], loader_cache: _LoaderCache) -> None:
        self.raw = raw
        self.loader_cache = loader_cache
        self.terms: dict[str, _Term] = {}
        self.vocab_ids: dict[str, str | None] = {}
        self.derived: dict[tuple[Any, ...], _Context] = {}
        self.previous: _Context | None = None
        # Per object shape (its keys): where the object's context comes from, and its keys
        # sorted into keywords and properties. Documents repeat a handful of shapes.
        self.plans: dict[tuple[Any, ...], tuple[_Context, str | None]] = {}
        self.shapes: dict[
            tuple[Any, ...], tuple[dict[str, str], list[tuple[str, _Term]], bool]
        ] = {}
        self.types: dict[str, tuple[Term, str, str | None] | None] = {}

    def term(self, key: str) -> _Term:
        found = self.terms.get(key)
        if found is None:
            found = _Term(self.loader_cache.processor, self.raw, key)
            if len(self.terms) < _MAX_TERMS:
                self.terms[key] = found
        return found

    def expand_id(self, value: str) -> str | None:
        """IRI expansion of an ``@id`` value: pyld's ``_expand_iri`` with ``vocab=False`` and
        ``base=None``, which only expands compact IRIs whose prefix is a prefix term."""
        if value.startswith("@"):
            result = self.loader_cache.processor._expand_iri(self.raw, value, base=None)
            return result if isinstance(result, str) else None
        colon = value.find(":")
        if colon > 0:
            prefix = value[:colon]
            suffix = value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            mapping = self.raw["mappings"].get(prefix)
            if mapping and mapping.get("_prefix"):
                expanded: str = mapping["@id"] + suffix
                return expanded
        return value

    def type_entry(self, name: str) -> tuple[Term, str, str | None] | None:
        """For a ``@type`` value naming an IRI N-Quads can write: its term, the rest of its
        ``rdf:type`` line, and the undefined term safe mode sees in it (``None`` otherwise)."""
        found = self.types.get(name)
        if found is None and name not in self.types:
            expanded = self.expand_vocab(name)
            if (
                expanded is not None
                and not expanded.startswith(("@", "_:"))
                and ABSOLUTE_IRI.match(expanded) is not None
                and _IRI_FORBIDDEN.search(expanded) is None
            ):
                undefined = expanded[len(SENTINEL) :] if expanded.startswith(SENTINEL) else None
                found = ((IRI, expanded), f" <{_RDF_TYPE[1]}> <{expanded}> .\n", undefined)
            if len(self.types) < _MAX_TERMS:
                self.types[name] = found
        return found

    def expand_vocab(self, value: str) -> str | None:
        """IRI expansion relative to the vocabulary (types, ``@vocab`` coercion)."""
        found = self.vocab_ids.get(value)
        if found is None and value not in self.vocab_ids:
            result = self.loader_cache.processor._expand_iri(self.raw, value, vocab=True, base=None)
            found = result if isinstance(result, str) else None
            if len(self.vocab_ids) < _MAX_TERMS:
                self.vocab_ids[value] = found
        return found

    def _derive(self, key: tuple[Any, ...], build: Callable[[], dict[str, Any]]) -> _Context:
        found = self.derived.get(key)
        if found is None:
            raw = build()
            found = self if raw is self.raw else self.loader_cache.wrap(raw)
            if len(self.derived) < _MAX_DERIVED:
                self.derived[key] = found
        return found

    def with_property_scope(self, key: str, scoped: Any) -> _Context:
        """The context under a term with a property-scoped context (``override_protected``).

        Memoized here under ``key``: the scoped context is the one ``key`` has in this context.
        """
        cache = self.loader_cache
        return self._derive(
            ("property", key),
            lambda: cache.processor._process_context(
                self.raw, scoped, cache.options, override_protected=True
            ),
        )

    def node_context(self, key: str, revert: bool) -> _Context:
        """The context a JSON object under ``key`` starts in (``_expand``, before its types):
        a non-propagated context reverted, then ``key``'s property-scoped context applied."""
        found = self.derived.get(("node", key, revert))
        if found is None:
            base = self.reverted() if revert else self
            scoped = self.term(key).scoped
            found = base if scoped is None else base.with_scoped(scoped)
            if len(self.derived) < _MAX_DERIVED:
                self.derived[("node", key, revert)] = found
        return found

    def with_scoped(self, scoped: Any) -> _Context:
        cache = self.loader_cache
        return self.loader_cache.wrap(
            cache.processor._process_context(
                self.raw, scoped, cache.options, override_protected=True
            )
        )

    def with_embedded(self, local: Any) -> _Context:
        """The context after an embedded ``@context`` (keyed by its JSON text)."""
        cache = self.loader_cache
        return self._derive(
            ("embedded", json.dumps(local, separators=(",", ":"))),
            lambda: cache.processor._process_context(self.raw, local, cache.options),
        )

    def with_type_scopes(self, types: list[str]) -> _Context:
        """Apply the type-scoped contexts of ``types`` in code point order, not propagated."""
        ordered = tuple(sorted(types))
        cache = self.loader_cache

        def build() -> dict[str, Any]:
            raw = self.raw
            for type_name in ordered:
                local = self.term(type_name).scoped
                if local is not None and local is not False:
                    raw = cache.processor._process_context(
                        raw, local, cache.options, propagate=False
                    )
            return raw

        return self._derive(("types", ordered), build)

    def reverted(self) -> _Context:
        """The context before any non-propagated (type-scoped) context."""
        previous = self.raw.get("previousContext")
        if previous is None:
            return self
        if self.previous is None or self.previous.raw is not previous:
            self.previous = self.loader_cache.wrap(previous)
        return self.previous


class _LoaderCache:
    """Per document loader: pyld's processor, options and a bounded cache of root contexts."""

    def __init__(self, loader: Any) -> None:
        self.processor = JsonLdProcessor()
        self.options: dict[str, Any] = {
            "documentLoader": loader,
            "base": None,
            # A resolver of its own: pyld's module-level one is keyed by URL only, whatever
            # the loader, and this cache must not outlive or mix loaders.
            "contextResolver": ContextResolver(LRUCache(maxsize=256), loader),
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "extractAllScripts": False,
            "processingMode": "json-ld-1.1",
        }
        # Oldest first; evicted in insertion order once full.
        self.roots: OrderedDict[Any, _Context] = OrderedDict()
        # Keyed by id(raw); each wrapper holds its raw context, so an id is not reused while
        # its entry lives. Bounded, and cleared when full (wrappers are cheap to rebuild).
        self.wrappers: dict[int, _Context] = {}
        self.lock = threading.Lock()

    def wrap(self, raw: dict[str, Any]) -> _Context:
        # pyld returns the same active context object for the same inputs (its processed-context
        # cache), so one wrapper per object keeps the memoized lookups shared.
        found = self.wrappers.get(id(raw))
        if found is None or found.raw is not raw:
            found = _Context(raw, self)
            if len(self.wrappers) >= _MAX_WRAPPERS:
                self.wrappers.clear()
            self.wrappers[id(raw)] = found
        return found

    def root(self, local: list[Any]) -> _Context:
        key: Any
        if all(type(entry) is str for entry in local[1:]):
            key = tuple(local[1:])  # context URLs only: the common case, and cheap to key
        else:
            key = json.dumps(local, separators=(",", ":"))
        found = self.roots.get(key)
        if found is not None:
            return found
        initial = self.processor._get_initial_context(self.options)
        found = self.wrap(self.processor._process_context(initial, local, self.options))
        with self.lock:
            self.roots[key] = found
            while len(self.roots) > _MAX_ROOTS:
                self.roots.popitem(last=False)
        return found


_LOADER_CACHES: weakref.WeakKeyDictionary[Any, _LoaderCache] = weakref.WeakKeyDictionary()
_LOADER_LOCK: Final = threading.Lock()


#: The last loader asked for (weakly) and its cache: nearly every call uses the default loader.
_LAST_LOADER: tuple[weakref.ref[Any], _LoaderCache] | None = None


def _loader_cache(loader: Any) -> _LoaderCache:
    global _LAST_LOADER
    last = _LAST_LOADER
    if last is not None and last[0]() is loader:
        return last[1]
    found = _LOADER_CACHES.get(loader)
    if found is None:
        with _LOADER_LOCK:
            found = _LOADER_CACHES.get(loader)
            if found is None:
                found = _LOADER_CACHES[loader] = _LoaderCache(loader)
    _LAST_LOADER = (weakref.ref(loader), found)
    return found


_VALID_IRIS: dict[str, bool] = {}


def _valid_iri(iri: str) -> bool:
    """Whether pyld keeps ``iri`` as a subject or object and N-Quads can write it (memoized:
    issuers, types and vocabularies recur from document to document)."""
    valid = _VALID_IRIS.get(iri)
    if valid is None:
        valid = ABSOLUTE_IRI.match(iri) is not None and _IRI_FORBIDDEN.search(iri) is None
        if len(_VALID_IRIS) >= _MAX_TERMS * 4:
            _VALID_IRIS.clear()
        _VALID_IRIS[iri] = valid
    return valid


def _double(value: float) -> str:
    r"""pyld's canonical ``xsd:double`` lexical form (``_canonicalize_double``): its
    ``(\d)0*E\+?(-)?0*(\d)`` -> ``\1E\2\3`` done with string methods (the mantissa loses its
    trailing zeros but keeps a digit after the point; the exponent loses its ``+`` and leading
    zeros). ``tests/vc/test_fastld.py`` checks the two agree."""
    text = f"{value:1.15E}"
    mantissa, marker, exponent = text.partition("E")
    if not marker:
        return _DOUBLE_EXPONENT.sub(r"\1E\2\3", text)  # inf and nan: no exponent
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    sign = "-" if exponent.startswith("-") else ""
    return mantissa + "E" + sign + (exponent.lstrip("+-").lstrip("0") or "0")


def _literal(value: Any, datatype: str | None, language: str | None) -> Term:
    """A value object as an RDF literal, as pyld's ``_object_to_rdf`` writes it (in its order:
    booleans, non-integral floats, anything typed ``xsd:double``, integers, strings)."""
    cls = type(value)
    if cls is str and datatype != _XSD_DOUBLE:
        if language is not None:
            if type(language) is not str or _LANGUAGE.fullmatch(language) is None:
                raise Unsupported("language tag")
            return (LITERAL, value, datatype or RDF_LANGSTRING, language)
        return (LITERAL, value, datatype or XSD_STRING, None)
    if cls is bool:
        return (LITERAL, "true" if value else "false", datatype or _XSD_BOOLEAN, None)
    if cls is float and not value.is_integer():
        return (LITERAL, _double(value), datatype or _XSD_DOUBLE, None)
    if datatype == _XSD_DOUBLE:
        try:
            number = float(value)
        except (ValueError, TypeError):
            return (LITERAL, value, _XSD_DOUBLE, None)
        return (LITERAL, _double(number), _XSD_DOUBLE, None)
    if cls is int or cls is float:
        if abs(value) >= 1e21:
            return (LITERAL, _double(value), datatype or _XSD_DOUBLE, None)
        return (LITERAL, str(int(value)), datatype or _XSD_INTEGER, None)
    raise Unsupported("value")


def _json_literal(value: Any) -> str:
    """pyld's ``@json`` lexical form: its own RFC 8785 (JCS) canonicalizer."""
    text: str = _jcs(value).decode("utf-8")
    return text


class _List:
    """A list object's items, turned into an ``rdf:first``/``rdf:rest`` chain when emitted."""

    __slots__ = ("items",)

    def __init__(self, items: list[Any]) -> None:
        self.items = items


class _Walker:
    """One document's walk: the quads so far, blank node labels and safe-mode findings."""

    def __init__(self, *, lines: bool = False) -> None:
        self.sentinel = SENTINEL
        self.quads: list[Quad] = []
        # With ``lines`` on, quads without blank nodes are written straight to canonical N-Quads
        # lines (what RDFC-1.0 would write for them) instead of ``quads``.
        self.lines: list[str] | None = [] if lines else None
        # ... and quads with one blank node in the default graph as the text around its label.
        self.singles: list[tuple[str, str, str]] = []
        self.labels: dict[str, Term] = {}
        self.counter = 0
        self.terms: set[str] = set()
        self.relative: set[str] = set()

    def add(self, subject: Term, predicate: Term, obj: Term, graph: Term | None) -> None:
        lines = self.lines
        if lines is None or (graph is not None and graph[0] == BNODE):
            self.quads.append((subject, predicate, obj, graph))
        elif subject[0] == BNODE or obj[0] == BNODE:
            if graph is not None or (subject[0] == BNODE and obj[0] == BNODE):
                self.quads.append((subject, predicate, obj, graph))
            elif subject[0] == BNODE:
                tail = f" <{predicate[1]}> {serialize_term(obj)} .\n"
                self.singles.append(("", subject[1], tail))
            else:
                self.singles.append((f"<{subject[1]}> <{predicate[1]}> ", obj[1], " .\n"))
        elif graph is None:
            lines.append(f"<{subject[1]}> <{predicate[1]}> {serialize_term(obj)} .\n")
        else:
            lines.append(f"<{subject[1]}> <{predicate[1]}> {serialize_term(obj)} <{graph[1]}> .\n")

    def blank(self) -> Term:
        self.counter += 1
        return (BNODE, "f" + str(self.counter))

    def named_blank(self, label: str) -> Term:
        found = self.labels.get(label)
        if found is None:
            found = self.labels[label] = self.blank()
        return found

    # -- IRIs as terms, with safe mode's scan of the expanded form ------------------------------

    def node_term(self, iri: str, *, safe_mode_sees: bool = False) -> Term:
        """``iri`` as a subject or object; ``safe_mode_sees`` when it is an ``@id`` value,
        which safe mode refuses anyway if it is relative (no colon)."""
        if iri.startswith("_:"):
            return self.named_blank(iri[2:])
        if not _valid_iri(iri):
            if safe_mode_sees and ":" not in iri:
                return (IRI, iri)  # never emitted: the document is refused
            raise Unsupported("IRI that N-Quads drops or refuses")
        return (IRI, iri)

    def see_id(self, iri: str) -> None:
        """Safe mode looks at every ``@id`` value of the expanded form."""
        if iri.startswith(self.sentinel):
            self.terms.add(iri[len(self.sentinel) :])
        elif ":" not in iri:
            self.relative.add(iri)

    def see_type(self, iri: str) -> None:
        """... and at every ``@type`` value (sentinel types only)."""
        if iri.startswith(self.sentinel):
            self.terms.add(iri[len(self.sentinel) :])

    def datatype(self, iri: str) -> str:
        self.see_type(iri)
        if _IRI_FORBIDDEN.search(iri) is not None:
            raise Unsupported("datatype IRI")
        return iri

    # -- expansion, after pyld's JsonLdProcessor._expand and _expand_object ----------------------

    def expand(
        self,
        ctx: _Context,
        key: str,
        value: Any,
        graph: Term | None,
        inside_list: bool,
        out: list[Any],
    ) -> None:
        """``_expand(ctx, key, value)`` for a property value; appends the items to ``out``."""
        cls = type(value)
        if cls is list:
            inside_list = inside_list or "@list" in ctx.term(key).container
            for element in value:
                if inside_list and type(element) is list:
                    raise Unsupported("list of lists")
                self.expand(ctx, key, element, graph, inside_list, out)
            return
        if cls is dict:
            out.append(self.object(ctx, key, value, graph, inside_list, False))
            return
        if value is not None:
            out.append(self.scalar(ctx, ctx.term(key), value))

    def scalar(self, ctx: _Context, term: _Term, value: Any) -> Term:
        """``_expand_value`` and then ``_object_to_rdf`` for a scalar property value."""
        coerce = term.coerce
        if coerce is None:
            if type(value) is str:
                if term.direction is not None:
                    raise Unsupported("@direction")
                language = term.language
                if language is None:
                    return (LITERAL, value, XSD_STRING, None)
                return _literal(value, None, language)
            return _literal(value, None, None)
        if (coerce == "@id" or coerce == "@vocab") and type(value) is str:
            expanded = ctx.expand_id(value) if coerce == "@id" else ctx.expand_vocab(value)
            if expanded is None:
                raise Unsupported("keyword-like @id")
            self.see_id(expanded)
            return self.node_term(expanded, safe_mode_sees=True)
        if coerce != "@id" and coerce != "@vocab" and coerce != "@none":
            if not term.datatype_ok:
                raise Unsupported("type coercion " + str(coerce))
            if term.datatype_undefined is not None:
                self.terms.add(term.datatype_undefined)
            return _literal(value, coerce, None)
        if type(value) is str:
            if term.direction is not None:
                raise Unsupported("@direction")
            return _literal(value, None, term.language)
        return _literal(value, None, None)

    def plan(
        self, ctx: _Context, key: str | None, element: dict[str, Any], top: bool
    ) -> tuple[_Context, str | None]:
        """The first steps of ``_expand`` for an object: its context before type-scoped
        contexts, and the key that holds its types. A function of the keys alone."""
        active = ctx
        if not top:
            # Revert a non-propagated context, except for value objects and node references.
            revert = True
            if ctx.raw.get("previousContext") is not None and len(element) <= 2:
                for name in sorted(element):
                    expanded = ctx.term(name).iri
                    if expanded == "@value":
                        revert = False
                        break
                    if expanded == "@id" and len(element) == 1:
                        revert = False
                        break
            assert key is not None
            active = ctx.node_context(key, revert)
        type_key: str | None = None
        for name in element:
            if active.term(name).iri == "@type":
                if type_key is not None:
                    raise Unsupported("several @type keys")
                type_key = name
        return active, type_key

    def shape(
        self, active: _Context, element: dict[str, Any], type_key: str | None
    ) -> tuple[dict[str, str], list[tuple[str, _Term]], bool]:
        """The object's keys as expanded in its final context: keywords, properties, and
        whether it is a node object (no keyword but ``@id`` and ``@type``)."""
        keywords: dict[str, str] = {}
        properties: list[tuple[str, _Term]] = []
        for name in element:
            if name == "@context":
                continue
            term = active.term(name)
            expanded = term.iri
            if expanded is None:
                raise Unsupported("dropped property")  # safe mode refuses: pyld names it
            if term.keyword:
                if expanded in keywords:
                    raise Unsupported("colliding keywords")
                keywords[expanded] = name
            else:
                properties.append((name, term))
        if keywords.get("@type") != type_key:
            raise Unsupported("@type alias changed by a type-scoped context")
        return keywords, properties, keywords.keys() <= _NODE_KEYWORDS

    def object(
        self,
        ctx: _Context,
        key: str | None,
        element: dict[str, Any],
        graph: Term | None,
        inside_list: bool,
        top: bool,
    ) -> Any:
        """``_expand`` of a JSON object under property ``key`` (the document itself if ``top``)."""
        if "@context" in element:
            # An embedded context (a credential inside a CLR, say): applied after reverting,
            # and it stops value objects and node references from keeping the context.
            local = element["@context"]
            if top or (isinstance(local, Mapping) and set(local) == {"@context"}):
                raise Unsupported("embedded @context")
            assert key is not None
            embedded = ctx.node_context(key, True).with_embedded(local)
            active, type_key = self.plan(embedded, None, element, True)
        else:
            plan_key = (key, *element)
            found = ctx.plans.get(plan_key)
            if found is None:
                found = self.plan(ctx, key, element, top)
                if len(ctx.plans) < _MAX_TERMS:
                    ctx.plans[plan_key] = found
            active, type_key = found
        # _prepare_nested_context: type-scoped contexts, looked up before any is applied.
        type_ctx = active
        types: list[str] = []
        if type_key is not None:
            raw_types = element[type_key]
            types = raw_types if isinstance(raw_types, list) else [raw_types]
            for type_name in types:
                if type(type_name) is not str:
                    raise Unsupported("@type value")
            scoped = type_ctx.derived.get(("t", *types))
            if scoped is None:
                scoped = type_ctx.with_type_scopes(types)
                if len(type_ctx.derived) < _MAX_DERIVED:
                    type_ctx.derived[("t", *types)] = scoped
            active = scoped
        shape_key = (type_key, *element)
        shape = active.shapes.get(shape_key)
        if shape is None:
            shape = self.shape(active, element, type_key)
            if len(active.shapes) < _MAX_TERMS:
                active.shapes[shape_key] = shape
        keywords, properties, is_node = shape
        if not is_node:
            return self.special(active, type_ctx, key, element, graph, inside_list, top, shape)
        return self.node(active, type_ctx, element, keywords, properties, types, graph, top)

    def special(
        self,
        active: _Context,
        type_ctx: _Context,
        key: str | None,
        element: dict[str, Any],
        graph: Term | None,
        inside_list: bool,
        top: bool,
        shape: tuple[dict[str, str], list[tuple[str, _Term]], bool],
    ) -> Any:
        """Objects with keywords other than ``@id`` and ``@type``: values, lists, the rest."""
        keywords, properties, _ = shape
        if "@value" in keywords:
            if top:
                raise Unsupported("top-level value object")
            return self.value_object(element, keywords, properties, type_ctx)
        if "@list" in keywords:
            if top or len(keywords) > 1 or properties:
                raise Unsupported("list object")
            if inside_list:
                raise Unsupported("list of lists")
            assert key is not None
            items: list[Any] = []
            self.expand(active, key, element[keywords["@list"]], graph, True, items)
            return _List(items)
        # An object with only @language is dropped by expansion, which safe mode refuses (the
        # reference path names it), like every other keyword this walker does not implement.
        raise Unsupported(next(k for k in keywords if k not in _NODE_KEYWORDS))

    def value_object(
        self,
        element: dict[str, Any],
        keywords: dict[str, str],
        properties: list[tuple[str, _Term]],
        type_ctx: _Context,
    ) -> Term:
        if properties or not set(keywords) <= _VALUE_KEYWORDS:
            raise Unsupported("value object")
        value = element[keywords["@value"]]
        if isinstance(value, dict | list) or value is None:
            raise Unsupported("value object")
        datatype: str | None = None
        language: str | None = None
        if "@type" in keywords:
            if "@language" in keywords:
                raise Unsupported("value object")
            raw_type = element[keywords["@type"]]
            if not isinstance(raw_type, str):
                raise Unsupported("value object")
            expanded = type_ctx.expand_vocab(raw_type)
            if (
                expanded is None
                or expanded.startswith(("@", "_:"))
                or ABSOLUTE_IRI.match(expanded) is None
            ):
                raise Unsupported("value object @type")
            datatype = self.datatype(expanded)
        if "@language" in keywords:
            raw_language = element[keywords["@language"]]
            if not isinstance(raw_language, str) or not isinstance(value, str):
                raise Unsupported("value object")
            language = raw_language.lower()
        return _literal(value, datatype, language)

    def node(
        self,
        active: _Context,
        type_ctx: _Context,
        element: dict[str, Any],
        keywords: dict[str, str],
        properties: list[tuple[str, _Term]],
        types: list[str],
        graph: Term | None,
        top: bool,
    ) -> Term:
        add = self.add
        subject: Term
        expanded_id: str | None = None
        if "@id" in keywords:
            raw_id = element[keywords["@id"]]
            if not isinstance(raw_id, str):
                raise Unsupported("@id value")
            expanded_id = active.expand_id(raw_id)
            if expanded_id is None:
                raise Unsupported("keyword-like @id")
            subject = self.node_term(expanded_id, safe_mode_sees=True)
        else:
            subject = self.blank()
        # Quads of a named node in the default graph without blank nodes: written here.
        direct = self.lines if subject[0] == IRI and graph is None else None
        subject_text = f"<{subject[1]}>"
        for type_name in types:
            entry = type_ctx.type_entry(type_name)
            if entry is not None:
                type_term, type_line, undefined = entry
                if undefined is not None:
                    self.terms.add(undefined)
                if direct is not None:
                    direct.append(subject_text + type_line)
                else:
                    add(subject, _RDF_TYPE, type_term, graph)
                continue
            expanded = type_ctx.expand_vocab(type_name)
            if expanded is None or expanded.startswith("@"):
                raise Unsupported("@type value")
            self.see_type(expanded)
            add(subject, _RDF_TYPE, self.node_term(expanded), graph)
        count = len(types)
        for name, term in properties:
            value = element[name]
            if term.simple:
                if value is None:
                    continue
                predicate = term.predicate
                assert predicate is not None
                cls = type(value)
                if cls is list:
                    items: list[Any] = []
                    self.expand(active, name, value, graph, False, items)
                    for item in items:
                        add(subject, predicate, self.emit(item, graph), graph)
                elif cls is dict:
                    item = self.object(active, name, value, graph, False, False)
                    add(subject, predicate, self.emit(item, graph), graph)
                elif cls is str and direct is not None and term.string_tail is not None:
                    # The common case: a string literal of a named node, written directly.
                    if term.datatype_undefined is not None:
                        self.terms.add(term.datatype_undefined)
                    if needs_escape(value):
                        value = _escape_lexical(value)
                    direct.append(subject_text + term.string_head + value + term.string_tail)
                else:
                    obj = self.scalar(active, term, value)
                    if direct is not None and obj[0] != BNODE:
                        direct.append(
                            f"{subject_text} {term.predicate_text} {serialize_term(obj)} .\n"
                        )
                    else:
                        add(subject, predicate, obj, graph)
                count += 1
                if term.undefined is not None:
                    self.terms.add(term.undefined)
                continue
            if term.unsupported is not None:
                raise Unsupported(term.unsupported)
            predicate = term.predicate
            assert predicate is not None
            container = term.container
            # pyld processes the scoped context first, whatever the value (it may refuse it).
            term_ctx = active
            if term.scoped is not None:
                term_ctx = active.with_property_scope(name, term.scoped)
                if term_ctx.term(name).reverse:
                    raise Unsupported("@reverse")
            # pyld tries a language map before @json coercion (_expand_object).
            if term.coerce == "@json" and not ("@language" in container and type(value) is dict):
                if "@list" in container or "@graph" in container:
                    raise Unsupported("@json in a container")
                literal = (LITERAL, _json_literal(value), _RDF_JSON, None)
                add(subject, predicate, literal, graph)
                count += 1
                self.see_property(predicate[1])
                continue
            if value is None:
                continue
            if "@language" in container and isinstance(value, dict):
                if not container <= {"@language", "@set"}:
                    raise Unsupported("language map in a container")
                self.language_map(term_ctx, term, value, subject, predicate, graph)
            elif "@graph" in container:
                if not self.graph_values(term_ctx, name, value, subject, predicate, graph):
                    continue
            else:
                items = []
                self.expand(term_ctx, name, value, graph, False, items)
                if "@list" in container and not (
                    len(items) == 1 and isinstance(items[0], _List) and isinstance(value, dict)
                ):
                    items = [_List(items)]
                for item in items:
                    add(subject, predicate, self.emit(item, graph), graph)
            count += 1
            self.see_property(predicate[1])
        if top and count == 0:
            # An empty or id-only top-level object is dropped by expansion: safe mode refuses.
            raise Unsupported("top-level object without properties")
        if expanded_id is not None:
            self.see_id(expanded_id)
        return subject

    def see_property(self, iri: str) -> None:
        if iri.startswith(self.sentinel):
            self.terms.add(iri[len(self.sentinel) :])

    def graph_values(
        self,
        ctx: _Context,
        key: str,
        value: Any,
        subject: Term,
        predicate: Term,
        graph: Term | None,
    ) -> bool:
        """A ``@graph`` container: each value goes into a named graph of its own.

        Returns whether the property stays in the expanded form (for safe mode).
        """
        if not ctx.term(key).container <= {"@graph", "@set"}:
            raise Unsupported("@graph container with others")
        elements: list[Any] = []
        _flatten(value, elements)
        emitted = False
        for element in elements:
            if element is None:
                continue
            if not isinstance(element, dict | str):
                raise Unsupported("@graph container value")
            name = self.blank()
            items: list[Any] = []
            self.expand(ctx, key, element, name, False, items)
            for item in items:
                if isinstance(item, _List) or item[0] == LITERAL:
                    raise Unsupported("@graph container value")
                self.add(subject, predicate, name, graph)
                emitted = True
        return emitted or isinstance(value, list)

    def language_map(
        self,
        ctx: _Context,
        term: _Term,
        value: dict[str, Any],
        subject: Term,
        predicate: Term,
        graph: Term | None,
    ) -> None:
        """``_expand_language_map``: the keys are language tags (or ``@none``)."""
        if term.direction is not None:
            raise Unsupported("@direction")
        for language, entries in value.items():
            expanded = ctx.expand_vocab(language)
            tag = None if expanded == "@none" else language.lower()
            for entry in entries if isinstance(entries, list) else [entries]:
                if entry is None:
                    continue
                if not isinstance(entry, str):
                    raise Unsupported("language map value")
                self.add(subject, predicate, _literal(entry, None, tag), graph)

    def emit(self, item: Any, graph: Term | None) -> Term:
        """An expanded item as an RDF object; a list becomes its chain (``_list_to_rdf``)."""
        if not isinstance(item, _List):
            term: Term = item
            return term
        if not item.items:
            return _RDF_NIL
        head = self.blank()
        current = head
        last = len(item.items) - 1
        for index, entry in enumerate(item.items):
            if isinstance(entry, _List):
                raise Unsupported("list of lists")
            following = _RDF_NIL if index == last else self.blank()
            self.quads.append((current, _RDF_FIRST, entry, graph))
            self.quads.append((current, _RDF_REST, following, graph))
            current = following
        return head


def _flatten(value: Any, out: list[Any]) -> None:
    if isinstance(value, list):
        for element in value:
            _flatten(element, out)
    else:
        out.append(value)


def to_dataset(document: Mapping[str, Any], *, loader: Any, lines: bool = False) -> FastResult:
    """The quads of ``document`` expanded with ``{"@vocab": SENTINEL}`` before its contexts.

    With ``lines``, quads without blank nodes come as canonical N-Quads lines in
    ``result.lines`` (for :func:`~microcred.vc._internal.rdfc10.canonicalize`'s ``lines``).
    Raises :class:`Unsupported` when the reference path must handle the document.
    """
    if not _PYLD_VERSION.startswith(_PYLD_SERIES):
        raise Unsupported(f"pyld {_PYLD_VERSION}")
    context = document.get("@context")
    contexts = [] if context is None else list(context) if isinstance(context, list) else [context]
    cache = _loader_cache(loader)
    try:
        root = cache.root([{"@vocab": SENTINEL}, *contexts])
    except Exception as exc:  # pyld's own errors: the reference path raises them
        raise Unsupported("context processing") from exc
    walker = _Walker(lines=lines)
    top = {key: value for key, value in document.items() if key != "@context"}
    try:
        walker.object(root, None, top, None, False, True)
    except (Unsupported, RecursionError):
        raise
    except Exception as exc:  # pyld refused a scoped or embedded context: let it say so
        raise Unsupported("pyld error: " + type(exc).__name__) from exc
    return FastResult(
        walker.quads,
        walker.lines,
        walker.singles,
        walker.terms,
        walker.relative,
    )
