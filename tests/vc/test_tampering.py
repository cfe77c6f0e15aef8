"""Property: any change to a signed credential (a value changed, a field added or removed,
anywhere, the proof included) makes verification fail at the ``proof`` check."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.verifier import verify_report
from tests.profiles import examples

KEY = Ed25519Multikey.generate(b"\x07" * 32)


def _badge() -> dict[str, Any]:
    from .conftest import badge as badge_fixture

    credential = badge_fixture.__wrapped__(KEY)  # the same badge the other tests use
    credential["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:7c4b7d1e-2f10-4c0e-9d8a-1b2c3d4e5f60",
            "type": ["ResultDescription"],
            "name": "Evidence of checking for understanding",
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {
                    "id": "urn:uuid:3d9a1c55-8e0b-4a53-b6f1-0a1b2c3d4e5f",
                    "type": ["RubricCriterionLevel"],
                    "name": "Pass",
                }
            ],
        }
    ]
    credential["credentialSubject"]["result"] = [
        {
            "type": ["Result"],
            "resultDescription": "urn:uuid:7c4b7d1e-2f10-4c0e-9d8a-1b2c3d4e5f60",
            "achievedLevel": "urn:uuid:3d9a1c55-8e0b-4a53-b6f1-0a1b2c3d4e5f",
        }
    ]
    credential["evidence"] = [
        {
            "id": "https://microcred.example/evidence/991",
            "type": ["Evidence"],
            "name": "Lesson plan",
        }
    ]
    return credential


SIGNED = sign(_badge(), key=KEY, created="2026-01-15T09:31:00Z")
assert verify_report(SIGNED).verdict == "passed"


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SIGNED)


def _at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


DICT_PATHS = [()] + [p for p in PATHS if isinstance(_at(SIGNED, p), dict)]
NEW_KEYS = ["description", "name", "narrative", "genre", "inLanguage", "unknownExtra"]
values = st.one_of(
    st.text(min_size=1, max_size=12),
    st.integers(-5, 10**6),
    st.booleans(),
    st.sampled_from(["urn:uuid:00000000-0000-4000-8000-000000000000", "https://evil.example/x"]),
)


def _outcome(document: dict[str, Any]) -> tuple[str, str]:
    report = verify_report(json.loads(json.dumps(document)))
    proof = report.check("proof")
    return (proof.outcome if proof else "absent"), report.verdict


def _assert_refused(document: dict[str, Any], path: tuple) -> None:
    proof, verdict = _outcome(document)
    assert verdict != "passed", path
    if "verificationMethod" in path:
        # a key we cannot find is "could not be checked", never valid
        assert proof in {"failed", "unknown"}, path
    else:
        assert proof == "failed", path


SETTINGS = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(path=st.sampled_from(PATHS), value=values)
def test_changing_any_value_breaks_the_proof(path, value):
    original = _at(SIGNED, path)
    if isinstance(original, (dict, list)) or value == original or str(value) == str(original):
        value = f"{original!s}-changed" if not isinstance(original, (dict, list)) else value
    tampered = copy.deepcopy(SIGNED)
    *parent, last = path
    _at(tampered, tuple(parent))[last] = value
    _assert_refused(tampered, path)


@SETTINGS
@given(path=st.sampled_from(PATHS))
def test_removing_any_field_breaks_the_proof(path):
    tampered = copy.deepcopy(SIGNED)
    *parent, last = path
    del _at(tampered, tuple(parent))[last]
    _assert_refused(tampered, path)


@SETTINGS
@given(
    path=st.sampled_from(DICT_PATHS),
    key=st.sampled_from(NEW_KEYS),
    value=st.text(min_size=1, max_size=20),
)
def test_adding_any_field_breaks_the_proof(path, key, value):
    target = _at(SIGNED, path)
    if key in target:
        key = "unknownExtra"
    tampered = copy.deepcopy(SIGNED)
    _at(tampered, path)[key] = value
    _assert_refused(tampered, (*path, key))
