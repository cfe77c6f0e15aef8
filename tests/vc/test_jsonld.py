from __future__ import annotations

import hashlib
import json

import pytest

from microcred.vc.data_integrity import sign
from microcred.vc.documentloader import DocumentLoader, bundled_contexts, manifest
from microcred.vc.errors import InputError, UndefinedTermsError, UnknownContextError
from microcred.vc.jsonld import canonicalize, expand


def test_every_bundled_context_matches_its_manifest_hash():
    from importlib import resources

    folder = resources.files("microcred.vc").joinpath("contexts")
    urls = set()
    for entry in manifest():
        data = folder.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["source"]
        urls.add(entry["url"])
    assert {
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/ns/did/v1",
        "https://www.w3.org/ns/credentials/status/v1",
    } <= urls
    assert len(bundled_contexts()) == len(manifest())


def test_the_loader_never_fetches_and_names_the_unknown_context(badge, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the document loader tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    canonicalize(badge)  # only bundled contexts: works offline
    badge["@context"].append("https://example.org/contexts/unknown.jsonld")
    with pytest.raises(UnknownContextError) as caught:
        canonicalize(badge)
    assert caught.value.code == "unknown_context"
    assert "https://example.org/contexts/unknown.jsonld" in caught.value.message


def test_extra_contexts_are_used_but_cannot_replace_bundled_ones(tmp_path, badge):
    extra = tmp_path / "ctx.json"
    extra.write_text(json.dumps({"@context": {"favouriteColour": "https://example.org/colour"}}))
    loader = DocumentLoader.from_files({"https://example.org/ctx": str(extra)})
    badge["@context"].append("https://example.org/ctx")
    badge["credentialSubject"]["favouriteColour"] = "teal"
    assert "https://example.org/colour" in canonicalize(badge, loader=loader)
    with pytest.raises(InputError) as caught:
        DocumentLoader.from_files({"https://www.w3.org/ns/credentials/v2": str(extra)})
    assert caught.value.code == "context_conflict"


def test_safe_mode_refuses_undefined_terms_and_names_them(badge, issuer_key):
    badge["credentialSubject"]["shoeSize"] = 42
    badge["secretlyAdded"] = True
    with pytest.raises(UndefinedTermsError) as caught:
        sign(badge, key=issuer_key)
    assert caught.value.details["terms"] == ["secretlyAdded", "shoeSize"]
    assert "shoeSize" in caught.value.message


def test_safe_mode_refuses_undefined_types(badge):
    badge["type"].append("MadeUpCredential")
    with pytest.raises(UndefinedTermsError) as caught:
        expand(badge)
    assert "MadeUpCredential" in caught.value.details["terms"]


def test_safe_mode_refuses_relative_ids(badge):
    badge["credentialSubject"]["id"] = "learner-42"
    with pytest.raises(UndefinedTermsError) as caught:
        expand(badge)
    assert caught.value.details["relative_iris"] == ["learner-42"]


def test_a_context_with_its_own_vocab_defines_its_terms(examples_loader, vectors):
    document = json.loads((vectors / "unsigned.json").read_text())
    assert "alumniOf" in canonicalize(document, loader=examples_loader)


def test_canonical_form_ignores_key_order_and_whitespace(badge):
    shuffled = json.loads(json.dumps(badge, sort_keys=True))
    assert canonicalize(shuffled) == canonicalize(badge)


def test_deep_nesting_is_refused_cleanly():
    from microcred.vc.jsoninput import parse_json

    with pytest.raises(InputError) as caught:
        parse_json("[" * 10_000 + "]" * 10_000)
    assert caught.value.code == "too_deep"
