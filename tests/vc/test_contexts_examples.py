"""The W3C examples context is bundled (issue 14, finding 16): spec vectors that use it verify
with the default loader, with no --context and no network."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest

from microcred.vc.data_integrity import verify_proofs
from microcred.vc.documentloader import bundled_contexts, default_loader, manifest
from tests.vc.conftest import EXAMPLE_CONTEXTS, VECTORS, read_json

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def test_examples_context_is_bundled_with_source_and_hash() -> None:
    entry = next((e for e in manifest() if e["url"] == EXAMPLES_V2), None)
    assert entry is not None
    data = resources.files("microcred.vc").joinpath("contexts", entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "vc-data-model" in entry["source"]
    assert EXAMPLES_V2 in bundled_contexts()


def test_bundled_examples_context_is_the_published_one() -> None:
    published = EXAMPLE_CONTEXTS[EXAMPLES_V2]
    if not published.is_file():
        pytest.skip(f"W3C examples context not found at {published}")
    assert default_loader().get(EXAMPLES_V2) == json.loads(published.read_text("utf-8"))


def test_w3c_vector_verifies_with_only_the_bundled_contexts() -> None:
    signed = VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json"
    if not signed.is_file():
        pytest.skip(f"W3C vc-di-eddsa test vectors not found at {VECTORS}")
    results = verify_proofs(read_json(signed))
    assert results and all(r.verified for r in results), [r.error for r in results]
