"""Throughput of signing and verifying, for ``microcred vc bench`` and ``make bench``.

The sample credentials are built with :mod:`microcred.vc.openbadges` from fixed inputs (a fixed
seed, fixed ids and dates), so every run measures the same bytes. Rates are operations per
second of CPU time on one core, each the best of several timed rounds (five by default, nine in
``make bench``: the least disturbed by the rest of the machine), with the rounds of all figures
interleaved so that the ratios between them are measured under the same conditions.
``reference_*`` rates run the same operation through pyld (the reference JSON-LD path), and
``ed25519_verify_per_s`` is the raw rate of ``cryptography``'s Ed25519 verify of a 64-byte
message in the same run: the ceiling no cryptosuite can pass.

Suites microcred verifies but never signs with (ecdsa-rdfc-2019, ecdsa-jcs-2019,
Ed25519Signature2020, Ed25519Signature2018, a VC-JWT by a did:jwk key; issue 24) come in as
:class:`VerifyOnly` cases, signed by the caller: ``make bench`` signs them with the test suite's
spec-written signers, since the library has no signer for them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import jsonld, native
from . import openbadges as ob
from ._internal import fastld
from .data_integrity import sign, verify_proofs
from .did import Resolver
from .jose import sign_jwt, verify_jwt
from .keys import Ed25519Multikey

__all__ = [
    "CASES",
    "VerifyOnly",
    "bench_key",
    "clr",
    "large_credential",
    "measure_together",
    "profile_verify",
    "run",
    "sample_credential",
]

_SEED = bytes(range(32))
_CREATED = "2026-01-15T09:30:00Z"


def bench_key() -> Ed25519Multikey:
    return Ed25519Multikey.generate(_SEED)


def _issuer(key: Ed25519Multikey) -> dict[str, Any]:
    return ob.profile(
        id=key.did,
        name="Riverside Unified School District",
        url="https://riverside.example/",
        description="Professional learning for the district's teachers.",
    )


def sample_credential(key: Ed25519Multikey | None = None, *, number: int = 1) -> dict[str, Any]:
    """The ~2 KB sample OpenBadgeCredential (issue 7): one achievement, no evidence."""
    key = key or bench_key()
    achievement = ob.achievement(
        id=f"https://microcred.example/achievements/formative-assessment/{number}",
        name="Formative Assessment: Checking for Understanding",
        description="The educator checks students' understanding during a lesson and adjusts "
        "instruction in response.",
        criteria_narrative="Submit a lesson plan, two samples of student work and a reflection; "
        "every rubric criterion must be scored Pass.",
        image="https://microcred.example/achievements/formative-assessment/badge.png",
        tags=["assessment", "pedagogy"],
        in_language="en",
        credits_available=1.5,
        alignments=[
            ob.alignment(
                target_name="Assessment for learning",
                target_url="https://standards.example/teaching/4.2",
                target_framework="Teaching Standards",
                target_code="4.2",
            )
        ],
    )
    return ob.open_badge_credential(
        id=f"urn:uuid:5e1a7b3c-9d2f-4c61-8a0b-{number:012d}",
        issuer=_issuer(key),
        achievement=achievement,
        subject=ob.achievement_subject(
            achievement=achievement,
            id="did:example:learner-42",
            identifier=[
                ob.identity_object(value="learner42@riverside.example", salt="f3a1c2d4e5b6a7c8")
            ],
        ),
        valid_from="2026-01-15T09:30:00Z",
        valid_until="2031-01-15T09:30:00Z",
        awarded_date="2026-01-15T09:30:00Z",
    )


def large_credential(key: Ed25519Multikey | None = None) -> dict[str, Any]:
    """A ~10 KB credential: a rubric of criteria, a result per criterion and evidence."""
    key = key or bench_key()
    base = "https://microcred.example/achievements/observation"
    levels = [("fail", "Not yet"), ("pass", "Pass"), ("distinction", "Distinction")]
    descriptions = [
        ob.result_description(
            id=f"{base}/criteria/{n}",
            name=f"Criterion {n}: evidence of practice in the classroom",
            levels=[
                ob.rubric_criterion_level(
                    id=f"{base}/criteria/{n}/{level}",
                    name=label,
                    description=f"{label}: the observed lesson shows criterion {n}.",
                    points=str(points),
                )
                for points, (level, label) in enumerate(levels)
            ],
            required_level=f"{base}/criteria/{n}/pass",
        )
        for n in range(1, 7)
    ]
    achievement = ob.achievement(
        id=base,
        name="Classroom Observation",
        description="Observed teaching that meets the district's six criteria of practice.",
        criteria_narrative="An assessor observes a full lesson and scores each criterion.",
        result_descriptions=descriptions,
        alignments=[
            ob.alignment(
                target_name=f"Standard {n}",
                target_url=f"https://standards.example/teaching/{n}",
                target_framework="Teaching Standards",
                target_code=str(n),
            )
            for n in range(1, 4)
        ],
        tags=["observation", "practice", "rubric"],
        in_language="en",
    )
    results = [
        ob.result(
            result_description=f"{base}/criteria/{n}",
            achieved_level=f"{base}/criteria/{n}/pass",
            status="Completed",
        )
        for n in range(1, 7)
    ]
    evidence = [
        ob.evidence(
            id=f"https://microcred.example/evidence/{n}",
            name=f"Evidence {n}",
            narrative=f"Lesson plan and assessor's notes, part {n}, with student work samples.",
            description="Uploaded by the learner and reviewed by the assessor.",
            genre="Lesson plan",
            audience="Assessors",
        )
        for n in range(1, 6)
    ]
    return ob.open_badge_credential(
        id="urn:uuid:9b2f64a1-3c5d-4e7f-8a9b-0c1d2e3f4a5b",
        issuer=_issuer(key),
        achievement=achievement,
        subject=ob.achievement_subject(
            achievement=achievement, id="did:example:learner-42", results=results
        ),
        valid_from="2026-01-15T09:30:00Z",
        evidence=evidence,
    )


def clr(key: Ed25519Multikey | None = None, *, count: int = 20) -> dict[str, Any]:
    """A CLR 2.0 credential carrying ``count`` signed OpenBadgeCredentials."""
    key = key or bench_key()
    embedded = [
        sign(sample_credential(key, number=n), key=key, created=_CREATED)
        for n in range(1, count + 1)
    ]
    return ob.clr_credential(
        id="urn:uuid:0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f",
        issuer=_issuer(key),
        subject_id="did:example:learner-42",
        credentials=embedded,
        valid_from="2026-01-15T09:30:00Z",
        name="Professional learning record",
    )


def measure_together(
    operations: Mapping[str, tuple[Callable[[], object], int]], *, rounds: int = 5
) -> dict[str, float]:
    """Operations per second of CPU time on one core, for each operation: the best of
    ``rounds`` runs of ``n`` calls.

    CPU time of the measuring thread (``time.thread_time``), not wall time: on a machine shared
    with other work, wall time measures the scheduler as much as the code. Each round times
    every operation once (``n`` calls each), so a spell of interference from the rest of the
    machine falls on all of them alike and the ratios between them hold.
    """
    best = dict.fromkeys(operations, float("inf"))
    for _ in range(rounds):
        for name, (operation, n) in operations.items():
            start = time.thread_time()
            for _ in range(n):
                operation()
            best[name] = min(best[name], (time.thread_time() - start) / n)
    return {name: 1 / seconds if seconds > 0 else float("inf") for name, seconds in best.items()}


@contextmanager
def _reference_path() -> Iterator[None]:
    previous = jsonld.use_reference(True)
    try:
        yield
    finally:
        jsonld.use_reference(previous)


def _checked(results: list[Any]) -> None:
    if not all(result.verified for result in results):
        raise AssertionError("a benchmark credential did not verify")


#: name -> (description, cryptosuite); the documents come from :func:`_documents`.
CASES: Mapping[str, tuple[str, str]] = {
    "ob-2kb": ("~2 KB OpenBadgeCredential, eddsa-rdfc-2022", "eddsa-rdfc-2022"),
    "ob-10kb": ("~10 KB credential with evidence and results, eddsa-rdfc-2022", "eddsa-rdfc-2022"),
    "clr-20": ("CLR with 20 signed credentials, eddsa-rdfc-2022", "eddsa-rdfc-2022"),
    "ob-2kb-jcs": ("~2 KB OpenBadgeCredential, eddsa-jcs-2022", "eddsa-jcs-2022"),
    "ob-2kb-jwt": ("~2 KB OpenBadgeCredential, VC-JOSE JWT EdDSA", "jwt-eddsa"),
}


@dataclass(frozen=True)
class VerifyOnly:
    """A case measured for verification only: ``signed`` is a credential secured with a
    suite microcred verifies but does not sign with (a document with its proof, or a compact
    JWS), made by the caller; it must verify, or :func:`run` refuses to time it."""

    description: str
    cryptosuite: str
    signed: Mapping[str, Any] | str


def _documents(key: Ed25519Multikey) -> dict[str, dict[str, Any]]:
    sample = sample_credential(key)
    return {
        "ob-2kb": sample,
        "ob-10kb": large_credential(key),
        "clr-20": clr(key),
        "ob-2kb-jcs": sample,
        "ob-2kb-jwt": sample,
    }


def _ed25519_verify(key: Ed25519Multikey) -> Callable[[], object]:
    """``cryptography``'s own Ed25519 verify of a 64-byte message (what ``hashData`` is)."""
    message = bytes(64)
    signature = key.sign(message)
    public = Ed25519PublicKey.from_public_bytes(key.public_bytes)
    return lambda: public.verify(signature, message)


def _verify_only(signed: Mapping[str, Any] | str, resolver: Resolver) -> Callable[[], object]:
    """One verification of ``signed`` (every proof, or the JWS), checked once before timing."""
    if isinstance(signed, str):
        verify_jwt(signed, resolver=resolver)  # raises when it does not verify
        return lambda: verify_jwt(signed, resolver=resolver)
    _checked(verify_proofs(signed, resolver=resolver))
    return lambda: verify_proofs(signed, resolver=resolver)


def _on_reference_path(operation: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with _reference_path():
            return operation()

    return run


def run(
    n: int = 200,
    *,
    cases: tuple[str, ...] | None = None,
    reference: bool = True,
    rounds: int = 5,
    verify_only: Mapping[str, VerifyOnly] | None = None,
) -> dict[str, Any]:
    """Measure every case; the top-level keys describe the ~2 KB sample (issue 7's figures).

    ``n`` is the number of operations per timed round; the reference (pyld) path and CLR
    verification run a tenth as many (at least 3), since each takes far longer. Every figure's
    rounds are interleaved with every other's (:func:`measure_together`), the ``verify_only``
    cases' too (their entries have ``verify_per_s`` and no signing rate).
    """
    key = bench_key()
    resolver = Resolver()
    documents = _documents(key)
    fastld.STATS.reset()
    operations: dict[str, tuple[Callable[[], object], int]] = {
        "ed25519_verify": (_ed25519_verify(key), max(n, 1000))
    }
    slow_n = max(3, n // 10)
    entries: dict[str, dict[str, Any]] = {}
    for name in cases or tuple(CASES):
        description, suite = CASES[name]
        document = documents[name]
        case_n = slow_n if name == "clr-20" else n
        entry: dict[str, Any] = {"description": description, "cryptosuite": suite}
        entry["bytes"] = len(_json_bytes(document))
        entries[name] = entry
        if suite == "jwt-eddsa":
            token = sign_jwt(document, key=key)

            def jwt_sign(d: dict[str, Any] = document) -> object:
                return sign_jwt(d, key=key)

            def jwt_verify(t: str = token) -> object:
                return verify_jwt(t, resolver=resolver)

            operations[f"{name}/sign"] = (jwt_sign, case_n)
            operations[f"{name}/verify"] = (jwt_verify, case_n)
            continue
        signed = sign(document, key=key, cryptosuite=suite, created=_CREATED)
        _checked(verify_proofs(signed, resolver=resolver))

        def do_sign(d: dict[str, Any] = document, s: str = suite) -> object:
            return sign(d, key=key, cryptosuite=s, created=_CREATED)

        def do_verify(d: dict[str, Any] = signed) -> object:
            return verify_proofs(d, resolver=resolver)

        operations[f"{name}/sign"] = (do_sign, case_n)
        operations[f"{name}/verify"] = (do_verify, case_n)
        if reference and suite == "eddsa-rdfc-2022":
            with _reference_path():
                _checked(verify_proofs(signed, resolver=resolver))
            ref_n = max(3, case_n // 10)
            operations[f"{name}/reference_sign"] = (_on_reference_path(do_sign), ref_n)
            operations[f"{name}/reference_verify"] = (_on_reference_path(do_verify), ref_n)
    for name, case in (verify_only or {}).items():
        if name in entries:
            raise ValueError(f"the verify-only case {name!r} has the name of a signed case")
        entries[name] = {
            "description": case.description,
            "cryptosuite": case.cryptosuite,
            "bytes": len(
                case.signed.encode("utf-8")
                if isinstance(case.signed, str)
                else _json_bytes(case.signed)
            ),
        }
        operations[f"{name}/verify"] = (_verify_only(case.signed, resolver), n)
    rates = measure_together(operations, rounds=rounds)
    ed25519 = rates["ed25519_verify"]
    out: dict[str, Any] = {
        "n": n,
        "rounds": rounds,
        "ed25519_verify_per_s": ed25519,
        "cases": entries,
    }
    for name, entry in entries.items():
        for field in ("sign", "verify", "reference_sign", "reference_verify"):
            if f"{name}/{field}" in rates:
                entry[f"{field}_per_s"] = rates[f"{name}/{field}"]
        entry["verify_vs_ed25519"] = entry["verify_per_s"] / ed25519
        if "reference_verify_per_s" in entry:
            entry["verify_vs_reference"] = entry["verify_per_s"] / entry["reference_verify_per_s"]
            entry["sign_vs_reference"] = entry["sign_per_s"] / entry["reference_sign_per_s"]
    main = entries.get("ob-2kb")
    if main is not None:
        for field in (
            "sign_per_s",
            "verify_per_s",
            "reference_sign_per_s",
            "reference_verify_per_s",
        ):
            if field in main:
                out[field] = main[field]
    out["native"] = native.status().as_dict()
    out["fastld"] = fastld.STATS.as_dict()
    out["fallbacks"] = out["fastld"]["fallbacks"]
    return out


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def profile_verify(n: int = 2000, *, reference: bool = False) -> str:
    """A pyinstrument profile of ``n`` verifications of the signed ~2 KB sample, as text.

    pyinstrument is a test extra (``pip install -e '.[test]'``); docs/performance.md quotes
    these profiles.
    """
    # local: optional dependency (a test extra), needed only by --profile
    from pyinstrument import Profiler

    key = bench_key()
    resolver = Resolver()
    signed = sign(sample_credential(key), key=key, created=_CREATED)
    with _reference_path() if reference else _no_change():
        for _ in range(max(1, n // 20)):
            verify_proofs(signed, resolver=resolver)
        profiler = Profiler(interval=0.0001)
        profiler.start()
        for _ in range(n):
            verify_proofs(signed, resolver=resolver)
        profiler.stop()
    text: str = profiler.output_text(unicode=False, color=False)
    return text


@contextmanager
def _no_change() -> Iterator[None]:
    yield
