"""The fast JSON-LD path gives exactly what the reference (pyld) path gives.

"Exactly" means byte-identical RDFC-1.0 canonical N-Quads, or the same error: the same class
and code, and for safe mode the same ``details`` (``terms``, ``relative_iris``, ``dropped``). The
differential properties below generate 11,000 documents per run (credentials over the
bundled contexts, documents with generated inline contexts, scoped and protected contexts,
undefined terms, and documents that must fall back) and compare both paths on each.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.vc import benchmark, jsonld
from microcred.vc._internal import fastld
from microcred.vc.data_integrity import sign, with_proof_context
from microcred.vc.documentloader import DocumentLoader
from microcred.vc.errors import UndefinedTermsError, VCError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.status_list import StatusList, status_list_credential
from tests.profiles import examples

from .conftest import read_json

CREATED = "2026-01-15T09:30:00Z"
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DI2 = "https://w3id.org/security/data-integrity/v2"


def outcome(document: Any, *, reference: bool, loader: DocumentLoader | None = None) -> Any:
    """What ``canonicalize`` does with ``document``: its N-Quads, or its error's identity."""
    try:
        return ("nquads", jsonld.canonicalize(document, loader=loader, reference=reference))
    except UndefinedTermsError as exc:
        details = exc.details
        return ("undefined", details["terms"], details["relative_iris"], details["dropped"],
                exc.message)
    except VCError as exc:
        return ("error", type(exc).__name__, exc.code, exc.message)


def assert_same(document: Any, *, loader: DocumentLoader | None = None) -> Any:
    fast = outcome(document, reference=False, loader=loader)
    reference = outcome(document, reference=True, loader=loader)
    assert fast == reference, json.dumps(document, indent=1, default=str)[:4000]
    return fast


@pytest.fixture
def stats() -> fastld.Stats:
    fastld.STATS.reset()
    return fastld.STATS


def assert_fast(document: Any, stats: fastld.Stats, loader: DocumentLoader | None = None) -> str:
    """Same output on both paths, and the fast path really served it: as canonical lines
    (``canonicalize``) and as quads (``to_quads``, canonicalized afterwards)."""
    before = stats.fallbacks
    result = assert_same(document, loader=loader)
    assert result[0] == "nquads", result
    quads = jsonld.to_quads(document, loader=loader)
    assert jsonld.canonicalize_quads(quads) == result[1]
    assert stats.fallbacks == before, stats.as_dict()
    text: str = result[1]
    return text


# -- (a) the W3C vc-di-eddsa vectors -------------------------------------------------------------


def _vector_documents(vectors: Path) -> list[Any]:
    documents: list[Any] = [read_json(vectors / "unsigned.json")]
    documents.append(read_json(vectors / "employmentAuth.json"))
    for path in sorted(vectors.rglob("*.json")):
        if path.name == "keyPair.json":
            continue
        document = read_json(path)
        if isinstance(document, dict) and "@context" in document:
            documents.append(document)
            for proof in (
                document.get("proof", [])
                if isinstance(document.get("proof"), list)
                else [document.get("proof")]
            ):
                if isinstance(proof, dict):
                    config = {k: v for k, v in proof.items() if k != "proofValue"}
                    config.setdefault("@context", document["@context"])
                    documents.append(config)
            unsecured = {k: v for k, v in document.items() if k != "proof"}
            documents.append(unsecured)
    return documents


def test_w3c_vectors_canonicalize_identically(vectors, examples_loader, stats):
    documents = _vector_documents(vectors)
    assert len(documents) >= 10
    published = (vectors / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text("utf-8")
    texts = [assert_fast(d, stats, examples_loader) for d in documents]
    assert published in texts
    assert stats.fast >= len(documents)


# -- (b) the credentials the tests and the platform build ----------------------------------------


def _credentials(key: Ed25519Multikey) -> list[dict[str, Any]]:
    sample = benchmark.sample_credential(key)
    vc1 = {
        "@context": [VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
        "id": "urn:uuid:7a1b2c3d-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": "Profile", "name": "Issuer"},
        "issuanceDate": "2026-01-15T09:30:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.org/a/1",
                "type": "Achievement",
                "name": "A",
                "description": "B",
                "criteria": {"narrative": "C"},
            },
        },
    }
    status = status_list_credential(
        id="https://microcred.example/status/1",
        issuer=key.did,
        purpose="revocation",
        encoded_list=StatusList().encode(),
        valid_from="2026-01-15T09:30:00Z",
    )
    documents = [
        sample,
        benchmark.large_credential(key),
        benchmark.clr(key, count=3),
        vc1,
        with_proof_context(vc1),
        status,
    ]
    signed = [sign(d, key=key, created=CREATED) for d in documents]
    chained = sign(signed[0], key=key, created=CREATED, proof_id="urn:uuid:p2")
    return documents + signed + [chained]


def test_platform_credentials_canonicalize_identically(badge, issuer_key, stats):
    documents = [badge, sign(badge, key=issuer_key, created=CREATED)]
    documents += _credentials(issuer_key)
    for document in documents:
        assert_fast(document, stats)
        for proof in (
            document.get("proof", [])
            if isinstance(document.get("proof"), list)
            else [document.get("proof")]
            if document.get("proof")
            else []
        ):
            config = {k: v for k, v in proof.items() if k != "proofValue"}
            config["@context"] = document["@context"]
            assert_fast(config, stats)


def test_signatures_made_on_either_path_verify_on_the_other(issuer_key):
    from microcred.vc.data_integrity import verify_proofs

    document = benchmark.sample_credential(issuer_key)
    fast_signed = sign(document, key=issuer_key, created=CREATED)
    previous = jsonld.use_reference(True)
    try:
        reference_signed = sign(document, key=issuer_key, created=CREATED)
        assert all(r.verified for r in verify_proofs(fast_signed))
    finally:
        jsonld.use_reference(previous)
    assert fast_signed == reference_signed
    assert all(r.verified for r in verify_proofs(reference_signed))


# -- safe mode and fallbacks, by example ---------------------------------------------------------


def test_safe_mode_names_the_same_terms_and_relative_iris(badge, stats):
    document = copy.deepcopy(badge)
    document["credentialSubject"]["achievement"]["criteria"]["nickname"] = "x"
    document["credentialSubject"]["id"] = "learner-42"
    document["evidence"] = [{"id": "work/1", "type": ["Evidence"], "zzz": 1}]
    document["@context"] = [{"xyz": "@vocab"}, *document["@context"]]  # VC 2.0 sets @vocab
    result = assert_same(document)
    assert result[0] == "undefined"
    assert "learner-42" in result[2]
    assert stats.fallbacks == 0
    # Without any @vocab, undefined terms reach the sentinel namespace.
    document["@context"] = [{"@version": 1.1}, VC1, DI2]
    result = assert_same(document)
    assert result[0] == "undefined"
    assert "nickname" in result[1]


@pytest.mark.parametrize(
    "extra",
    [
        {"@context": {"knows": {"@reverse": "http://xmlns.com/foaf/0.1/knows"}}, "knows": {}},
        {"@context": {"n": "@nest", "p": "http://ex.org/p"}, "n": {"p": "v"}},
        {"@context": {"m": {"@id": "http://ex.org/m", "@container": "@index"}}, "m": {"a": "1"}},
        {"@context": {"m": {"@id": "http://ex.org/m", "@container": "@id"}}, "m": {}},
        {"@context": {"inc": "@included"}, "inc": [{"id": "urn:x:1", "name": "n"}]},
        {"@context": {"@base": "http://base.example/"}, "id": "relative"},
        {"@context": {"@direction": "rtl"}, "name": "مرحبا"},
        {"name": {"@value": "x", "@direction": "ltr"}},
        {"@context": {"p": {"@id": "http://ex.org/p", "@container": "@list"}}, "p": [[1, 2]]},
        {"@context": {"p": "http://ex.org/p"}, "p": {"@set": [1, 2]}},
        {"@context": {"p": {"@id": "_:p"}}, "p": "blank node predicate"},
        {"@context": {"p": "http://ex.org/p"}, "p": {"@id": "http://ex.org/a b"}},
        {"name": {"@value": "x", "@language": "not a tag"}},
        {"@context": {"x": {"@id": "http://ex.org/x", "@type": "@json"}}, "x": {"id": "rel"}},
        {"@context": {"a": "@id", "b": "@id"}, "a": "urn:x:1", "b": "urn:x:2"},
        {
            "@context": {"p": {"@id": "http://ex.org/p", "@container": "@graph"}},
            "p": {"@graph": []},
        },
    ],
)
def test_what_the_fast_path_does_not_cover_falls_back_or_matches(badge, extra):
    document = copy.deepcopy(badge)
    local = extra.pop("@context", None)
    if local is not None:
        document["@context"] = [*document["@context"], local]
    document.update(extra)
    assert_same(document)


def test_a_fallback_is_counted_with_its_reason(badge, stats):
    document = {**badge, "@context": [*badge["@context"], {"n": "@nest"}], "n": {"name": "x"}}
    assert_same(document)
    assert stats.fallbacks == 1
    assert stats.reasons == {"@nest": 1}


def test_the_reference_path_can_be_forced(badge, stats, monkeypatch):
    jsonld.canonicalize(badge, reference=True)
    previous = jsonld.use_reference(True)
    try:
        jsonld.canonicalize(badge)
    finally:
        jsonld.use_reference(previous)
    assert stats.fast == 0
    jsonld.canonicalize(badge)
    assert stats.fast == 1


def test_context_caches_are_bounded(stats):
    for number in range(fastld._MAX_ROOTS + 40):
        jsonld.canonicalize(
            {"@context": {"p": f"http://ex.org/{number}/"}, "p": "v", "@id": "urn:x:1"}
        )
    cache = fastld._loader_cache(jsonld.default_loader())
    assert len(cache.roots) <= fastld._MAX_ROOTS


def test_loaders_do_not_share_cached_contexts(tmp_path):
    url = "https://contexts.example/test"
    first = DocumentLoader({url: {"@context": {"p": "http://one.example/p"}}})
    second = DocumentLoader({url: {"@context": {"p": "http://two.example/p"}}})
    document = {"@context": url, "@id": "urn:x:1", "p": "v"}
    one = jsonld.canonicalize(document, loader=first)
    two = jsonld.canonicalize(document, loader=second)
    assert "one.example" in one and "two.example" in two


# -- (c) differential properties -----------------------------------------------------------------
#
# Hypothesis draws a seed and the documents are built from ``random.Random(seed)`` in plain
# Python: drawing every node through strategies (or through ``st.randoms()``, which records every
# call) cost 10-25 ms a document, this costs well under a millisecond, so the 10,000 comparisons
# per run stay within the time budget. A failure reports the seed and prints the document.

SEEDS = st.integers(min_value=0, max_value=2**64 - 1)

SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

EX = "http://ex.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TERMS = ["a", "b", "c", "d", "name", "tags", "items", "when", "score", "flag", "lang", "obj"]
TYPES = ["Thing", "Other", "Kind"]
UNDEFINED = ["zzz", "undefinedTerm", "Nope"]
COERCIONS = [
    None,
    None,
    None,
    "@id",
    "@vocab",
    "xsd:integer",
    "xsd:double",
    "xsd:boolean",
    "xsd:dateTime",
    f"{EX}dt",
    "@json",
    "@none",
]
CONTAINERS = [None, None, None, "@set", "@list", "@graph", "@language", ["@graph", "@set"]]
TEXTS = [
    "",
    "x",
    "Hello",
    'quote " and \\ back',
    "line\nbreak\ttab",
    "é€😀",
    "\x00\x7f\x1f",
    "日本",
]
LANGUAGES = ["en", "EN-us", "fr-CA", "de", "zh-Hant-TW", "x-bad_tag"]
IRIS = [
    "http://ex.org/x",
    "https://example.com/a#b",
    "did:example:123",
    "urn:uuid:5e1a7b3c-9d2f",
    "_:b1",
    "_:b2",
    "ex:thing",
    "ex:",
    "mailto:a@example.org",
    "http://ex.org/x",
]
ODD_IRIS = ["Thing", "relative/path", "", "http://ex.org/has space", "1bad:scheme", "@id", "a<b:c"]
NUMBERS: list[Any] = [
    0,
    1,
    -1,
    42,
    2**53 + 1,
    10**21,
    -(10**25),
    10**20,
    0.1,
    1.0,
    -0.0,
    1e21,
    1.5e-7,
    123456789.125,
    3.141592653589793,
    1e300,
    -2.5,
    5e-324,
]


class Gen:
    """Builds one random JSON-LD document from a seeded generator."""

    def __init__(self, rng: Any, *, odd: float = 0.05) -> None:
        self.rng = rng
        self.odd = odd

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, items: list[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def number(self) -> Any:
        r = self.rng.random()
        if r < 0.4:
            return self.pick(NUMBERS)
        if r < 0.7:
            return self.rng.randint(-(10**6), 10**6)
        return self.rng.uniform(-1e6, 1e6) * (10 ** self.rng.randint(-30, 30))

    def iri(self) -> str:
        return self.pick(ODD_IRIS) if self.chance(self.odd) else self.pick(IRIS)

    def scalar(self) -> Any:
        r = self.rng.random()
        if r < 0.4:
            return self.pick(TEXTS)
        if r < 0.65:
            return self.number()
        if r < 0.75:
            return self.chance(0.5)
        if r < 0.8:
            return None
        return self.iri()

    def value_object(self) -> dict[str, Any]:
        r = self.rng.random()
        if r < 0.45:
            value: dict[str, Any] = {"@value": self.pick([self.pick(TEXTS), self.number(), True])}
            if self.chance(0.7):
                value["@type"] = self.pick(
                    [f"{XSD}integer", "xsd:double", f"{EX}dt", "xsd:string", "Thing"]
                    + (["_:dt", "@json", "relative"] if self.chance(self.odd) else [])
                )
            return value
        if r < 0.9:
            return {"@value": self.pick(TEXTS), "@language": self.pick(LANGUAGES)}
        if r < 0.95:
            return {"@value": None}
        return {"@language": "en"}

    def value(self, keys: list[str], depth: int) -> Any:
        r = self.rng.random()
        if depth <= 0 or r < 0.45:
            return self.scalar()
        if r < 0.55:
            return self.value_object()
        if r < 0.7:
            return [self.value(keys, depth - 1) for _ in range(self.rng.randint(0, 3))]
        if r < 0.75:
            return {"@list": [self.value(keys, depth - 1) for _ in range(self.rng.randint(0, 3))]}
        if r < 0.8:
            return {
                self.pick(["en", "fr", "DE", "@none"]): self.pick([self.pick(TEXTS), ["a", "b"]])
                for _ in range(self.rng.randint(0, 2))
            }
        if r < 0.85 and self.chance(self.odd * 4):
            return {self.pick(keys): self.value(keys, depth - 1), "@context": self.context(0)}
        return self.node(keys, depth - 1)

    def node(self, keys: list[str], depth: int) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if self.chance(0.5):
            node[self.pick(["id", "id", "@id"])] = self.iri()
        if self.chance(0.5):
            types = [
                self.pick(TYPES + ["ex:T"] + (UNDEFINED if self.chance(self.odd) else []))
                for _ in range(self.rng.randint(1, 2))
            ]
            node[self.pick(["type", "type", "@type"])] = types[0] if len(types) == 1 else types
        for _ in range(self.rng.randint(0, 3)):
            key = self.pick(keys + (UNDEFINED if self.chance(self.odd) else []))
            node[key] = self.value(keys, depth)
        return node

    def definition(self, name: str, depth: int) -> Any:
        iri = self.pick([f"{EX}{name}", f"ex:{name}", f"{EX}v/{name}"])
        if self.chance(0.3):
            return iri
        entry: dict[str, Any] = {"@id": iri}
        coercion = self.pick(COERCIONS)
        if coercion is not None:
            entry["@type"] = coercion
        container = self.pick(CONTAINERS)
        if container is not None and (coercion != "@json" or self.chance(self.odd)):
            entry["@container"] = container
        if self.chance(0.15):
            entry["@language"] = self.pick([None, *LANGUAGES[:4]])
        if depth > 0 and self.chance(0.2):
            entry["@context"] = self.context(depth - 1)
        if self.chance(0.1):
            entry["@protected"] = True
        return entry

    def context(self, depth: int) -> dict[str, Any]:
        context: dict[str, Any] = {"ex": EX, "xsd": XSD, "id": "@id", "type": "@type"}
        vocab = self.pick([None, f"{EX}vocab#", "ex:", "missing", "missing"])
        if vocab != "missing":
            context["@vocab"] = vocab
        if self.chance(0.2):
            context["@language"] = self.pick(LANGUAGES[:4])
        if self.chance(0.1):
            context["@protected"] = True
        if depth == 0 and self.chance(0.15):
            context["@propagate"] = self.chance(0.5)
        for name in self.rng.sample(TERMS, self.rng.randint(0, 6)):
            context[name] = self.definition(name, depth)
        for type_name in self.rng.sample(TYPES, self.rng.randint(0, 2)):
            if depth > 0 and self.chance(0.6):
                context[type_name] = {"@id": f"{EX}{type_name}", "@context": self.context(0)}
            else:
                context[type_name] = f"{EX}{type_name}"
        return context


@given(seed=SEEDS)
@settings(max_examples=examples(5000), **SETTINGS)
def test_inline_context_documents_match_pyld(seed):
    rng = random.Random(seed)
    gen = Gen(rng)
    document = gen.node(TERMS + TYPES, 2)
    document["@context"] = gen.context(1)
    assert_same(document)


@given(seed=SEEDS)
@settings(max_examples=examples(1500), **SETTINGS)
def test_scoped_and_protected_contexts_match_pyld(seed):
    rng = random.Random(seed)
    gen = Gen(rng)
    document = gen.node(TERMS + TYPES, 2)
    document["@context"] = [gen.context(0), gen.context(2)]
    if gen.chance(0.5):
        inner = gen.node(TERMS, 1)
        inner["@context"] = gen.context(1)
        document[gen.pick(TERMS)] = inner
    assert_same(document)


VC_TERMS = [
    "id",
    "type",
    "name",
    "description",
    "issuer",
    "validFrom",
    "validUntil",
    "credentialSubject",
    "achievement",
    "criteria",
    "narrative",
    "image",
    "evidence",
    "result",
    "identifier",
    "proof",
    "cryptosuite",
    "created",
    "proofPurpose",
    "verificationMethod",
    "proofValue",
    "creditsAvailable",
    "tag",
    "alignment",
    "targetUrl",
    "inLanguage",
    "hashed",
    "salt",
    "relatedResource",
    "digestSRI",
    "credentialStatus",
    "termsOfUse",
    "zzz",
]
CREDENTIAL_PATHS: list[tuple[str, ...]] = [
    (),
    ("issuer",),
    ("credentialSubject",),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "criteria"),
]
_KEY = Ed25519Multikey.generate(bytes(32))
# A small credential keeps pyld's side of each comparison cheap; the large ones are above.
_SAMPLE: dict[str, Any] = {
    "@context": [VC2, OB3],
    "id": "urn:uuid:5e1a7b3c-9d2f-4c61-8a0b-1f2e3d4c5b6a",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": _KEY.did, "type": ["Profile"], "name": "Riverside"},
    "validFrom": "2026-01-15T09:30:00Z",
    "credentialSubject": {
        "id": "did:example:learner-42",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://microcred.example/achievements/1",
            "type": ["Achievement"],
            "name": "Formative Assessment",
            "criteria": {"narrative": "Submit a lesson plan."},
        },
    },
}


def credential(gen: Gen) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(_SAMPLE)
    for _ in range(gen.rng.randint(0, 4)):
        target: Any = document
        for part in gen.pick(CREDENTIAL_PATHS):
            target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, dict):
            value = gen.value(VC_TERMS, 2) if gen.chance(0.5) else gen.node(VC_TERMS, 1)
            target[gen.pick(VC_TERMS)] = value
    extra = gen.pick([None, None, DI2, "inline"])
    if extra == "inline":
        document["@context"] = [*document["@context"], gen.context(0)]
    elif extra is not None:
        document["@context"] = [*document["@context"], extra]
    if gen.chance(0.5):
        proof = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": gen.pick([CREATED, CREATED, "not a date", 5]),
            "verificationMethod": _KEY.verification_method,
            "proofPurpose": "assertionMethod",
            "proofValue": "z" + str(gen.rng.randint(1, 10**9)),
        }
        document["proof"] = [proof, {**proof, "id": "urn:uuid:p2"}] if gen.chance(0.3) else proof
    return document


@given(seed=SEEDS)
@settings(max_examples=examples(2000), **SETTINGS)
def test_generated_credentials_match_pyld(seed):
    rng = random.Random(seed)
    assert_same(credential(Gen(rng)))


@given(seed=SEEDS)
@settings(max_examples=examples(2500), **SETTINGS)
def test_odd_documents_match_pyld(seed):
    """Documents made mostly of what the fast path refuses, falls back on or must reject."""
    rng = random.Random(seed)
    gen = Gen(rng, odd=0.5)
    document = gen.node(VC_TERMS + TERMS, 2)
    for _ in range(gen.rng.randint(0, 2)):
        document[gen.pick(["@graph", "@reverse", "@included", "@nest", "@index", "@foo"])] = (
            gen.value(TERMS, 1)
        )
    document["@context"] = gen.pick(
        [[VC2], [VC1], [VC2, OB3], [VC1, DI2], VC2, [VC2, {"@vocab": None}], gen.context(1)]
    )
    assert_same(document)


@given(value=st.floats(allow_nan=True, allow_infinity=True))
@settings(max_examples=examples(3000), deadline=None)
def test_doubles_are_written_as_pyld_writes_them(value):
    """``fastld._double`` is pyld's ``_canonicalize_double`` without its regular expression."""
    expected = re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{value:1.15E}")
    assert fastld._double(value) == expected
