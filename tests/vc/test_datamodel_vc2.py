"""VC Data Model 2.0 rules the schema check (``openbadges.validate``) enforces for plain
verifiable credentials (issue 14, finding 12): the VC-API issuer refuses what the verifier
would refuse, with one problem per rule broken."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.vc.openbadges import validate


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:9a0b5c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "claim": "yes"},
    }
    doc.update(changes)
    return doc


def paths(doc: dict[str, Any]) -> list[str]:
    return [p.path for p in validate(doc)]


def test_a_valid_plain_credential_has_no_problems() -> None:
    assert validate(credential()) == []
    assert validate(credential(
        name={"@value": "Example", "@language": "en"},
        description=[{"@value": "An example", "@language": "en", "@direction": "ltr"}],
        evidence={"type": ["Evidence"], "id": "https://evidence.example/1"},
        relatedResource=[{"id": "https://x.example/a", "digestMultibase": "uEiB"},
                         {"id": "https://x.example/b", "digestSRI": "sha256-" + "a" * 43 + "="}],
    )) == []


@pytest.mark.parametrize(("changes", "path"), [
    ({"credentialSubject": {}}, "$.credentialSubject"),
    ({"credentialSubject": [{"id": "did:example:a"}, {}]}, "$.credentialSubject[1]"),
    ({"evidence": [{"id": "https://evidence.example/1"}]}, "$.evidence[0].type"),
    ({"relatedResource": {"id": "https://x.example/a"}}, "$.relatedResource"),
    ({"relatedResource": [{"id": "https://x.example/a", "digestSRI": "md5-xyz"}]},
     "$.relatedResource[0].digestSRI"),
    ({"relatedResource": [{"id": "https://x.example/a", "digestMultibase": "u1"},
                          {"id": "https://x.example/a", "digestMultibase": "u2"}]},
     "$.relatedResource[1].id"),
    ({"name": {"@value": 3}}, "$.name"),
    ({"description": {"value": "no @value"}}, "$.description"),
])
def test_plain_credential_problems_name_the_property(changes: dict[str, Any], path: str) -> None:
    assert path in paths(credential(**changes))


def test_every_problem_is_reported() -> None:
    found = paths(credential(credentialSubject={}, validFrom="Sat 25 Feb 2023",
                             evidence={"id": "https://e.example"}, issuer={"id": None}))
    assert {"$.credentialSubject", "$.validFrom", "$.evidence.type", "$.issuer.id"} <= set(found)
