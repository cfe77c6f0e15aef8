"""Shared fixtures: the standards bodies' test data lives in ../shared/testdata, beside the
project (CI has it too); tests that need it skip with the reason when it is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.vc.documentloader import DocumentLoader
from microcred.vc.keys import Ed25519Multikey

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
VECTORS = TESTDATA / "w3c-vc-di-eddsa" / "TestVectors"
EXAMPLE_CONTEXTS = {
    "https://www.w3.org/ns/credentials/examples/v2": TESTDATA
    / "w3c-contexts"
    / "credentials-examples-v2.jsonld",
    "https://w3id.org/citizenship/v4rc1": TESTDATA / "w3c-contexts" / "citizenship-v4rc1.jsonld",
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.skip(f"W3C vc-di-eddsa test vectors not found at {VECTORS}")
    return VECTORS


@pytest.fixture(scope="session")
def examples_loader(vectors: Path) -> DocumentLoader:
    return DocumentLoader.from_files({url: str(path) for url, path in EXAMPLE_CONTEXTS.items()})


@pytest.fixture(scope="session")
def vector_key(vectors: Path) -> Ed25519Multikey:
    return Ed25519Multikey.from_json(read_json(vectors / "keyPair.json"))


@pytest.fixture
def issuer_key() -> Ed25519Multikey:
    return Ed25519Multikey.generate(bytes(range(32)))


@pytest.fixture
def badge(issuer_key: Ed25519Multikey) -> dict[str, Any]:
    """A small, complete OpenBadgeCredential issued by ``issuer_key``'s did:key."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5e1a7b3c-9d2f-4c61-8a0b-1f2e3d4c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Formative Assessment: Checking for Understanding",
        "issuer": {
            "id": issuer_key.did,
            "type": ["Profile"],
            "name": "Riverside Unified School District",
        },
        "validFrom": "2026-01-15T09:30:00Z",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://microcred.example/achievements/formative-assessment/1",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Formative Assessment: Checking for Understanding",
                "description": "The educator checks students' understanding during a lesson "
                "and adjusts instruction in response.",
                "criteria": {
                    "narrative": "Submit a lesson plan, two samples of student work and a "
                    "reflection; every rubric criterion must be scored Pass."
                },
            },
        },
    }
