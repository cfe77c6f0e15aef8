"""RDFC-1.0 against the W3C rdf-canon test suite, plus the N-Quads layer it stands on.

The suite lives beside the project (``../shared/testdata/w3c-rdf-canon``) rather than inside
it; every manifest entry becomes its own test case so a failure names the W3C test.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld

from microcred.vc._internal.nquads import (
    _NEEDS_ESCAPE,
    BNODE,
    IRI,
    LITERAL,
    RDF_LANGSTRING,
    XSD_STRING,
    Quad,
    Term,
    from_pyld_dataset,
    needs_escape,
    parse_nquads,
    serialize_quad,
    serialize_term,
)
from microcred.vc._internal.rdfc10 import canonicalize
from microcred.vc.errors import CanonicalizationError
from tests.profiles import examples

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "w3c-rdf-canon"
MANIFEST = SUITE / "tests" / "manifest.jsonld"

EVAL = "rdfc:RDFC10EvalTest"
MAP = "rdfc:RDFC10MapTest"
NEGATIVE = "rdfc:RDFC10NegativeEvalTest"


def _manifest_cases() -> list[Any]:
    if not MANIFEST.is_file():
        return [
            pytest.param(
                None,
                id="w3c-rdf-canon-missing",
                marks=pytest.mark.skip(reason=f"W3C rdf-canon test suite not found at {MANIFEST}"),
            )
        ]
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))["entries"]
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in entries]


def _hash_algorithm(entry: dict[str, Any]) -> str:
    # The manifest spells it "SHA384"; absent means the default, SHA-256.
    return str(entry.get("hashAlgorithm", "sha256")).lower()


@pytest.mark.parametrize("entry", _manifest_cases())
def test_w3c_manifest(entry: dict[str, Any]) -> None:
    base = MANIFEST.parent
    quads = parse_nquads((base / entry["action"]).read_text(encoding="utf-8"))
    algorithm = _hash_algorithm(entry)
    kind = entry["type"]
    if kind == EVAL:
        expected = (base / entry["result"]).read_text(encoding="utf-8")
        assert canonicalize(quads, hash_algorithm=algorithm).nquads == expected
    elif kind == MAP:
        expected_map = json.loads((base / entry["result"]).read_text(encoding="utf-8"))
        assert canonicalize(quads, hash_algorithm=algorithm).issued == expected_map
    elif kind == NEGATIVE:
        started = time.perf_counter()
        with pytest.raises(CanonicalizationError) as caught:
            canonicalize(quads, hash_algorithm=algorithm)
        assert caught.value.code == "canonicalization_limit"
        assert caught.value.details["limit"] in {"max_deep_iterations", "max_recursion_depth"}
        assert time.perf_counter() - started < 1.0, "a poison graph must be refused quickly"
    else:
        pytest.fail(f"unknown rdf-canon test type {kind!r}")


# --- N-Quads parsing and canonical serialization -------------------------------------------


def test_parse_terms_graphs_comments_and_line_endings() -> None:
    text = (
        "# a comment line\r\n"
        "\n"
        '<http://ex/s> <http://ex/p> "chat"@fr-BE .\r\n'
        "_:x <http://ex/p> _:y _:g . # trailing comment\n"
        '<http://ex/s> <http://ex/p> "1"^^<http://ex/int> <http://ex/g> .\r'
        '\t<http://ex/s>\t<http://ex/p>\t"plain"\t.   '
    )
    assert parse_nquads(text) == [
        (
            (IRI, "http://ex/s"),
            (IRI, "http://ex/p"),
            (LITERAL, "chat", RDF_LANGSTRING, "fr-BE"),
            None,
        ),
        ((BNODE, "x"), (IRI, "http://ex/p"), (BNODE, "y"), (BNODE, "g")),
        (
            (IRI, "http://ex/s"),
            (IRI, "http://ex/p"),
            (LITERAL, "1", "http://ex/int", None),
            (IRI, "http://ex/g"),
        ),
        ((IRI, "http://ex/s"), (IRI, "http://ex/p"), (LITERAL, "plain", XSD_STRING, None), None),
    ]


def test_parse_decodes_every_escape() -> None:
    line = (
        r'<http://ex/\u0073> <http://ex/p> "\t\b\n\r\f\"\'\\ \u00e9 \U0001F303" .'
        "\n"
    )
    [(subject, _, obj, _)] = parse_nquads(line)
    assert subject == (IRI, "http://ex/s")
    assert obj == (LITERAL, "\t\b\n\r\f\"'\\ \u00e9 \U0001f303", XSD_STRING, None)


def test_serialize_literal_escapes_follow_rdfc10_appendix_a() -> None:
    # ECHAR for BS HT LF FF CR " \ ; UCHAR (lowercase u, uppercase hex) for the other controls,
    # DEL and non-characters; everything else native (including ' and non-ASCII).
    lexical = "\x00\x07\b\t\n\x0b\f\r\x0e\x1f\"\\'\x7f\u00e9\U0001f303\ufffe"
    expected = (
        r'"\u0000\u0007\b\t\n\u000B\f\r\u000E\u001F\"\\'
        + "'"
        + r"\u007F"
        + "\u00e9\U0001f303"
        + r'\uFFFE"'
    )
    assert serialize_term((LITERAL, lexical, XSD_STRING, None)) == expected


def test_needs_escape_agrees_with_the_expression_for_every_character() -> None:
    for code in range(0x110000):
        char = chr(code)
        for text in (char, "plain " + char + " text", "\u00e9" + char):
            assert needs_escape(text) == (_NEEDS_ESCAPE.search(text) is not None), hex(code)


@given(st.text())
@settings(max_examples=examples(2000), deadline=None)
def test_needs_escape_agrees_with_the_expression_on_any_text(text: str) -> None:
    assert needs_escape(text) == (_NEEDS_ESCAPE.search(text) is not None)


def test_serialize_datatypes_and_language_tags() -> None:
    assert serialize_term((LITERAL, "a", XSD_STRING, None)) == '"a"'
    assert serialize_term((LITERAL, "a", RDF_LANGSTRING, "en-GB")) == '"a"@en-GB'
    assert serialize_term((LITERAL, "1", "http://ex/int", None)) == '"1"^^<http://ex/int>'
    assert serialize_term((IRI, "urn:ex:∞")) == "<urn:ex:∞>"
    assert serialize_term((BNODE, "c14n0")) == "_:c14n0"


def test_serialize_quad_layout() -> None:
    s: Term = (IRI, "http://ex/s")
    p: Term = (IRI, "http://ex/p")
    o: Term = (BNODE, "b0")
    assert serialize_quad((s, p, o, None)) == "<http://ex/s> <http://ex/p> _:b0 .\n"
    assert serialize_quad((s, p, o, (BNODE, "g"))) == "<http://ex/s> <http://ex/p> _:b0 _:g .\n"


def test_parse_then_serialize_is_canonical() -> None:
    text = r'<urn:ex:s> <urn:ex:p> "\u0041\u000b\'"@en <urn:ex:\u0067> .' + "\n"
    [quad] = parse_nquads(text)
    assert serialize_quad(quad) == '<urn:ex:s> <urn:ex:p> "A\\u000B\'"@en <urn:ex:g> .\n'


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("<http://ex/s> <http://ex/p> <http://ex/o>", 1),
        ('\n\n"lit" <http://ex/p> <http://ex/o> .', 3),
        ("<http://ex/s> _:p <http://ex/o> .", 1),
        ("<http://ex/s p> <http://ex/p> <http://ex/o> .", 1),
        (r'<http://ex/s> <http://ex/p> "\U00110000" .', 1),
        (r'<http://ex/s> <http://ex/p> "\uD800" .', 1),
        (r'<http://ex/s> <http://ex/p> "\x" .', 1),
        (r"<http://ex/s\u0020x> <http://ex/p> <http://ex/o> .", 1),
        ('<http://ex/s> <http://ex/p> "a"@ .', 1),
        (
            f'# ok\n<http://ex/s> <http://ex/p> "a"^^<{RDF_LANGSTRING}> .',
            2,
        ),
    ],
)
def test_malformed_nquads_name_the_line(text: str, line: int) -> None:
    with pytest.raises(CanonicalizationError) as caught:
        parse_nquads(text)
    assert caught.value.code == "invalid_nquads"
    assert caught.value.details["line"] == line
    assert f"line {line}" in caught.value.message


# --- pyld conversion ----------------------------------------------------------------------------


def _no_fetch(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the test must not fetch {url}")


TINY_DOC: dict[str, Any] = {
    "@context": {
        "@vocab": "urn:v:",
        "name": {"@language": "en"},
        "issued": {"@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
        "knows": {"@type": "@id"},
    },
    "@id": "urn:alice",
    "name": "Alice",
    "issued": "2024-01-01T00:00:00Z",
    "note": 'line\nbreak "quoted"',
    "score": 3,
    "evidence": [{"title": "Essay"}, {"title": "Essay"}],
    "knows": "_:bob",
}

TINY_DOC_CANONICAL = """\
<urn:alice> <urn:v:evidence> _:c14n1 .
<urn:alice> <urn:v:evidence> _:c14n2 .
<urn:alice> <urn:v:issued> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:alice> <urn:v:knows> _:c14n0 .
<urn:alice> <urn:v:name> "Alice"@en .
<urn:alice> <urn:v:note> "line\\nbreak \\"quoted\\"" .
<urn:alice> <urn:v:score> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:c14n1 <urn:v:title> "Essay" .
_:c14n2 <urn:v:title> "Essay" .
"""


def test_from_pyld_dataset_canonicalizes_like_the_spec() -> None:
    dataset = jsonld.to_rdf(TINY_DOC, {"documentLoader": _no_fetch})
    quads = from_pyld_dataset(dataset)
    assert (
        (IRI, "urn:alice"),
        (IRI, "urn:v:name"),
        (LITERAL, "Alice", RDF_LANGSTRING, "en"),
        None,
    ) in quads
    result = canonicalize(quads)
    assert result.nquads == TINY_DOC_CANONICAL
    assert sorted(result.issued.values()) == ["c14n0", "c14n1", "c14n2"]
    # pyld's own URDNA2015 agrees wherever the two algorithms coincide (no control characters).
    reference = jsonld.normalize(
        TINY_DOC,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _no_fetch},
    )
    assert result.nquads == reference


def test_from_pyld_dataset_named_blank_node_graph() -> None:
    doc = {
        "@context": {"@vocab": "https://example.com/vocab#"},
        "@id": "_:g",
        "@graph": [{"@id": "https://example.com/x", "label": "x"}],
    }
    quads = from_pyld_dataset(jsonld.to_rdf(doc, {"documentLoader": _no_fetch}))
    [(_, _, _, graph)] = quads
    assert graph is not None and graph[0] == BNODE
    assert canonicalize(quads).nquads == (
        '<https://example.com/x> <https://example.com/vocab#label> "x" _:c14n0 .\n'
    )


@pytest.mark.parametrize(
    "triple",
    [
        {
            "subject": {"type": "IRI", "value": "http://ex/s"},
            "predicate": {"type": "blank node", "value": "_:p"},
            "object": {"type": "IRI", "value": "http://ex/o"},
        },
        {
            "subject": {"type": "IRI", "value": "http://ex/s"},
            "predicate": {"type": "IRI", "value": "http://ex/p"},
            "object": {"type": "IRI", "value": "http://ex/o> <http://ex/evil"},
        },
        {
            "subject": {"type": "literal", "value": "x", "datatype": XSD_STRING},
            "predicate": {"type": "IRI", "value": "http://ex/p"},
            "object": {"type": "IRI", "value": "http://ex/o"},
        },
    ],
)
def test_from_pyld_dataset_refuses_what_nquads_cannot_say(triple: dict[str, Any]) -> None:
    with pytest.raises(CanonicalizationError) as caught:
        from_pyld_dataset({"@default": [triple]})
    assert caught.value.code == "invalid_nquads"


# --- canonicalize() behaviour beyond the suite ---------------------------------------------


def test_duplicates_are_removed_and_hash_algorithm_is_checked() -> None:
    quad: Quad = ((BNODE, "x"), (IRI, "http://ex/p"), (LITERAL, "v", XSD_STRING, None), None)
    result = canonicalize([quad, quad])
    assert result.nquads == '_:c14n0 <http://ex/p> "v" .\n'
    assert result.issued == {"x": "c14n0"}
    assert canonicalize([quad], hash_algorithm="SHA-384").nquads == result.nquads
    with pytest.raises(ValueError, match="sha256"):
        canonicalize([quad], hash_algorithm="md5")


def _chain(length: int) -> list[Quad]:
    p: Term = (IRI, "http://ex/next")
    return [((BNODE, f"n{i}"), p, (BNODE, f"n{i + 1}"), None) for i in range(length)]


def test_recursion_depth_limit() -> None:
    with pytest.raises(CanonicalizationError) as caught:
        canonicalize(_chain(40), max_recursion_depth=10)
    assert caught.value.code == "canonicalization_limit"
    assert caught.value.details["limit"] == "max_recursion_depth"
    assert "max_recursion_depth" in caught.value.message


def test_deep_iterations_limit() -> None:
    assert canonicalize(_chain(10)).nquads.count("\n") == 10
    with pytest.raises(CanonicalizationError) as caught:
        canonicalize(_chain(10), max_deep_iterations=1)
    assert caught.value.code == "canonicalization_limit"
    assert caught.value.details["limit"] == "max_deep_iterations"
    assert "max_deep_iterations" in caught.value.message


def test_duplicate_related_nodes_do_not_explode() -> None:
    # One blank node related to another through 12 graphs the same way: the blank node list in
    # Hash N-Degree Quads holds the same node 12 times (12! permutations if taken naively).
    p: Term = (IRI, "http://ex/p")
    quads: list[Quad] = []
    for pair in ("1", "2"):
        for g in range(12):
            quads.append(((BNODE, "a" + pair), p, (BNODE, "b" + pair), (IRI, f"http://ex/g{g}")))
    started = time.perf_counter()
    result = canonicalize(quads)
    assert time.perf_counter() - started < 1.0
    assert result.nquads.count("\n") == 24


# --- invariance under relabelling and reordering (hypothesis) ------------------------------

_PREDICATES = [(IRI, f"http://ex/p{i}") for i in range(3)]
_BNODE_LABELS = [f"b{i}" for i in range(5)]


def _terms(*, literals: bool) -> st.SearchStrategy[Term]:
    options: list[st.SearchStrategy[Term]] = [
        st.sampled_from([(BNODE, label) for label in _BNODE_LABELS]),
        st.sampled_from([(IRI, "http://ex/a"), (IRI, "http://ex/b")]),
    ]
    if literals:
        options.append(
            st.sampled_from(
                [
                    (LITERAL, "x", XSD_STRING, None),
                    (LITERAL, "x", RDF_LANGSTRING, "en"),
                    (LITERAL, "\x01\n", "http://ex/dt", None),
                ]
            )
        )
    return st.one_of(*options)


_QUADS = st.lists(
    st.tuples(
        _terms(literals=False),
        st.sampled_from(_PREDICATES),
        _terms(literals=True),
        st.one_of(st.none(), _terms(literals=False)),
    ),
    max_size=12,
)


@settings(max_examples=examples(200), deadline=None)
@given(quads=_QUADS, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffling_and_renaming_blank_nodes_never_changes_the_output(
    quads: list[Quad], seed: int
) -> None:
    # Generous limit: tiny datasets, and the number of Hash N-Degree Quads calls (unlike the
    # output) may depend on the input order.
    limit = 100_000
    original = canonicalize(quads, max_deep_iterations=limit)

    rng = random.Random(seed)
    fresh = [f"renamed{i}x" for i in range(len(_BNODE_LABELS))]
    rng.shuffle(fresh)
    rename = dict(zip(_BNODE_LABELS, fresh, strict=True))

    def relabel(term: Term) -> Term:
        return (BNODE, rename[term[1]]) if term[0] == BNODE else term

    changed: list[Quad] = [
        (relabel(s), p, relabel(o), None if g is None else relabel(g)) for s, p, o, g in quads
    ]
    rng.shuffle(changed)
    result = canonicalize(changed, max_deep_iterations=limit)
    assert result.nquads == original.nquads
    assert set(result.issued) == {rename[label] for label in original.issued}
    # The canonical form is a fixed point: canonicalizing it again gives it back.
    assert canonicalize(parse_nquads(result.nquads), max_deep_iterations=limit).nquads == (
        result.nquads
    )
