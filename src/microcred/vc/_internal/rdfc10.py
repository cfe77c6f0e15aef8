"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 21 May 2024).

Data Integrity proofs (``eddsa-rdfc-2022``, ``ecdsa-rdfc-2019``) sign the canonical N-Quads of a
credential, so this module has to reproduce the specification byte for byte: the step numbers in
the comments are those of the algorithms in section 4 (anchors ``#canon-algo-algo``,
``#issue-identifier-algorithm``, ``#hash-1d-quads-algorithm``, ``#hash-related-algorithm``,
``#hash-nd-quads-algorithm``). The only additions are the work limits that section 4.4.3 and
section 7.1 (Dataset Poisoning) require: canonicalizing a dataset is a graph-isomorphism problem
and crafted inputs (cliques of blank nodes) would otherwise take exponential time.

Identifier issuers are plain ``dict`` objects mapping an existing label to the issued one: the
identifier counter of section 4.3 always equals the number of entries, dict order is the order
of issuance that step 5.3 of the canonicalization algorithm relies on, and copying one (which
Hash N-Degree Quads does for every permutation) is a single C-level ``dict.copy``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from ..errors import CanonicalizationError
from .nquads import BNODE, Quad, Term, serialize_term

__all__ = [
    "CanonicalResult",
    "canonicalize",
    "DEFAULT_MAX_DEEP_ITERATIONS",
    "DEFAULT_MAX_RECURSION_DEPTH",
]

#: Calls of Hash N-Degree Quads allowed per blank node that needs one (section 4.4.3 suggests a
#: limit based on that number: "more than a couple of iterations per blank node would be
#: unusual"). The W3C suite's hardest positive cases (test044-046, "poison - evil") need 39 per
#: node (468 calls for 12 nodes); the 10-node clique of the negative test074 would need
#: millions and is stopped after 641 calls, in about 10 ms. Since each call costs time in
#: proportion to the node's mentions, the worst case is roughly this factor times the work of
#: one pass over the input. A fully connected group of 5 look-alike nodes (97 per node) is
#: already refused; such data has no place in a credential.
DEFAULT_MAX_DEEP_ITERATIONS: Final = 64

#: Nesting of Hash N-Degree Quads, which recurses once per blank node along a gossip path.
#: Kept far below Python's recursion limit so that a long chain of look-alike blank nodes fails
#: with a ``CanonicalizationError`` rather than a ``RecursionError``.
DEFAULT_MAX_RECURSION_DEPTH: Final = 256

_LIMIT: Final = "canonicalization_limit"
_CANONICAL_PREFIX: Final = "c14n"
_TEMPORARY_PREFIX: Final = "b"


class _HashObject(Protocol):
    def hexdigest(self) -> str: ...


type _HashFunction = Callable[[bytes], _HashObject]

_HASH_ALGORITHMS: Final[dict[str, _HashFunction]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}


@dataclass(frozen=True)
class CanonicalResult:
    """The serialized canonical form and the issued identifiers map (section 4.4.3, step 7).

    ``issued`` maps each blank node label of the input to its canonical label (``"c14n0"``...),
    without the ``_:`` prefix; selective disclosure needs it to relate input and output nodes.
    """

    nquads: str
    issued: dict[str, str]


def _issue(issuer: dict[str, str], prefix: str, existing: str) -> str:
    """Issue Identifier (section 4.5.2): return the existing entry or issue prefix + counter."""
    issued = issuer.get(existing)
    if issued is None:
        issued = prefix + str(len(issuer))
        issuer[existing] = issued
    return issued


def _permutations(items: list[str]) -> Iterable[Sequence[str]]:
    """Yield the permutations of ``items`` in ``itertools.permutations`` order, minus repeats.

    A blank node list in Hash N-Degree Quads holds the same node once per quad that relates it
    the same way, so it can hold duplicates. Equal permutations build equal paths and only the
    first can become the chosen path (step 5.4.6 keeps a path only if it is strictly smaller),
    so skipping repeats changes no result; it only stops ``k`` duplicates costing ``k!``
    iterations that the call budget would not see (they need no recursion).
    """
    if len(items) == 1:
        return (items,)
    if len(set(items)) == len(items):
        return itertools.permutations(items)
    return _distinct_permutations(items)


def _distinct_permutations(items: list[str]) -> Iterator[list[str]]:
    # Positions are taken in increasing order and, among equal values, only the first unused
    # one: this yields exactly the index-wise smallest occurrence of each distinct permutation,
    # in the order itertools.permutations would first produce it.
    size = len(items)
    used = [False] * size
    current: list[str] = []

    def walk() -> Iterator[list[str]]:
        if len(current) == size:
            yield list(current)
            return
        seen: set[str] = set()
        for index in range(size):
            value = items[index]
            if used[index] or value in seen:
                continue
            seen.add(value)
            used[index] = True
            current.append(value)
            yield from walk()
            current.pop()
            used[index] = False

    return walk()


class _Canonicalizer:
    """The canonicalization state of section 4.2 plus precomputed serializations."""

    def __init__(
        self,
        quads: list[Quad],
        digest: _HashFunction,
        max_deep_iterations: int,
        max_recursion_depth: int,
        lines: Iterable[str] = (),
        singles: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        self._digest = digest
        self._lines = lines
        self._max_deep_iterations = max_deep_iterations
        self._max_recursion_depth = max_recursion_depth
        self._calls = 0
        self._call_budget = 0
        self._depth = 0
        self._hash_cache: dict[str, str] = {}
        self.quads = quads
        # Per quad, for each component present: (serialization, False) or (label, True) for a
        # blank node, so that a line is rebuilt with any labelling without re-serializing terms.
        self.pieces: list[tuple[tuple[str, bool], ...]] = []
        # Per quad without blank nodes, its one and only canonical line (None otherwise).
        self.static: list[str | None] = []
        self.with_blanks: list[int] = []
        # Per quad with a single blank node (the usual shape: a node without an id, as subject
        # or object): the text before the label, the label, and the text after it.
        self.tails: dict[int, tuple[str, str, str]] = {}
        # Term -> serialization within this dataset: predicates, types and issuers recur.
        self._serialized: dict[Term, str] = {}
        # Blank node to quads map (section 4.2): label -> indexes into self.quads, each quad once.
        self.mentions: dict[str, list[int]] = {}
        # Per label, the (position + predicate, related label) pairs that step 3 of Hash N-Degree
        # Quads walks: subject, object and graph components that are other blank nodes.
        self.related: dict[str, list[tuple[str, str]]] = {}
        self.first_degree: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        for index, quad in enumerate(quads):
            self._index_quad(index, quad)
        index = len(quads)
        for single in singles:
            # A quad given as the text around its only blank node (see canonicalize).
            label = single[1]
            self.pieces.append(())
            self.static.append(None)
            self.with_blanks.append(index)
            self.tails[index] = single
            mentioned = self.mentions.get(label)
            if mentioned is None:
                self.mentions[label] = [index]
                self.related[label] = []
            else:
                mentioned.append(index)
            index += 1

    def _index_quad(self, index: int, quad: Quad) -> None:
        subject, predicate, obj, graph = quad
        if (
            subject[0] != BNODE
            and obj[0] != BNODE
            and predicate[0] != BNODE
            and (graph is None or graph[0] != BNODE)
        ):
            # Most quads mention no blank node: their canonical line is known at once and is
            # never hashed by the blank node algorithms.
            serialized = self._serialized
            subject_text = serialized.get(subject)
            if subject_text is None:
                subject_text = serialized[subject] = serialize_term(subject)
            predicate_text = serialized.get(predicate)
            if predicate_text is None:
                predicate_text = serialized[predicate] = serialize_term(predicate)
            object_text = serialized.get(obj)
            if object_text is None:
                object_text = serialized[obj] = serialize_term(obj)
            self.pieces.append(())
            if graph is None:
                self.static.append(f"{subject_text} {predicate_text} {object_text} .\n")
            else:
                graph_text = serialized.get(graph)
                if graph_text is None:
                    graph_text = serialized[graph] = serialize_term(graph)
                self.static.append(
                    f"{subject_text} {predicate_text} {object_text} {graph_text} .\n"
                )
            return
        if graph is None and predicate[0] != BNODE and (subject[0] == BNODE) != (obj[0] == BNODE):
            # The usual shapes in the default graph: "_:x <p> <o|literal>" and "<s> <p> _:x".
            serialized = self._serialized
            predicate_text = serialized.get(predicate)
            if predicate_text is None:
                predicate_text = serialized[predicate] = serialize_term(predicate)
            if subject[0] == BNODE:
                label = subject[1]
                object_text = serialized.get(obj)
                if object_text is None:
                    object_text = serialized[obj] = serialize_term(obj)
                self.tails[index] = ("", label, f" {predicate_text} {object_text} .\n")
            else:
                label = obj[1]
                subject_text = serialized.get(subject)
                if subject_text is None:
                    subject_text = serialized[subject] = serialize_term(subject)
                self.tails[index] = (f"{subject_text} {predicate_text} ", label, " .\n")
            self.pieces.append(())
            self.static.append(None)
            self.with_blanks.append(index)
            mentioned = self.mentions.get(label)
            if mentioned is None:
                self.mentions[label] = [index]
                self.related[label] = []
            else:
                mentioned.append(index)
            return
        components = (subject, predicate, obj) if graph is None else quad
        blank_at = -1
        blanks = 0
        for position, term in enumerate(components):
            if term is not None and term[0] == BNODE:
                blanks += 1
                blank_at = position
        if blanks == 1 and blank_at != 1:
            # One blank node (a node without an id, as subject or object): the line is fixed
            # text around its label, and the quad relates it to no other blank node.
            serialized = self._serialized
            texts: list[str] = []
            for position, term in enumerate(components):
                if position == blank_at or term is None:
                    continue
                text = serialized.get(term)
                if text is None:
                    text = serialized[term] = serialize_term(term)
                texts.append(text)
            label = components[blank_at][1]  # type: ignore[index]
            before = "".join(text + " " for text in texts[:blank_at])
            after = "".join(" " + text for text in texts[blank_at:]) + " .\n"
            self.pieces.append(())  # _line and hash_first_degree read self.tails instead
            self.static.append(None)
            self.with_blanks.append(index)
            self.tails[index] = (before, label, after)
            mentioned = self.mentions.get(label)
            if mentioned is None:
                self.mentions[label] = [index]
                self.related[label] = []
            else:
                mentioned.append(index)
            return
        pieces: list[tuple[str, bool]] = []
        labels: list[str] = []
        serialized = self._serialized
        for term in components:
            assert term is not None
            if term[0] == BNODE:
                pieces.append((term[1], True))
                labels.append(term[1])
            else:
                text = serialized.get(term)
                if text is None:
                    text = serialized[term] = serialize_term(term)
                pieces.append((text, False))
        self.pieces.append(tuple(pieces))
        if not labels:
            self.static.append(" ".join(text for text, _ in pieces) + " .\n")
            return
        self.static.append(None)
        self.with_blanks.append(index)
        # Hash Related Blank Node (section 4.7.3) steps 1-2: position, then "<predicate>"
        # unless the position is the graph name.
        predicate_text = "<" + predicate[1] + ">"
        positions: list[tuple[str, str]] = []
        if subject[0] == BNODE:
            positions.append(("s" + predicate_text, subject[1]))
        if obj[0] == BNODE:
            positions.append(("o" + predicate_text, obj[1]))
        if graph is not None and graph[0] == BNODE:
            positions.append(("g", graph[1]))
        for label in dict.fromkeys(labels):
            mentioned = self.mentions.get(label)
            if mentioned is None:
                self.mentions[label] = [index]
                self.related[label] = []
            else:
                mentioned.append(index)
            self.related[label].extend(p for p in positions if p[1] != label)

    def _hash(self, text: str) -> str:
        """Hash a Hash Related Blank Node input; the same few inputs recur across calls."""
        cached = self._hash_cache.get(text)
        if cached is None:
            cached = self._digest(text.encode("utf-8")).hexdigest()
            self._hash_cache[text] = cached
        return cached

    def _line(self, index: int, name: Callable[[str], str]) -> str:
        static = self.static[index]
        if static is not None:
            return static
        tail = self.tails.get(index)
        if tail is not None:
            return tail[0] + "_:" + name(tail[1]) + tail[2]
        return (
            " ".join(
                "_:" + name(text) if is_blank else text for text, is_blank in self.pieces[index]
            )
            + " .\n"
        )

    def hash_first_degree(self, reference: str) -> str:
        """Hash First Degree Quads (section 4.6.3): the mention set with ``a``/``z`` labels."""
        lines = []
        tails = self.tails
        for index in self.mentions[reference]:
            tail = tails.get(index)
            if tail is not None:
                lines.append(tail[0] + ("_:a" if tail[1] == reference else "_:z") + tail[2])
                continue
            parts = [
                ("_:a" if text == reference else "_:z") if is_blank else text
                for text, is_blank in self.pieces[index]
            ]
            lines.append(" ".join(parts) + " .\n")
        lines.sort()
        return self._digest("".join(lines).encode("utf-8")).hexdigest()

    def hash_n_degree(self, identifier: str, issuer: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Hash N-Degree Quads (section 4.8.3); returns the hash and the chosen issuer.

        The specification replaces ``issuer`` "by reference" (step 5.6); here the caller takes
        the returned issuer instead, which is the same thing.
        """
        self._calls += 1
        if self._calls > self._call_budget:
            raise CanonicalizationError(
                "RDFC-1.0 stopped: Hash N-Degree Quads would run more than "
                f"{self._call_budget} times ({self._max_deep_iterations} per blank node, "
                "max_deep_iterations); the dataset looks like a poison graph",
                code=_LIMIT,
                limit="max_deep_iterations",
                value=self._max_deep_iterations,
            )
        if self._depth >= self._max_recursion_depth:
            raise CanonicalizationError(
                "RDFC-1.0 stopped: Hash N-Degree Quads recursed deeper than "
                f"{self._max_recursion_depth} levels (max_recursion_depth)",
                code=_LIMIT,
                limit="max_recursion_depth",
                value=self._max_recursion_depth,
            )
        self._depth += 1
        canonical = self.canonical
        # Steps 1-3: related hash -> blank node list, via Hash Related Blank Node (4.7.3).
        related_hashes: dict[str, list[str]] = {}
        for prefix, related in self.related[identifier]:
            known = canonical.get(related) or issuer.get(related)
            text = prefix + ("_:" + known if known is not None else self.first_degree[related])
            related_hashes.setdefault(self._hash(text), []).append(related)
        # Steps 4-5.
        data_to_hash: list[str] = []
        for related_hash in sorted(related_hashes):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: dict[str, str] | None = None
            blank_node_list = related_hashes[related_hash]
            single = len(blank_node_list) == 1 or len(set(blank_node_list)) == 1
            for permutation in _permutations(blank_node_list):
                # With a single permutation its issuer copy is certain to become the chosen
                # issuer, which then replaces ``issuer`` (step 5.6); nothing reads ``issuer``
                # again, because the caller replaces it with what this call returns. Issuing
                # into it directly is therefore the same and saves a copy per related hash.
                issuer_copy = issuer if single else issuer.copy()
                path = ""
                recursion_list: list[str] = []
                skip = False
                for related in permutation:
                    known = canonical.get(related)
                    if known is not None:
                        path += "_:" + known
                    else:
                        if related not in issuer_copy:
                            recursion_list.append(related)
                        path += "_:" + _issue(issuer_copy, _TEMPORARY_PREFIX, related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion_list:
                    result_hash, issuer_copy = self.hash_n_degree(related, issuer_copy)
                    path += "_:" + _issue(issuer_copy, _TEMPORARY_PREFIX, related)
                    path += "<" + result_hash + ">"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data_to_hash.append(chosen_path)
            assert chosen_issuer is not None
            issuer = chosen_issuer
        self._depth -= 1
        return self._digest("".join(data_to_hash).encode("utf-8")).hexdigest(), issuer

    def run(self) -> CanonicalResult:
        """The canonicalization algorithm (section 4.4.3), steps 3 to 7."""
        if len(self.mentions) == 1:
            # Steps 3-4 for a lone blank node (a proof configuration, say): its first degree
            # hash is unique whatever its value, so it is issued c14n0 without computing it.
            _issue(self.canonical, _CANONICAL_PREFIX, next(iter(self.mentions)))
        else:
            # Step 3: first degree hashes, grouped.
            by_hash: dict[str, list[str]] = {}
            for label in self.mentions:
                first = self.hash_first_degree(label)
                self.first_degree[label] = first
                by_hash.setdefault(first, []).append(label)
            # Step 4: unique hashes, in code point order, get canonical identifiers at once.
            shared: list[list[str]] = []
            for first in sorted(by_hash):
                labels = by_hash[first]
                if len(labels) == 1:
                    _issue(self.canonical, _CANONICAL_PREFIX, labels[0])
                else:
                    shared.append(labels)
            # Step 5: the rest, ordered by Hash N-Degree Quads; the budget scales with their number.
            self._call_budget = self._max_deep_iterations * sum(len(labels) for labels in shared)
            for labels in shared:
                hash_path_list: list[tuple[str, dict[str, str]]] = []
                for label in labels:
                    if label in self.canonical:
                        continue
                    temporary: dict[str, str] = {}
                    _issue(temporary, _TEMPORARY_PREFIX, label)
                    hash_path_list.append(self.hash_n_degree(label, temporary))
                hash_path_list.sort(key=lambda result: result[0])
                for _, issuer in hash_path_list:
                    for existing in issuer:
                        _issue(self.canonical, _CANONICAL_PREFIX, existing)
        # Steps 6-7 and section 5: relabel, serialize, sort in code point order.
        canonical = self.canonical
        unique = {line for line in self.static if line is not None}
        unique.update(self._lines)
        unique.update(self._line(index, canonical.__getitem__) for index in self.with_blanks)
        return CanonicalResult(nquads="".join(sorted(unique)), issued=dict(canonical))


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_deep_iterations: int = DEFAULT_MAX_DEEP_ITERATIONS,
    max_recursion_depth: int = DEFAULT_MAX_RECURSION_DEPTH,
    lines: Iterable[str] = (),
    singles: Iterable[tuple[str, str, str]] = (),
) -> CanonicalResult:
    """Canonicalize an RDF dataset with RDFC-1.0 and return its canonical N-Quads.

    ``lines`` may carry part of the dataset already serialized: the canonical N-Quads lines
    (Appendix A, each ending in a line feed) of quads that mention no blank node. Such quads
    take no part in labelling blank nodes and their lines do not change, so a producer that
    writes them itself (the fast JSON-LD path) saves building and re-serializing them here.
    ``singles`` likewise carries quads that mention exactly one blank node, each as the text
    before its label, the label, and the text after it (``("", "b0", " <p> \"o\" .\n")`` for
    ``_:b0 <p> "o" .``); they relate that blank node to no other.

    The input is treated as a set (an RDF dataset cannot hold a quad twice), so duplicates are
    dropped before the blank node to quads map is built. ``hash_algorithm`` is ``"sha256"`` (the
    default of section 3) or ``"sha384"``, which the specification also requires.

    ``max_deep_iterations`` bounds the calls of Hash N-Degree Quads to that many per blank node
    whose first degree hash is shared, and ``max_recursion_depth`` bounds their nesting (section
    7.1, Dataset Poisoning). Either limit raises
    ``CanonicalizationError(code="canonicalization_limit")`` naming the limit.
    """
    digest = _HASH_ALGORITHMS.get(hash_algorithm.lower().replace("-", ""))
    if digest is None:
        raise ValueError(
            f"unsupported RDFC-1.0 hash algorithm {hash_algorithm!r}; use 'sha256' or 'sha384'"
        )
    if max_deep_iterations < 0 or max_recursion_depth < 0:
        raise ValueError("RDFC-1.0 work limits must not be negative")
    unique = list(dict.fromkeys(quads))
    singles = singles if isinstance(singles, list) else list(singles)
    if not unique:
        labels = {single[1] for single in singles}
        if len(labels) == 1:
            # One blank node, mentioned only by quads that name no other (a proof
            # configuration): what run() does for it without building the state.
            label = labels.pop()
            canonical_lines = set(lines)
            canonical_lines.update(
                before + "_:" + _CANONICAL_PREFIX + "0" + after for before, _, after in singles
            )
            return CanonicalResult(
                nquads="".join(sorted(canonical_lines)), issued={label: _CANONICAL_PREFIX + "0"}
            )
    try:
        return _Canonicalizer(
            unique,
            digest,
            max_deep_iterations,
            max_recursion_depth,
            lines,
            dict.fromkeys(singles),
        ).run()
    except UnicodeEncodeError as exc:
        raise CanonicalizationError(
            "a term holds a lone surrogate, which N-Quads cannot encode as UTF-8",
            code="invalid_nquads",
        ) from exc
