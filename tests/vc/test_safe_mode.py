"""JSON-LD safe mode holds whatever the document's contexts say, on both paths.

A document can switch the sentinel ``@vocab`` off (``"@vocab": null``, at the top or in a scoped
or embedded context) or map a term to ``null``; expansion then drops what it does not define,
and a signature made over the rest stays valid when the dropped part is changed. These documents
are refused, by name, when signing and when verifying, by the fast path and by the reference
(pyld) path alike, for the conditions jsonld.js's safe mode refuses (its unsafe events).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pyld import jsonld as pyld

from microcred.vc import data_integrity, jsonld
from microcred.vc._internal import fastld, nquads
from microcred.vc.data_integrity import sign, verify_proofs
from microcred.vc.documentloader import default_loader
from microcred.vc.errors import UndefinedTermsError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.verifier import verify_report

VC2 = "https://www.w3.org/ns/credentials/v2"
CREATED = "2026-01-15T09:30:00Z"

Change = Callable[[dict[str, Any]], None]


def _context(*extra: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        document["@context"] = [*document["@context"], *extra]

    return change


def _subject(**values: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        document["credentialSubject"].update(values)

    return change


def _both(*changes: Change) -> Change:
    def change(document: dict[str, Any]) -> None:
        for each in changes:
            each(document)

    return change


def _keep_only(document: dict[str, Any], *keys: str) -> None:
    for key in [k for k in document if k not in keys]:
        del document[key]


DEGREE = _subject(degree="BSc")
WRAPPER = {"@id": "https://example.org/vocab#Wrapper", "@context": {"@vocab": None}}

#: (what is refused, how the document is changed, the detail that names it, the name)
CASES: list[tuple[str, Change, str, str]] = [
    ("@vocab null", _both(_context({"@vocab": None}), DEGREE), "terms", "degree"),
    (
        "@vocab null, VC 2.0 context only",
        _both(lambda d: d.update({"@context": [VC2, {"@vocab": None}]}), DEGREE),
        "terms",
        "degree",
    ),
    (
        "@vocab null in an embedded context",
        _subject(**{"@context": {"@vocab": None}, "degree": "BSc"}),
        "terms",
        "degree",
    ),
    (
        "@vocab null in a property-scoped context",
        _both(
            _context({"extra": {"@id": "https://example.org/vocab#extra",
                                "@context": {"@vocab": None}}}),
            _subject(extra={"degree": "BSc"}),
        ),
        "terms",
        "degree",
    ),
    (
        "@vocab null in a type-scoped context",
        _both(
            _context({"Wrapper": WRAPPER}),
            _subject(extra={"type": "Wrapper", "degree": "BSc"}),
            _context({"extra": "https://example.org/vocab#extra"}),
        ),
        "terms",
        "degree",
    ),
    ("a term mapped to null", _both(_context({"degree": None}), DEGREE), "terms", "degree"),
    (
        "a relative @vocab",
        _both(_context({"@vocab": None}, {"@vocab": "relative/"}), DEGREE),
        "terms",
        "degree",
    ),
    (
        "a key that stays a relative IRI",
        _both(_context({"@vocab": None}), _subject(**{"degree/level": "3"})),
        "terms",
        "degree/level",
    ),
    (
        "a @type that stays relative",
        _both(_context({"@vocab": None}), lambda d: d["type"].append("DegreeCredential")),
        "terms",
        "DegreeCredential",
    ),
    ("a relative @id, no base", _subject(id="learner-42"), "relative_iris", "learner-42"),
    ("an @id with no valid scheme", _subject(id="1bad:scheme"), "relative_iris", "1bad:scheme"),
    ("a keyword-like @id", _subject(id="@me"), "relative_iris", "@me"),
    (
        "a relative @id in a coerced value",
        lambda d: d["credentialSubject"]["achievement"].update(image="badge.png"),
        "relative_iris",
        "badge.png",
    ),
    (
        "a property that is a blank node",
        _both(_context({"degree": "_:degree"}), DEGREE),
        "dropped",
        "degree",
    ),
    ("a null @value", _subject(name={"@value": None}), "dropped", "name"),
    ("an object with only @language", _subject(name={"@language": "en"}), "dropped", "name"),
    ("an id-only document", lambda d: _keep_only(d, "@context", "id"), "dropped", jsonld.TOP_LEVEL),
]


@pytest.fixture(params=[False, True], ids=["fast", "reference"])
def reference(request: pytest.FixtureRequest) -> Iterator[bool]:
    previous = jsonld.use_reference(request.param)
    yield request.param
    jsonld.use_reference(previous)


def _changed(badge: dict[str, Any], change: Change) -> dict[str, Any]:
    document = copy.deepcopy(badge)
    change(document)
    return document


def _refusal(document: dict[str, Any], *, reference: bool) -> UndefinedTermsError:
    with pytest.raises(UndefinedTermsError) as caught:
        jsonld.canonicalize(document, reference=reference)
    return caught.value


@pytest.mark.parametrize(("case", "change", "kind", "name"), CASES, ids=[c[0] for c in CASES])
def test_both_paths_refuse_and_name_it(badge, case, change, kind, name):
    document = _changed(badge, change)
    fast = _refusal(document, reference=False)
    slow = _refusal(document, reference=True)
    assert fast.as_dict() == slow.as_dict()
    assert fast.code == "undefined_terms"
    assert name in fast.details[kind], fast.details
    assert name in fast.message and "JSON-LD safe mode" in fast.message


@pytest.mark.parametrize(("case", "change", "kind", "name"), CASES, ids=[c[0] for c in CASES])
def test_signing_refuses_it(badge, issuer_key, reference, case, change, kind, name):
    with pytest.raises(UndefinedTermsError) as caught:
        sign(_changed(badge, change), key=issuer_key, created=CREATED)
    assert name in caught.value.details[kind]


def test_the_clean_credential_still_signs_and_verifies_on_both_paths(badge, issuer_key, reference):
    signed = sign(badge, key=issuer_key, created=CREATED)
    assert verify_report(signed).verdict == "passed"


def test_a_long_list_of_names_is_cut_short_in_the_message(badge):
    document = _changed(badge, _subject(**{f"t{n:02}": n for n in range(25)}))
    error = _refusal(document, reference=True)
    assert len(error.details["terms"]) == 25
    assert "t09" in error.message and "t10" not in error.message
    assert "and 15 more" in error.message
    assert error.as_dict() == _refusal(document, reference=False).as_dict()


# -- a credential signed before the fix, then changed where the signature did not look ----------


def _unsafe_canonicalize(document: Any, *, loader: Any = None) -> str:
    """Canonicalization before the fix, for a document that switches the sentinel off: pyld's
    expansion with the sentinel ``@vocab`` first, and none of safe mode's checks (the old scan of
    the expanded form found nothing in these documents)."""
    options = {"documentLoader": loader or default_loader(), "base": None}
    probed = {**document, "@context": [{"@vocab": fastld.SENTINEL}, *document["@context"]]}
    dataset = pyld.to_rdf(pyld.expand(probed, options), options)
    return jsonld.canonicalize_quads(nquads.from_pyld_dataset(dataset))


def _signed_without_safe_mode(
    document: dict[str, Any], key: Ed25519Multikey, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """What ``sign`` made before the fix: the canonical form of whatever expansion kept."""
    with monkeypatch.context() as patch:
        patch.setattr(data_integrity, "canonicalize", _unsafe_canonicalize)
        return sign(document, key=key, created=CREATED)


def _vocab_null_credential(badge: dict[str, Any]) -> dict[str, Any]:
    return _changed(badge, _both(_context({"@vocab": None}), DEGREE))


def test_the_attack_worked_without_safe_mode(badge, issuer_key, monkeypatch):
    # The regression's premise: a changed degree keeps the old signature valid, because the
    # degree was never in the signed data.
    signed = _signed_without_safe_mode(_vocab_null_credential(badge), issuer_key, monkeypatch)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["degree"] = "PhD"
    with monkeypatch.context() as patch:
        patch.setattr(data_integrity, "canonicalize", _unsafe_canonicalize)
        assert all(result.verified for result in verify_proofs(tampered))


def test_verifying_refuses_a_tampered_credential_signed_without_safe_mode(
    badge, issuer_key, monkeypatch, reference
):
    signed = _signed_without_safe_mode(_vocab_null_credential(badge), issuer_key, monkeypatch)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["degree"] = "PhD"
    for document in (signed, tampered):
        [result] = verify_proofs(document)
        assert not result.verified
        assert isinstance(result.error, UndefinedTermsError)
        assert "degree" in result.error.details["terms"]
        report = verify_report(document)
        assert report.verdict == "failed"
        proof = report.check("proof")
        assert proof is not None and proof.outcome == "failed"
        assert proof.code == "proof.unsafe_terms"
        assert "degree" in proof.message and proof.details["code"] == "undefined_terms"


def test_a_base_direction_is_signed_not_dropped(badge, issuer_key, reference):
    # JSON-LD to RDF keeps a text's direction only with rdfDirection (jsonld.js's safe mode
    # refuses it otherwise); like Digital Bazaar's eddsa-rdfc-2022, it is the i18n datatype.
    name = {"@value": "شهادة", "@language": "AR", "@direction": "rtl"}
    document = _changed(badge, _subject(name=name))
    assert '"شهادة"^^<https://www.w3.org/ns/i18n#ar_rtl>' in jsonld.canonicalize(document)
    signed = sign(document, key=issuer_key, created=CREATED)
    assert verify_report(signed).verdict == "passed"
    signed["credentialSubject"]["name"]["@direction"] = "ltr"
    proof = verify_report(signed).check("proof")
    assert proof is not None and proof.code == "proof.signature_mismatch"
