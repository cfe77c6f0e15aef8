"""RDF terms and quads as plain tuples, an N-Quads parser and the canonical N-Quads serializer.

RDFC-1.0 hashes N-Quads text, so the exact bytes of each serialized quad matter: they follow
"A Canonical form of N-Quads" (RDF Dataset Canonicalization, Appendix A, ``#canonical-quads``),
which extends Canonical N-Triples with the graph label. Terms are tuples rather than objects
because the canonicalization loops touch them many times and other modules build quads directly:

* ``(IRI, "http://example.com/")``
* ``(BNODE, "b0")`` (the label, without ``_:``)
* ``(LITERAL, lexical_form, datatype_iri, language_or_None)``; a language-tagged string has the
  datatype ``rdf:langString``, a simple literal ``xsd:string``.

A quad is ``(subject, predicate, object, graph)`` with ``graph`` ``None`` for the default graph.
Code that builds quads itself must keep to what N-Quads can express (absolute IRIs without the
characters IRIREF forbids, well-formed language tags); :func:`parse_nquads` and
:func:`from_pyld_dataset` check this and raise
:class:`~microcred.vc.errors.CanonicalizationError` with ``code="invalid_nquads"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import CanonicalizationError

__all__ = [
    "IRI",
    "BNODE",
    "LITERAL",
    "RDF_LANGSTRING",
    "XSD_STRING",
    "Term",
    "Quad",
    "parse_nquads",
    "serialize_term",
    "serialize_quad",
    "from_pyld_dataset",
]

IRI: Final = 0
BNODE: Final = 1
LITERAL: Final = 2

RDF_LANGSTRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"

type NodeTerm = tuple[int, str]
type LiteralTerm = tuple[int, str, str, str | None]
type Term = NodeTerm | LiteralTerm
type Quad = tuple[Term, Term, Term, Term | None]

_INVALID: Final = "invalid_nquads"

# --- Serialization (RDFC-1.0 Appendix A) -------------------------------------------------------

# Within STRING_LITERAL_QUOTE: BS, HT, LF, FF, CR, '"' and '\' MUST use ECHAR; U+0000-U+0007,
# VT, U+000E-U+001F, DEL and code points outside the XML 1.1 ``Char`` production (U+0000, the
# surrogates, U+FFFE, U+FFFF) MUST use UCHAR as a lowercase ``\u`` with four uppercase HEX;
# everything else is written natively.
_ECHARS: Final = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
_LITERAL_ESCAPES: dict[int, str] = {
    **{cp: f"\\u{cp:04X}" for cp in range(0x20)},
    **_ECHARS,
    0x22: '\\"',
    0x5C: "\\\\",
    0x7F: "\\u007F",
    **{cp: f"\\u{cp:04X}" for cp in range(0xD800, 0xE000)},
    0xFFFE: "\\uFFFE",
    0xFFFF: "\\uFFFF",
}
_NEEDS_ESCAPE: Final = re.compile(r'[\x00-\x1f"\\\x7f\ud800-\udfff\ufffe\uffff]')


def needs_escape(value: str) -> bool:
    """Whether ``value`` holds a character that :data:`_NEEDS_ESCAPE` matches.

    For ASCII text (most literals) three C-level scans answer it: an ASCII character is
    printable exactly when it is not U+0000-U+001F or U+007F, which leaves the quote and the
    backslash (``tests/vc/test_nquads.py`` checks it against the expression).
    """
    if value.isascii():
        return not value.isprintable() or '"' in value or "\\" in value
    return _NEEDS_ESCAPE.search(value) is not None


def _escape_lexical(value: str) -> str:
    if not needs_escape(value):
        return value
    return value.translate(_LITERAL_ESCAPES)


def serialize_term(term: Term) -> str:
    """Return the canonical N-Quads form of one term (RDFC-1.0 Appendix A).

    IRIs are written natively (the parser has already decoded any UCHAR); ``xsd:string``
    literals carry no datatype; language-tagged literals carry only the tag.
    """
    if len(term) == 2:
        kind, value = term
        if kind == BNODE:
            return "_:" + value
        return "<" + value + ">"
    _, lexical, datatype, language = term
    quoted = '"' + _escape_lexical(lexical) + '"'
    if language is not None:
        return quoted + "@" + language
    if datatype == XSD_STRING:
        return quoted
    return quoted + "^^<" + datatype + ">"


def serialize_quad(quad: Quad) -> str:
    """Return one quad in canonical N-Quads form: single spaces, ``" ."`` and one LF."""
    subject, predicate, obj, graph = quad
    if graph is None:
        return f"{serialize_term(subject)} {serialize_term(predicate)} {serialize_term(obj)} .\n"
    return (
        f"{serialize_term(subject)} {serialize_term(predicate)} {serialize_term(obj)} "
        f"{serialize_term(graph)} .\n"
    )


# --- Parsing (RDF 1.1 N-Quads grammar, section 5) --------------------------------------------

_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U: Final = _PN_CHARS_BASE + "_:"
_PN_CHARS: Final = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR: Final = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF: Final = rf"<((?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*)>"
_BNODE: Final = rf"_:([{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
_STRING: Final = rf"\"((?:[^\"\\\n\r]|\\[tbnrf\"'\\]|{_UCHAR})*)\""
_LANGTAG: Final = r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
_WS: Final = r"[ \t]*"

# One statement per line: subject predicate object graphLabel? '.' and an optional comment.
# Groups: 1-2 subject (IRI | bnode), 3 predicate, 4-5 object node, 6-8 object literal
# (lexical form, datatype, language), 9-10 graph (IRI | bnode).
_STATEMENT: Final = re.compile(
    rf"{_WS}(?:{_IRIREF}|{_BNODE}){_WS}"
    rf"{_IRIREF}{_WS}"
    rf"(?:{_IRIREF}|{_BNODE}|{_STRING}(?:{_WS}\^\^{_WS}{_IRIREF}|{_WS}{_LANGTAG})?){_WS}"
    rf"(?:{_IRIREF}|{_BNODE})?{_WS}\.{_WS}(?:#.*)?"
)
_BLANK_OR_COMMENT: Final = re.compile(rf"{_WS}(?:#.*)?")
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
_ESCAPE: Final = re.compile(rf"\\[tbnrf\"'\\]|{_UCHAR}")
_UNESCAPE_ECHAR: Final = {
    "\\t": "\t",
    "\\b": "\b",
    "\\n": "\n",
    "\\r": "\r",
    "\\f": "\f",
    '\\"': '"',
    "\\'": "'",
    "\\\\": "\\",
}
# What IRIREF forbids unescaped; a UCHAR must not smuggle these in either, or the canonical
# (unescaped) form of the IRI would not be an IRIREF any more and quads could collide.
_IRI_FORBIDDEN: Final = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')
_LANGUAGE: Final = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")


class _BadEscape(ValueError):
    pass


def _decode_escape(match: re.Match[str]) -> str:
    text = match.group()
    simple = _UNESCAPE_ECHAR.get(text)
    if simple is not None:
        return simple
    code_point = int(text[2:], 16)
    if code_point > 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        raise _BadEscape(f"{text} is not a Unicode scalar value")
    return chr(code_point)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_decode_escape, text)


def _iri(text: str, line: int) -> NodeTerm:
    value = _unescape(text)
    if _IRI_FORBIDDEN.search(value) is not None:
        raise CanonicalizationError(
            f"N-Quads line {line}: an escape in IRI <{text}> produces a character IRIs forbid",
            code=_INVALID,
            line=line,
        )
    return (IRI, value)


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document (RDF 1.1 N-Quads, section 5 grammar) into quads.

    Escapes (ECHAR and UCHAR) are decoded, so the result holds the abstract terms and the
    canonical serializer decides afresh how each character is written. Duplicate statements are
    kept; :func:`~microcred.vc._internal.rdfc10.canonicalize` treats its input as a set.

    Raises ``CanonicalizationError(code="invalid_nquads")`` naming the 1-based line number.
    """
    quads: list[Quad] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _STATEMENT.fullmatch(line)
        if match is None:
            if _BLANK_OR_COMMENT.fullmatch(line) is not None:
                continue
            raise CanonicalizationError(
                f"N-Quads line {number} is not a valid statement: {line[:200]!r}",
                code=_INVALID,
                line=number,
            )
        g = match.groups()
        try:
            subject: Term = _iri(g[0], number) if g[0] is not None else (BNODE, g[1])
            predicate: Term = _iri(g[2], number)
            obj: Term
            if g[3] is not None:
                obj = _iri(g[3], number)
            elif g[4] is not None:
                obj = (BNODE, g[4])
            elif g[7] is not None:
                obj = (LITERAL, _unescape(g[5]), RDF_LANGSTRING, g[7])
            else:
                datatype = _iri(g[6], number)[1] if g[6] is not None else XSD_STRING
                if datatype == RDF_LANGSTRING:
                    raise CanonicalizationError(
                        f"N-Quads line {number}: rdf:langString literal without a language tag",
                        code=_INVALID,
                        line=number,
                    )
                obj = (LITERAL, _unescape(g[5]), datatype, None)
            graph: Term | None = None
            if g[8] is not None:
                graph = _iri(g[8], number)
            elif g[9] is not None:
                graph = (BNODE, g[9])
        except _BadEscape as exc:
            raise CanonicalizationError(
                f"N-Quads line {number}: {exc}", code=_INVALID, line=number
            ) from None
        quads.append((subject, predicate, obj, graph))
    return quads


# --- pyld conversion ---------------------------------------------------------------------------


_NODE_KINDS: Final = frozenset({"IRI", "blank node"})
_IRI_KIND: Final = frozenset({"IRI"})
_ANY_KIND: Final = frozenset({"IRI", "blank node", "literal"})


def _pyld_term(node: Any, where: str, allowed: frozenset[str]) -> Term:
    if not isinstance(node, Mapping):
        raise CanonicalizationError(f"pyld {where} is not an RDF term: {node!r}", code=_INVALID)
    kind = node.get("type")
    value = node.get("value")
    if kind not in allowed:
        raise CanonicalizationError(
            f"pyld {where} of type {kind!r} cannot appear there in N-Quads "
            "(generalized RDF is not canonicalized)",
            code=_INVALID,
        )
    if not isinstance(value, str):
        raise CanonicalizationError(f"pyld {where} has no string value", code=_INVALID)
    if kind == "IRI":
        if not value or _IRI_FORBIDDEN.search(value) is not None:
            raise CanonicalizationError(
                f"{where} IRI {value!r} contains characters that N-Quads IRIs forbid",
                code=_INVALID,
            )
        return (IRI, value)
    if kind == "blank node":
        label = value[2:] if value.startswith("_:") else value
        if not label:
            raise CanonicalizationError(
                f"pyld {where} has an empty blank node label", code=_INVALID
            )
        return (BNODE, label)
    language = node.get("language")
    if language is not None:
        if not isinstance(language, str) or _LANGUAGE.fullmatch(language) is None:
            raise CanonicalizationError(
                f"{where} has an invalid language tag {language!r}", code=_INVALID
            )
        return (LITERAL, value, RDF_LANGSTRING, language)
    datatype = node.get("datatype") or XSD_STRING
    if not isinstance(datatype, str) or _IRI_FORBIDDEN.search(datatype) is not None:
        raise CanonicalizationError(f"{where} has an invalid datatype {datatype!r}", code=_INVALID)
    return (LITERAL, value, datatype, None)


def from_pyld_dataset(dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Quad]:
    """Convert the dataset returned by ``pyld.jsonld.to_rdf(doc, {...})`` into quads.

    pyld 3.3 returns ``{graph_name: [{"subject", "predicate", "object"}, ...]}`` where the graph
    name is ``"@default"``, an absolute IRI or a ``_:`` blank node label, and each term is a dict
    ``{"type": "IRI" | "blank node" | "literal", "value", "datatype"?, "language"?}``. Blank
    node predicates (generalized RDF) and IRIs holding characters that IRIREF forbids are
    refused: N-Quads cannot carry them, and writing them raw would make distinct quads
    serialize alike (RDF 1.1 N-Quads section 5, production IRIREF).
    """
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        graph: Term | None = None
        if graph_name != "@default":
            kind = "blank node" if graph_name.startswith("_:") else "IRI"
            graph = _pyld_term({"type": kind, "value": graph_name}, "graph name", _NODE_KINDS)
        for triple in triples:
            quads.append(
                (
                    _pyld_term(triple.get("subject"), "subject", _NODE_KINDS),
                    _pyld_term(triple.get("predicate"), "predicate", _IRI_KIND),
                    _pyld_term(triple.get("object"), "object", _ANY_KIND),
                    graph,
                )
            )
    return quads
