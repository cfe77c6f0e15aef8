"""Open Badges 3.0 / CLR 2.0 builders and structural validation (microcred.vc.openbadges).

Fixtures from the standards bodies: the IdentityHash example of the OB 3.0 data model, the
official example credentials' shapes, and 1EdTech's CLR 2.0 Linked Data Proof test vector
(``ob_v3p0/impl/linked-data-proof-clr``, whose document hash pins the bundled CLR context).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from microcred.vc import openbadges as ob
from microcred.vc.errors import InputError, SchemaError
from tests.profiles import examples

Steps = tuple[str | int, ...]  # a location in a JSON document, as keys and indexes

CONTEXTS = Path(ob.__file__).resolve().parent / "contexts"
EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}

# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


def _issuer() -> dict[str, Any]:
    return ob.profile(
        id="https://issuer.example/profile",
        name="Example Institute",
        url="https://issuer.example",
        email="badges@issuer.example",
        description="Issues micro-credentials",
        image="https://issuer.example/logo.png",
    )


def _achievement(number: int = 1) -> dict[str, Any]:
    levels = [
        ob.rubric_criterion_level(
            id=f"urn:uuid:0000000{number}-0000-4000-8000-00000000000a",
            name="Developing",
            description="Works with help",
            level="1",
            points="1",
        ),
        ob.rubric_criterion_level(
            id=f"urn:uuid:0000000{number}-0000-4000-8000-00000000000b",
            name="Proficient",
            points="3",
        ),
    ]
    rubric = ob.result_description(
        id=f"urn:uuid:0000000{number}-0000-4000-8000-0000000000cc",
        name="Code review rubric",
        levels=levels,
        required_level=f"urn:uuid:0000000{number}-0000-4000-8000-00000000000b",
    )
    return ob.achievement(
        id=f"https://issuer.example/achievements/{number}",
        name=f"Python testing {number}",
        description="Writes and maintains automated tests.",
        criteria_narrative="Submit a project with a tested module; pass a review.",
        criteria_id=f"https://issuer.example/achievements/{number}/criteria",
        image="https://issuer.example/achievements/badge.png",
        alignments=[
            ob.alignment(
                target_name="Software testing",
                target_url="https://framework.example/items/42",
                target_framework="Example framework",
                target_code="ST-42",
                target_description="Designs tests",
                target_type="CFItem",
            )
        ],
        result_descriptions=[rubric],
        version="1.0",
        creator=_issuer(),
        tags=["python", "testing"],
        in_language="en",
        human_code=f"PYT-{number}",
        field_of_study="Computer science",
        credits_available=1.5,
        related=[{"id": "https://issuer.example/achievements/fr", "type": ["Related"]}],
    )


def _credential(number: int = 1) -> dict[str, Any]:
    achievement = _achievement(number)
    subject = ob.achievement_subject(
        achievement=achievement,
        id="did:example:learner",
        identifier=[ob.identity_object(value="learner@example.com", salt="pepper")],
        results=[
            ob.result(
                result_description=f"urn:uuid:0000000{number}-0000-4000-8000-0000000000cc",
                achieved_level=f"urn:uuid:0000000{number}-0000-4000-8000-00000000000b",
                status="Completed",
                value="Proficient",
            )
        ],
    )
    return ob.open_badge_credential(
        issuer=_issuer(),
        achievement=achievement,
        subject=subject,
        valid_from="2025-01-31T12:00:00Z",
        id=f"urn:uuid:0000000{number}-0000-4000-8000-000000000001",
        description="Awarded for tested code",
        image="https://issuer.example/credentials/1.png",
        valid_until="2030-01-31T12:00:00+01:00",
        awarded_date="2025-01-30T09:00:00Z",
        evidence=[
            ob.evidence(
                id="https://learner.example/project",
                name="Project",
                narrative="A tested parser.",
                description="Repository",
                genre="Code",
                audience="Reviewers",
            )
        ],
        credential_status={
            "id": "https://issuer.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://issuer.example/status/1",
        },
        credential_schema=[OB_SCHEMA],
        contexts=[EXTENSIONS_CONTEXT],
    )


@pytest.fixture
def credential() -> dict[str, Any]:
    return _credential()


def _paths(problems: list[ob.Problem]) -> list[str]:
    return [problem.path for problem in problems]


def _remove(document: dict[str, Any], path: Steps) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return doc


def _replace(document: dict[str, Any], path: Steps, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    """Local fixture loader: bundled contexts only, through contexts/manifest.json."""
    manifest = json.loads((CONTEXTS / "manifest.json").read_text("utf-8"))
    files = {entry["url"]: entry["file"] for entry in manifest["contexts"]}
    if url not in files:
        raise ValueError(f"context not bundled: {url}")
    document = json.loads((CONTEXTS / files[url]).read_text("utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def test_full_credential_validates_clean(credential: dict[str, Any]) -> None:
    assert ob.validate(credential) == []
    ob.validate_or_raise(credential)


def test_credential_shape(credential: dict[str, Any]) -> None:
    assert credential["@context"] == [ob.VC_V2_CONTEXT, ob.OB_CONTEXT, EXTENSIONS_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["name"] == "Python testing 1"  # defaults to the achievement's name
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["image"] == {
        "id": "https://issuer.example/credentials/1.png",
        "type": "Image",
    }
    assert credential["credentialSubject"]["achievement"]["criteria"] == {
        "id": "https://issuer.example/achievements/1/criteria",
        "narrative": "Submit a project with a tested module; pass a review.",
    }
    # a single status entry is written as an object (OB 3.0 credentialStatus is 0..1)
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_builders_omit_none_and_empty() -> None:
    minimal = ob.achievement(
        id="https://issuer.example/a", name="A", description="B", criteria_narrative="C"
    )
    assert set(minimal) == {"id", "type", "achievementType", "name", "description", "criteria"}
    assert ob.evidence(narrative="Did it") == {"type": ["Evidence"], "narrative": "Did it"}
    profile = ob.profile(id="https://issuer.example", name="I")
    assert profile == {"id": "https://issuer.example", "type": ["Profile"], "name": "I"}
    cred = ob.open_badge_credential(
        issuer=profile,
        achievement=minimal,
        subject=ob.achievement_subject(achievement=minimal, id="did:example:x"),
        valid_from="2025-01-01T00:00:00Z",
    )
    assert set(cred) == {
        "@context", "id", "type", "name", "issuer", "validFrom", "credentialSubject",
    }  # fmt: skip
    assert cred["credentialSubject"] == {
        "id": "did:example:x",
        "type": ["AchievementSubject"],
        "achievement": minimal,
    }
    assert ob.validate(cred) == []


def test_default_id_is_a_fresh_urn_uuid(credential: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        "issuer": _issuer(),
        "achievement": _achievement(),
        "subject": ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
        "valid_from": "2025-01-01T00:00:00Z",
    }
    first, second = ob.open_badge_credential(**args), ob.open_badge_credential(**args)
    pattern = r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, first["id"])
    assert first["id"] != second["id"]


def test_subject_achievement_is_the_given_achievement() -> None:
    stale = ob.achievement(
        id="https://issuer.example/old", name="Old", description="d", criteria_narrative="n"
    )
    fresh = _achievement()
    cred = ob.open_badge_credential(
        issuer=_issuer(),
        achievement=fresh,
        subject=ob.achievement_subject(achievement=stale, id="did:example:x"),
        valid_from="2025-01-01T00:00:00Z",
    )
    assert cred["credentialSubject"]["achievement"] == fresh


def test_builders_copy_their_inputs() -> None:
    issuer = _issuer()
    cred = ob.open_badge_credential(
        issuer=issuer,
        achievement=_achievement(),
        subject=ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
        valid_from="2025-01-01T00:00:00Z",
    )
    issuer["name"] = "Changed later"
    assert cred["issuer"]["name"] == "Example Institute"


def test_extra_contexts_are_appended_once() -> None:
    cred = ob.open_badge_credential(
        issuer=_issuer(),
        achievement=_achievement(),
        subject=ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
        valid_from="2025-01-01T00:00:00Z",
        contexts=[ob.OB_CONTEXT, EXTENSIONS_CONTEXT, EXTENSIONS_CONTEXT],
    )
    assert cred["@context"] == [ob.VC_V2_CONTEXT, ob.OB_CONTEXT, EXTENSIONS_CONTEXT]


def test_several_status_entries_stay_an_array() -> None:
    entries = [
        {"type": "BitstringStatusListEntry", "statusPurpose": purpose} for purpose in ("a", "b")
    ]
    cred = ob.open_badge_credential(
        issuer=_issuer(),
        achievement=_achievement(),
        subject=ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
        valid_from="2025-01-01T00:00:00Z",
        credential_status=entries,
    )
    assert cred["credentialStatus"] == entries


def test_now_iso_is_utc_whole_seconds() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", ob.now_iso())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: ob.achievement_subject(achievement=_achievement()),
            "an id or at least one identifier",
        ),
        (lambda: ob.identity_object(value="a@example.com", identity_type="email"), "identity_type"),
        (
            lambda: ob.achievement(
                id="https://issuer.example/a",
                name="A",
                description="B",
                criteria_narrative="C",
                achievement_type="Trophy",
            ),
            "achievement_type",
        ),
        (
            lambda: ob.achievement(id="https://issuer.example/a", name="A", description="B"),
            "criteria_narrative or criteria_id",
        ),
        (lambda: ob.result(result_description="urn:x:1", status="Done"), "status must be one of"),
        (lambda: ob.result(result_description="not a uri"), "result_description"),
        (
            lambda: ob.association(
                association_type="isFriendOf", source_id="urn:a:1", target_id="urn:a:2"
            ),
            "association_type",
        ),
        (lambda: ob.profile(id="issuer", name="I"), "^id must be an absolute URI"),
        (
            lambda: ob.profile(id="https://issuer.example", name=""),
            "^name must be a non-empty string",
        ),
        (
            lambda: ob.result_description(id="urn:x:1", name="R", required_level="urn:x:9"),
            "required_level",
        ),
        (
            lambda: ob.open_badge_credential(
                issuer=_issuer(),
                achievement=_achievement(),
                subject=ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
                valid_from="2025-01-31",
            ),
            "valid_from",
        ),
        (
            lambda: ob.open_badge_credential(
                issuer=_issuer(),
                achievement=_achievement(),
                subject=ob.achievement_subject(achievement=_achievement(), id="did:example:x"),
                valid_from="2025-01-31T00:00:00Z",
                valid_until="2024-01-31T00:00:00Z",
            ),
            "valid_until",
        ),
        (
            lambda: ob.clr_credential(
                issuer=_issuer(),
                subject_id="did:example:x",
                credentials=[],
                valid_from="2025-01-31T00:00:00Z",
                name="CLR",
            ),
            "at least one credential",
        ),
    ],
)
def test_builders_refuse_bad_arguments(build: Any, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        build()
    assert raised.value.code == "invalid_argument"


# --------------------------------------------------------------------------------------------
# IdentityObject
# --------------------------------------------------------------------------------------------


def test_identity_hash_matches_the_spec_example() -> None:
    # OB 3.0 IdentityHash: "sha256$b5809d8a...ef399 represents the result of calculating a
    # SHA-256 hash on the string 'a@example.comKosher'".
    identity = ob.identity_object(value="a@example.com", salt="Kosher")
    assert identity["identityHash"] == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_identity_hash_matches_a_hand_computation() -> None:
    identity = ob.identity_object(value="élève@example.com", identity_type="emailAddress", salt="s")
    expected = hashlib.sha256("élève@example.coms".encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": "sha256$" + expected,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "s",
    }


def test_identity_salt_is_random_when_not_given() -> None:
    first = ob.identity_object(value="a@example.com")
    second = ob.identity_object(value="a@example.com")
    assert first["salt"] != second["salt"]
    assert len(first["salt"]) >= 16
    salted = "a@example.com" + first["salt"]
    assert first["identityHash"] == "sha256$" + hashlib.sha256(salted.encode()).hexdigest()


def test_extension_identity_type_is_accepted() -> None:
    identity = ob.identity_object(value="12345", identity_type="ext:studentNumber")
    assert identity["identityType"] == "ext:studentNumber"


# --------------------------------------------------------------------------------------------
# Required fields: each one removed, the exact path reported
# --------------------------------------------------------------------------------------------

SUBJECT: Steps = ("credentialSubject",)
ACHIEVEMENT: Steps = (*SUBJECT, "achievement")
RUBRIC: Steps = (*ACHIEVEMENT, "resultDescription", 0)
LEVEL: Steps = (*RUBRIC, "rubricCriterionLevel", 0)
IDENTITY: Steps = (*SUBJECT, "identifier", 0)
RESULT: Steps = (*SUBJECT, "result", 0)
ALIGNMENT: Steps = (*ACHIEVEMENT, "alignment", 0)

REQUIRED: list[tuple[Steps, str]] = [
    (("@context",), "$['@context']"),
    (("id",), "$.id"),
    (("type",), "$.type"),
    (("issuer",), "$.issuer"),
    (("issuer", "id"), "$.issuer.id"),
    (("issuer", "type"), "$.issuer.type"),
    (("validFrom",), "$.validFrom"),
    (("credentialSubject",), "$.credentialSubject"),
    ((*SUBJECT, "type"), "$.credentialSubject.type"),
    (ACHIEVEMENT, "$.credentialSubject.achievement"),
    ((*ACHIEVEMENT, "id"), "$.credentialSubject.achievement.id"),
    ((*ACHIEVEMENT, "type"), "$.credentialSubject.achievement.type"),
    ((*ACHIEVEMENT, "name"), "$.credentialSubject.achievement.name"),
    ((*ACHIEVEMENT, "description"), "$.credentialSubject.achievement.description"),
    ((*ACHIEVEMENT, "criteria"), "$.credentialSubject.achievement.criteria"),
    ((*ACHIEVEMENT, "image", "id"), "$.credentialSubject.achievement.image.id"),
    ((*ACHIEVEMENT, "image", "type"), "$.credentialSubject.achievement.image.type"),
    ((*ACHIEVEMENT, "creator", "id"), "$.credentialSubject.achievement.creator.id"),
    ((*ACHIEVEMENT, "related", 0, "id"), "$.credentialSubject.achievement.related[0].id"),
    ((*ACHIEVEMENT, "related", 0, "type"), "$.credentialSubject.achievement.related[0].type"),
    ((*RUBRIC, "id"), "$.credentialSubject.achievement.resultDescription[0].id"),
    ((*RUBRIC, "type"), "$.credentialSubject.achievement.resultDescription[0].type"),
    ((*RUBRIC, "name"), "$.credentialSubject.achievement.resultDescription[0].name"),
    ((*RUBRIC, "resultType"), "$.credentialSubject.achievement.resultDescription[0].resultType"),
    (
        (*LEVEL, "id"),
        "$.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[0].id",
    ),
    (
        (*LEVEL, "type"),
        "$.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[0].type",
    ),
    (
        (*LEVEL, "name"),
        "$.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[0].name",
    ),
    ((*ALIGNMENT, "type"), "$.credentialSubject.achievement.alignment[0].type"),
    ((*ALIGNMENT, "targetName"), "$.credentialSubject.achievement.alignment[0].targetName"),
    ((*ALIGNMENT, "targetUrl"), "$.credentialSubject.achievement.alignment[0].targetUrl"),
    ((*IDENTITY, "type"), "$.credentialSubject.identifier[0].type"),
    ((*IDENTITY, "hashed"), "$.credentialSubject.identifier[0].hashed"),
    ((*IDENTITY, "identityHash"), "$.credentialSubject.identifier[0].identityHash"),
    ((*IDENTITY, "identityType"), "$.credentialSubject.identifier[0].identityType"),
    ((*RESULT, "type"), "$.credentialSubject.result[0].type"),
    (("evidence", 0, "type"), "$.evidence[0].type"),
    (("credentialStatus", "type"), "$.credentialStatus.type"),
    (("credentialSchema", 0, "id"), "$.credentialSchema[0].id"),
    (("credentialSchema", 0, "type"), "$.credentialSchema[0].type"),
    (("image", "id"), "$.image.id"),
]


@pytest.mark.parametrize(("path", "expected"), REQUIRED, ids=[p for _, p in REQUIRED])
def test_missing_required_field_is_reported_at_its_path(
    credential: dict[str, Any], path: Steps, expected: str
) -> None:
    problems = ob.validate(_remove(credential, path))
    assert expected in _paths(problems), problems
    # and nothing outside the object that lost the field is blamed
    parent = expected.rsplit(".", 1)[0] if expected != "$['@context']" else "$"
    assert all(p.path.startswith(parent) for p in problems), problems


def test_missing_required_field_message_names_the_rule(credential: dict[str, Any]) -> None:
    problems = ob.validate(_remove(credential, (*ACHIEVEMENT, "name")))
    assert problems == [
        ob.Problem(
            "$.credentialSubject.achievement.name",
            "is required (OB 3.0 Achievement)",
            "OB 3.0 Achievement",
            "https://www.imsglobal.org/spec/ob/v3p0/#achievement",
        )
    ]


def test_subject_needs_id_or_identifier(credential: dict[str, Any]) -> None:
    without_id = _remove(credential, (*SUBJECT, "id"))
    assert ob.validate(without_id) == []  # the hashed identifier is enough
    neither = _remove(without_id, (*SUBJECT, "identifier"))
    assert _paths(ob.validate(neither)) == ["$.credentialSubject"]
    empty = _replace(without_id, (*SUBJECT, "identifier"), [])
    assert _paths(ob.validate(empty)) == ["$.credentialSubject"]


def test_criteria_needs_id_or_narrative(credential: dict[str, Any]) -> None:
    doc = _replace(credential, (*ACHIEVEMENT, "criteria"), {})
    assert _paths(ob.validate(doc)) == ["$.credentialSubject.achievement.criteria"]
    doc = _remove(credential, (*ACHIEVEMENT, "criteria", "id"))
    assert ob.validate(doc) == []


def test_every_problem_is_reported_not_just_the_first(credential: dict[str, Any]) -> None:
    doc = _remove(credential, ("id",))
    doc = _remove(doc, (*ACHIEVEMENT, "name"))
    doc = _remove(doc, ("evidence", 0, "type"))
    assert _paths(ob.validate(doc)) == [
        "$.id",
        "$.credentialSubject.achievement.name",
        "$.evidence[0].type",
    ]


def test_validate_or_raise_carries_the_problems(credential: dict[str, Any]) -> None:
    doc = _remove(_remove(credential, ("id",)), (*ACHIEVEMENT, "name"))
    with pytest.raises(SchemaError) as raised:
        ob.validate_or_raise(doc)
    error = raised.value
    assert error.code == "invalid_structure"
    assert error.details["problems"] == [
        {
            "path": "$.id",
            "message": "is required (OB 3.0 AchievementCredential)",
            "rule": "OB 3.0 AchievementCredential",
            "section": "https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential",
        },
        {
            "path": "$.credentialSubject.achievement.name",
            "message": "is required (OB 3.0 Achievement)",
            "rule": "OB 3.0 Achievement",
            "section": "https://www.imsglobal.org/spec/ob/v3p0/#achievement",
        },
    ]
    assert "2 structural problems" in error.message
    assert "$.credentialSubject.achievement.name" in error.message


# --------------------------------------------------------------------------------------------
# Wrong types and values
# --------------------------------------------------------------------------------------------

WRONG: list[tuple[Steps, Any, str]] = [
    (("@context",), {"@vocab": "x"}, "$['@context']"),
    (("@context",), [ob.VC_V2_CONTEXT], "$['@context']"),
    (("@context",), [ob.OB_CONTEXT, ob.VC_V2_CONTEXT], "$['@context'][0]"),
    (("@context", 1), 5, "$['@context'][1]"),
    (("type",), "OpenBadgeCredential", "$.type"),
    (("type",), ["OpenBadgeCredential"], "$.type"),
    (("type",), 7, "$.type"),
    (("id",), "not a uri", "$.id"),
    (("id",), 42, "$.id"),
    (("name",), ["x"], "$.name"),
    (("issuer",), 42, "$.issuer"),
    (("issuer",), "issuer.example", "$.issuer"),
    (("issuer", "type"), ["Organization"], "$.issuer.type"),
    (("issuer", "url"), "issuer.example", "$.issuer.url"),
    (("issuer", "email"), "nobody", "$.issuer.email"),
    (("issuer", "image"), "https://issuer.example/logo.png", "$.issuer.image"),
    (("image",), "https://issuer.example/credentials/1.png", "$.image"),
    (("image", "type"), ["Image"], "$.image.type"),
    (("image", "width"), 300, "$.image.width"),
    (("validFrom",), "2025-01-31", "$.validFrom"),
    (("validFrom",), "2025-01-31T12:00:00", "$.validFrom"),
    (("validFrom",), "2025-02-30T12:00:00Z", "$.validFrom"),
    (("validFrom",), "31/01/2025", "$.validFrom"),
    (("validFrom",), 1738324800, "$.validFrom"),
    (("validUntil",), "2020-01-01T00:00:00Z", "$.validUntil"),
    (("awardedDate",), "yesterday", "$.awardedDate"),
    (("issuanceDate",), "2025-01-31T12:00:00Z", "$.issuanceDate"),
    (("expirationDate",), "2030-01-31T12:00:00Z", "$.expirationDate"),
    (("credentialSubject",), "did:example:learner", "$.credentialSubject"),
    (("credentialSubject",), [], "$.credentialSubject"),
    ((*SUBJECT, "id"), "learner", "$.credentialSubject.id"),
    (ACHIEVEMENT, "https://issuer.example/achievements/1", "$.credentialSubject.achievement"),
    (ACHIEVEMENT, [], "$.credentialSubject.achievement"),
    (
        (*ACHIEVEMENT, "achievementType"),
        "Trophy",
        "$.credentialSubject.achievement.achievementType",
    ),
    ((*ACHIEVEMENT, "creditsAvailable"), "3", "$.credentialSubject.achievement.creditsAvailable"),
    ((*ACHIEVEMENT, "creditsAvailable"), True, "$.credentialSubject.achievement.creditsAvailable"),
    ((*ACHIEVEMENT, "inLanguage"), "English", "$.credentialSubject.achievement.inLanguage"),
    ((*ACHIEVEMENT, "tag"), "python", "$.credentialSubject.achievement.tag"),
    ((*ACHIEVEMENT, "tag", 1), 3, "$.credentialSubject.achievement.tag[1]"),
    ((*ACHIEVEMENT, "criteria"), "https://x.example/c", "$.credentialSubject.achievement.criteria"),
    ((*ACHIEVEMENT, "alignment"), {}, "$.credentialSubject.achievement.alignment"),
    (
        (*ALIGNMENT, "targetType"),
        "Skill",
        "$.credentialSubject.achievement.alignment[0].targetType",
    ),
    (
        (*RUBRIC, "resultType"),
        "Grade",
        "$.credentialSubject.achievement.resultDescription[0].resultType",
    ),
    (
        (*RUBRIC, "requiredLevel"),
        "urn:uuid:ffffffff-0000-4000-8000-00000000000b",
        "$.credentialSubject.achievement.resultDescription[0].requiredLevel",
    ),
    ((*IDENTITY, "hashed"), "true", "$.credentialSubject.identifier[0].hashed"),
    ((*IDENTITY, "identityType"), "email", "$.credentialSubject.identifier[0].identityType"),
    (
        (*IDENTITY, "identityHash"),
        "learner@example.com",
        "$.credentialSubject.identifier[0].identityHash",
    ),
    ((*IDENTITY, "type"), ["IdentityObject"], "$.credentialSubject.identifier[0].type"),
    ((*IDENTITY, "note"), "x", "$.credentialSubject.identifier[0].note"),
    ((*SUBJECT, "identifier"), {"type": "IdentityObject"}, "$.credentialSubject.identifier"),
    ((*RESULT, "status"), "Done", "$.credentialSubject.result[0].status"),
    (
        (*RESULT, "resultDescription"),
        "urn:uuid:unknown",
        "$.credentialSubject.result[0].resultDescription",
    ),
    ((*RESULT, "achievedLevel"), "urn:uuid:unknown", "$.credentialSubject.result[0].achievedLevel"),
    ((*RESULT, "value"), 3, "$.credentialSubject.result[0].value"),
    (("evidence",), {"type": ["Evidence"]}, "$.evidence"),
    (("evidence", 0), "https://learner.example/project", "$.evidence[0]"),
    (("evidence", 0, "id"), "project", "$.evidence[0].id"),
    (("credentialStatus",), "https://issuer.example/status/1", "$.credentialStatus"),
    (("credentialStatus", "type"), 5, "$.credentialStatus.type"),
    (("credentialSchema",), "https://x.example/schema.json", "$.credentialSchema"),
    (("endorsement",), [{"type": "EndorsementCredential"}], "$.endorsement[0]"),
    (("endorsementJwt",), ["not a jws"], "$.endorsementJwt[0]"),
]


@pytest.mark.parametrize(("path", "value", "expected"), WRONG, ids=[p for _, _, p in WRONG])
def test_wrong_type_or_value_is_a_problem_not_an_exception(
    credential: dict[str, Any], path: Steps, value: Any, expected: str
) -> None:
    problems = ob.validate(_replace(credential, path, value))
    assert problems, "expected a problem"
    assert any(p.path == expected or p.path.startswith(expected) for p in problems), problems


def test_status_result_needs_status(credential: dict[str, Any]) -> None:
    doc = _replace(credential, (*RUBRIC, "resultType"), "Status")
    assert ob.validate(doc) == []  # the result has a status
    doc = _remove(doc, (*RESULT, "status"))
    assert _paths(ob.validate(doc)) == ["$.credentialSubject.result[0].status"]


def test_result_description_link_is_optional(credential: dict[str, Any]) -> None:
    # OB 3.0 Result.resultDescription is 0..1 (common_credentials.lines, JSON Schema)
    assert ob.validate(_remove(credential, (*RESULT, "resultDescription"))) == []


def test_type_may_be_a_single_string(credential: dict[str, Any]) -> None:
    # OB 3.0 Serialization, compacted document form
    doc = _replace(credential, (*SUBJECT, "type"), "AchievementSubject")
    doc = _replace(doc, (*ACHIEVEMENT, "type"), "Achievement")
    doc = _replace(doc, ("issuer", "type"), "Profile")
    doc = _replace(doc, ("credentialSchema",), OB_SCHEMA)
    assert ob.validate(doc) == []


def test_extension_terms_are_accepted(credential: dict[str, Any]) -> None:
    doc = _replace(credential, (*ACHIEVEMENT, "achievementType"), "ext:Apprenticeship")
    doc = _replace(doc, (*RUBRIC, "resultType"), "ext:Stars")
    assert ob.validate(doc) == []


def test_issuer_may_be_a_url(credential: dict[str, Any]) -> None:
    assert ob.validate(_replace(credential, ("issuer",), "did:web:issuer.example")) == []


def test_odd_keys_are_quoted_in_paths(credential: dict[str, Any]) -> None:
    doc = _replace(credential, (*IDENTITY, "it's odd"), 1)
    assert _paths(ob.validate(doc)) == ["$.credentialSubject.identifier[0]['it\\'s odd']"]


# --------------------------------------------------------------------------------------------
# VC 1.1, endorsements, generic credentials
# --------------------------------------------------------------------------------------------


def _vc11(credential: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(credential)
    doc["@context"] = [
        ob.VC_V1_CONTEXT,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    ]
    doc["issuanceDate"] = doc.pop("validFrom")
    doc["expirationDate"] = doc.pop("validUntil")
    return doc


def test_vc11_shape_is_valid(credential: dict[str, Any]) -> None:
    assert ob.validate(_vc11(credential)) == []


def test_vc11_needs_issuance_date_and_name(credential: dict[str, Any]) -> None:
    doc = _vc11(credential)
    del doc["issuanceDate"]
    del doc["name"]
    assert _paths(ob.validate(doc)) == ["$.name", "$.issuanceDate"]


def test_vc11_expiration_not_before_issuance(credential: dict[str, Any]) -> None:
    doc = _vc11(credential)
    doc["expirationDate"] = "2001-01-01T00:00:00Z"
    assert _paths(ob.validate(doc)) == ["$.expirationDate"]


def test_vc2_forbids_the_vc11_dates(credential: dict[str, Any]) -> None:
    doc = dict(credential, issuanceDate="2025-01-31T12:00:00Z")
    assert _paths(ob.validate(doc)) == ["$.issuanceDate"]


def _endorsement() -> dict[str, Any]:
    return {
        "@context": [ob.VC_V2_CONTEXT, ob.OB_CONTEXT],
        "id": "urn:uuid:00000000-0000-4000-8000-0000000000e1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement of the Python testing achievement",
        "issuer": {"id": "https://endorser.example", "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://issuer.example/achievements/1",
            "type": ["EndorsementSubject"],
            "endorsementComment": "A sound programme.",
        },
    }


def test_endorsement_credential_basic_checks() -> None:
    assert ob.validate(_endorsement()) == []
    broken = _remove(_endorsement(), ("credentialSubject", "id"))
    broken = _remove(broken, ("name",))
    assert _paths(ob.validate(broken)) == ["$.name", "$.credentialSubject.id"]


def test_embedded_endorsements_are_validated(credential: dict[str, Any]) -> None:
    doc = _replace(credential, (*ACHIEVEMENT, "endorsement"), [_endorsement()])
    assert ob.validate(doc) == []
    doc = _remove(doc, (*ACHIEVEMENT, "endorsement", 0, "credentialSubject"))
    assert _paths(ob.validate(doc)) == [
        "$.credentialSubject.achievement.endorsement[0].credentialSubject"
    ]


def test_generic_vc() -> None:
    vc = {
        "@context": [ob.VC_V2_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": [{"id": "did:example:a"}, {"name": "no id"}],
    }
    assert ob.validate(vc) == []
    del vc["validFrom"]  # optional in VC 2.0 (required by OB 3.0 and CLR 2.0)
    assert ob.validate(vc) == []
    assert _paths(ob.validate(dict(vc, credentialSubject=[1]))) == ["$.credentialSubject[0]"]
    assert _paths(ob.validate(dict(vc, issuer={"name": "x"}))) == ["$.issuer.id"]


def test_kind_follows_type(credential: dict[str, Any]) -> None:
    # AchievementCredential is the other name of OpenBadgeCredential
    doc = _replace(credential, ("type",), ["VerifiableCredential", "AchievementCredential"])
    assert ob.validate(doc) == []
    doc = _remove(doc, (*ACHIEVEMENT, "name"))
    assert _paths(ob.validate(doc)) == ["$.credentialSubject.achievement.name"]


# --------------------------------------------------------------------------------------------
# CLR 2.0
# --------------------------------------------------------------------------------------------


def _clr(credentials: list[dict[str, Any]]) -> dict[str, Any]:
    return ob.clr_credential(
        issuer=_issuer(),
        subject_id="did:example:learner",
        credentials=credentials,
        valid_from="2025-02-01T00:00:00Z",
        name="Transcript",
        id="urn:uuid:00000000-0000-4000-8000-00000000c1c1",
        identifier=[ob.identity_object(value="learner@example.com", salt="x")],
        achievements=[_achievement(1), _achievement(2)],
        associations=[
            ob.association(
                association_type="isParentOf",
                source_id="https://issuer.example/achievements/1",
                target_id="https://issuer.example/achievements/2",
            )
        ],
        description="Two credentials",
        valid_until="2035-02-01T00:00:00Z",
    )


def _signed(number: int) -> dict[str, Any]:
    """A credential as a signer returns it: a proof, and keys in the signer's own order."""
    credential = _credential(number)
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-31T12:00:00Z",
        "verificationMethod": "did:key:z6Mk#z6Mk",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    return dict(reversed(list(credential.items())))


def test_clr_with_two_credentials() -> None:
    originals = [_signed(1), _signed(2)]
    texts = [json.dumps(c) for c in originals]
    clr = _clr(originals)
    assert ob.validate(clr) == []
    assert clr["@context"] == [ob.VC_V2_CONTEXT, ob.CLR_CONTEXT, ob.OB_CONTEXT]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    # embedded exactly as given: same keys, same order, same values
    assert [json.dumps(c) for c in subject["verifiableCredential"]] == texts
    assert subject["association"][0] == {
        "type": "Association",
        "associationType": "isParentOf",
        "sourceId": "https://issuer.example/achievements/1",
        "targetId": "https://issuer.example/achievements/2",
    }


def test_clr_problems_inside_an_embedded_credential() -> None:
    second = _remove(_signed(2), ("credentialSubject", "achievement", "name"))
    clr = _clr([_signed(1), second])
    assert _paths(ob.validate(clr)) == [
        "$.credentialSubject.verifiableCredential[1].credentialSubject.achievement.name"
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("@context", 1), ob.OB_CONTEXT, "$['@context'][1]"),
        (("@context",), [ob.VC_V2_CONTEXT, ob.CLR_CONTEXT], "$['@context']"),
        (("name",), None, "$.name"),
        (
            ("credentialSubject", "verifiableCredential"),
            [],
            "$.credentialSubject.verifiableCredential",
        ),
        (
            ("credentialSubject", "verifiableCredential"),
            None,
            "$.credentialSubject.verifiableCredential",
        ),
        (
            ("credentialSubject", "verifiableCredential", 0),
            "eyJ.x.y",
            "$.credentialSubject.verifiableCredential[0]",
        ),
        (
            ("credentialSubject", "association", 0, "associationType"),
            "isFriendOf",
            "$.credentialSubject.association[0].associationType",
        ),
        (
            ("credentialSubject", "association", 0, "targetId"),
            None,
            "$.credentialSubject.association[0].targetId",
        ),
        (
            ("credentialSubject", "association", 0, "type"),
            None,
            "$.credentialSubject.association[0].type",
        ),
        (
            ("credentialSubject", "achievement", 1, "criteria"),
            None,
            "$.credentialSubject.achievement[1].criteria",
        ),
        (("credentialSubject", "type"), ["AchievementSubject"], "$.credentialSubject.type"),
        (("partial",), "yes", "$.partial"),
    ],
)
def test_clr_structure_problems(path: Steps, value: Any, expected: str) -> None:
    clr = _clr([_signed(1), _signed(2)])
    doc = _remove(clr, path) if value is None else _replace(clr, path, value)
    assert expected in _paths(ob.validate(doc))


def test_clr_subject_needs_id_or_identifier() -> None:
    clr = _remove(
        _remove(_clr([_signed(1)]), ("credentialSubject", "id")),
        ("credentialSubject", "identifier"),
    )
    assert _paths(ob.validate(clr)) == ["$.credentialSubject"]


# 1EdTech, ob_v3p0/impl/linked-data-proof-clr (commit 55e7d08, "Updated test vectors"): the CLR
# 2.0 test credential ("Document before signing") and the SHA-256 of its RDFC-1.0 canonical form
# ("Document hash"), computed by 1EdTech with the published CLR 2.0.1 context.
CLR_VECTOR_HASH = "768d7015ae69e0210e1c2a45194d9c1d15d7a6022e52b946574a2a27f6fa85fe"
_ACH1 = "urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002"
_ACH2 = "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002"
_UNIVERSITY = {"id": "https://example.edu/issuers/565049", "type": "Profile"}


def _vector_achievement(id: str, name: str) -> dict[str, Any]:
    return {
        "id": id,
        "type": "Achievement",
        "creator": dict(_UNIVERSITY),
        "name": name,
        "criteria": {"id": f"https://example.edu/achievements/{id[9:]}/criteria"},
        "description": name,
        "image": {"id": "https://example.edu/achievements/sample.png", "type": "Image"},
    }


CLR_VECTOR: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ],
    "id": "http://example.edu/credentials/3732",
    "type": ["VerifiableCredential", "ClrCredential"],
    "issuer": {**_UNIVERSITY, "name": "Example University"},
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Sample Transcript",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": "ClrSubject",
        "verifiableCredential": [
            {
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
                ],
                "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
                "type": ["VerifiableCredential", "AchievementCredential"],
                "issuer": {**_UNIVERSITY, "name": "Example University"},
                "validFrom": "2010-01-01T00:00:00Z",
                "name": "Example University Degree",
                "credentialSubject": {
                    "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                    "type": "AchievementSubject",
                    "achievement": _vector_achievement(_ACH1, "Achievement 1"),
                },
                "credentialSchema": [OB_SCHEMA],
                "proof": [
                    {
                        "type": "DataIntegrityProof",
                        "created": "2010-01-01T19:23:24Z",
                        "verificationMethod": "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                        "cryptosuite": "eddsa-rdfc-2022",
                        "proofPurpose": "assertionMethod",
                        "proofValue": "z45QnLySMt2mWuW787G6cf3SLkP97ZkMZxLeXH5yaaTQPCtTup4"
                        "GCV95tU8HEnQJSyGCokSj3AvUhmJtvveTmN4Vu",
                    }
                ],
            }
        ],
        "achievement": [
            _vector_achievement(_ACH1, "Achievement 1"),
            _vector_achievement(_ACH2, "Achievement 2"),
        ],
        "association": [
            {
                "type": "Association",
                "associationType": "isParentOf",
                "sourceId": _ACH1,
                "targetId": _ACH2,
            }
        ],
    },
    "credentialSchema": [
        {
            "id": "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ],
}


def test_1edtech_clr_example_validates_clean() -> None:
    assert ob.validate(CLR_VECTOR) == []


def test_bundled_clr_context_reproduces_the_1edtech_vector() -> None:
    canonical = jsonld.normalize(
        copy.deepcopy(CLR_VECTOR),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader},
    )
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == CLR_VECTOR_HASH


def test_clr_context_manifest_entry() -> None:
    manifest = json.loads((CONTEXTS / "manifest.json").read_text("utf-8"))
    [entry] = [e for e in manifest["contexts"] if e["url"] == ob.CLR_CONTEXT]
    data = (CONTEXTS / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert entry["licence"] == "Apache-2.0"
    assert "digital-credentials-public-validator@" in entry["source"]
    assert set(json.loads(data)["@context"]) >= {"ClrCredential", "ClrSubject", "Association"}


# --------------------------------------------------------------------------------------------
# JSON-LD: every term the builders write is defined by the bundled contexts
# --------------------------------------------------------------------------------------------

_SENTINEL = "urn:microcred:test:undefined#"
_ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)


def _leaves(node: Any, skip: set[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for key, value in _walk(node):
        if key in skip or isinstance(value, (dict, list)):
            continue
        found[json.dumps(value)] += 1
    if not isinstance(node, (dict, list)):
        found[json.dumps(node)] += 1
    return found


def _undefined_after_expansion(document: dict[str, Any]) -> tuple[list[str], Counter[str]]:
    """Check a document against the bundled contexts (pyld 3.3 has no safe mode).

    Returns the IRIs of terms no context defines (found by expanding with a sentinel ``@vocab``
    last, so such a term lands under the sentinel or the VC 2.0 issuer-dependent vocabulary
    instead of vanishing), and the scalar values that the plain expansion drops.
    """
    probe = dict(document)
    probe["@context"] = [*document["@context"], {"@vocab": _SENTINEL}]
    expanded = jsonld.expand(probe, {"documentLoader": _loader})
    undefined = sorted(
        {
            iri
            for key, value in _walk(expanded)
            for iri in ([key] + (value if key == "@type" and isinstance(value, list) else []))
            if isinstance(iri, str) and iri.startswith((_SENTINEL, _ISSUER_DEPENDENT))
        }
    )
    plain = jsonld.expand(copy.deepcopy(document), {"documentLoader": _loader})
    compact = {k: v for k, v in document.items() if k != "@context"}
    # type and proofPurpose values are vocabulary terms: expansion turns them into IRIs
    lost = _leaves(compact, {"type", "proofPurpose", "@context"}) - _leaves(plain, {"@type"})
    return undefined, lost


def test_open_badge_credential_expands_without_dropping_terms(credential: dict[str, Any]) -> None:
    undefined, lost = _undefined_after_expansion(credential)
    assert undefined == []
    assert lost == Counter()


def test_expansion_check_catches_an_undefined_term(credential: dict[str, Any]) -> None:
    # the 1EdTech schema validator type is defined in extensions.json only
    doc = dict(credential, **{"@context": [ob.VC_V2_CONTEXT, ob.OB_CONTEXT], "madeUp": "x"})
    undefined, _ = _undefined_after_expansion(doc)
    assert undefined == [_SENTINEL + "1EdTechJsonSchemaValidator2019", _SENTINEL + "madeUp"]


def test_expansion_check_catches_a_dropped_term() -> None:
    # the VC 1.1 context has no @vocab: an undefined term is silently dropped by expansion
    doc = {"@context": [ob.VC_V1_CONTEXT], "type": "VerifiableCredential", "madeUp": "kept?"}
    undefined, lost = _undefined_after_expansion(doc)
    assert undefined == [_SENTINEL + "madeUp"]
    assert lost == Counter({'"kept?"': 1})


def test_clr_credential_expands_without_dropping_terms() -> None:
    undefined, lost = _undefined_after_expansion(_clr([_signed(1), _signed(2)]))
    assert undefined == []
    assert lost == Counter()


# --------------------------------------------------------------------------------------------
# Robustness: any JSON-like input gives problems, never an exception
# --------------------------------------------------------------------------------------------

_KEYS = [
    "@context", "id", "type", "name", "issuer", "validFrom", "validUntil", "issuanceDate",
    "credentialSubject", "achievement", "identifier", "result", "resultDescription",
    "rubricCriterionLevel", "criteria", "alignment", "evidence", "credentialStatus", "image",
    "endorsement", "parentOrg", "verifiableCredential", "association", "hashed", "identityHash",
]  # fmt: skip
_TYPES = [
    "VerifiableCredential", "OpenBadgeCredential", "ClrCredential", "EndorsementCredential",
    "AchievementSubject", "ClrSubject", "Profile", "Image", "IdentityObject", "Achievement",
]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from([ob.VC_V2_CONTEXT, ob.VC_V1_CONTEXT, ob.OB_CONTEXT, ob.CLR_CONTEXT])
    | st.sampled_from(_TYPES)
    | st.just("2025-01-31T12:00:00Z"),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_validate_never_raises_on_arbitrary_json(value: Any) -> None:
    problems = ob.validate(value)
    assert all(isinstance(p, ob.Problem) and p.path.startswith("$") for p in problems)
    try:
        ob.validate_or_raise(value)
    except SchemaError as error:
        assert error.details["problems"]
    else:
        assert problems == []


def _all_paths(node: Any, prefix: Steps = ()) -> list[Steps]:
    children: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    found: list[Steps] = []
    for key, value in children:
        found.append((*prefix, key))
        found.extend(_all_paths(value, (*prefix, key)))
    return found


_FULL = _clr([_signed(1), _signed(2)])
_FULL_PATHS = _all_paths(_FULL)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_FULL_PATHS), json_values)
def test_validate_never_raises_on_damaged_credentials(path: Steps, value: Any) -> None:
    problems = ob.validate(_replace(_FULL, path, value))
    assert all(isinstance(p, ob.Problem) for p in problems)


def test_deep_nesting_is_cut_off_not_a_recursion_error(credential: dict[str, Any]) -> None:
    profile: dict[str, Any] = {"id": "https://org.example/0", "type": ["Profile"]}
    for level in range(1, 5000):
        profile = {"id": f"https://org.example/{level}", "type": ["Profile"], "parentOrg": profile}
    doc = _replace(credential, ("issuer",), profile)
    problems = ob.validate(doc)
    assert [p.message for p in problems] == ["profiles are nested too deeply to validate"]

    endorsement = _endorsement()
    for _ in range(2000):
        outer = _endorsement()
        outer["issuer"]["endorsement"] = [endorsement]
        endorsement = outer
    problems = ob.validate(endorsement)
    assert problems and all("nested too deeply" in p.message for p in problems)


@pytest.mark.parametrize("value", [None, 1, "x", [], [{}], b"{}"])
def test_non_object_documents(value: Any) -> None:
    assert _paths(ob.validate(value)) == ["$"]
