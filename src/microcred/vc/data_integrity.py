"""Data Integrity proofs with the EdDSA cryptosuites ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``.

The algorithms follow W3C "Data Integrity EdDSA Cryptosuites v1.0" sections 3.2 (rdfc) and 3.3
(jcs), with proof sets and proof chains from "Verifiable Credential Data Integrity 1.0" section 2.1:

1. the *unsecured document* is the document without ``proof`` (for a chained proof, with the
   proofs its ``previousProof`` names);
2. the *proof configuration* is the proof without ``proofValue``, with the document's
   ``@context``;
3. both are canonicalized (RDFC-1.0 or JCS) and hashed with SHA-256;
4. ``hashData`` = hash(proof configuration) ‖ hash(document) is signed with Ed25519, and
   ``proofValue`` = ``z`` + base58btc(signature).

A proof for a presentation (``proofPurpose: authentication``) usually carries a ``challenge``
and a ``domain`` (Data Integrity 1.0, section 2.1): they are proof options, so they are part of
the proof configuration and covered by the signature; a verifier that expects them refuses a
proof without them or with other values (section 4.3, INVALID_CHALLENGE_ERROR /
INVALID_DOMAIN_ERROR).

Verification also accepts what others issue (issue 24): ``ecdsa-rdfc-2019`` and
``ecdsa-jcs-2019`` (:mod:`._internal.vc_di_ecdsa`) and the older ``Ed25519Signature2020`` and
``Ed25519Signature2018`` proofs (:mod:`._internal.ld_signatures`); :data:`VERIFIABLE` lists
every proof type and cryptosuite :func:`verify` accepts. Signing stays EdDSA.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import rfc8785

from ._internal import ld_signatures, vc_di_ecdsa
from ._internal.proof_values import method_key, proof_value_signature
from .did import Resolver, VerificationMethod
from .documentloader import DocumentLoader
from .errors import InputError, ProofError, VCError
from .jsonld import canonicalize
from .keys import Ed25519Multikey, Ed25519PublicMultikey, PublicKey
from .multibase import encode_base58btc

__all__ = [
    "CRYPTOSUITES",
    "HashedInput",
    "VERIFIABLE",
    "ProofResult",
    "check_challenge_and_domain",
    "create_proof",
    "hash_input",
    "sign",
    "verify_proofs",
    "verify",
    "with_proof_context",
]

CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
#: ``eddsa-2022``: the name ``eddsa-rdfc-2022`` had in the vc-di-eddsa drafts of 2022-2023 (the
#: same RDFC-1.0, SHA-256 and Ed25519 steps), still on credentials issued then, among them
#: 1EdTech's OB 3.0 samples. Verified as ``eddsa-rdfc-2022``; never signed.
DRAFT_NAMES = {"eddsa-2022": "eddsa-rdfc-2022"}
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
#: Every proof :func:`verify` accepts: a DataIntegrityProof with one of these cryptosuites, or
#: one of the older proof types (which name no cryptosuite).
VERIFIABLE = {
    "DataIntegrityProof": (*CRYPTOSUITES, *DRAFT_NAMES, *vc_di_ecdsa.CRYPTOSUITES),
    **{name: () for name in ld_signatures.PROOF_TYPES},
}
#: Selective-disclosure cryptosuites: their proofs hold a derived proof, not a signature.
_SELECTIVE = ("ecdsa-sd-2023", "bbs-2023")
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class HashedInput:
    """Every intermediate of the hashing step, as the W3C test vectors publish them."""

    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_config_hash: bytes

    @property
    def hash_data(self) -> bytes:
        return self.proof_config_hash + self.document_hash


@dataclass(frozen=True)
class ProofResult:
    proof: Mapping[str, Any]
    verified: bool
    verification_method: VerificationMethod | None
    error: VCError | None

    @property
    def message(self) -> str:
        if self.verified:
            return "The signature is valid."
        return self.error.message if self.error else "The signature is not valid."


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _canonical(document: Mapping[str, Any], cryptosuite: str, loader: DocumentLoader | None) -> str:
    cryptosuite = DRAFT_NAMES.get(cryptosuite, cryptosuite)
    if cryptosuite == "eddsa-rdfc-2022":
        return canonicalize(document, loader=loader)
    if cryptosuite == "eddsa-jcs-2022":
        try:
            return rfc8785.dumps(document).decode("utf-8")
        except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
            raise InputError(f"cannot canonicalize with JCS: {exc}", code="jcs_error") from None
    raise ProofError(
        f"unsupported cryptosuite '{cryptosuite}'; microcred accepts " + ", ".join(CRYPTOSUITES),
        code="unsupported_cryptosuite",
    )


def hash_input(
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
) -> HashedInput:
    """Transformation, proof configuration and hashing (vc-di-eddsa 3.2.4-3.2.6, 3.3.4-3.3.6)."""
    cryptosuite = str(proof_options.get("cryptosuite"))
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    canonical_document = _canonical(unsecured, cryptosuite, loader)
    canonical_config = _canonical(config, cryptosuite, loader)
    return HashedInput(
        canonical_document,
        canonical_config,
        hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        hashlib.sha256(canonical_config.encode("utf-8")).digest(),
    )


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    proof = document.get("proof")
    if proof is None:
        return []
    items = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(item, Mapping) for item in items):
        raise ProofError("'proof' must be an object or a list of objects", code="malformed_proof")
    return items


def _unsecured(
    document: Mapping[str, Any], proof: Mapping[str, Any], all_proofs: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The document a proof signs: no proofs, or the ones its ``previousProof`` names."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = proof.get("previousProof")
    if previous is not None:
        wanted = [previous] if isinstance(previous, str) else previous
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            raise ProofError("'previousProof' must be a string or strings", code="malformed_proof")
        matching = [p for p in all_proofs if p.get("id") in wanted]
        if len(matching) != len(wanted):
            raise ProofError(
                "a proof names a previous proof that the document does not contain",
                code="missing_previous_proof",
            )
        unsecured["proof"] = matching
    return unsecured


Domain = str | Sequence[str]


def _domains(value: Any, *, what: str) -> list[str]:
    """A ``domain`` as a list: one string or a non-empty list of strings (DI 1.0, 2.1)."""
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list | tuple)
        or not items
        or not all(isinstance(item, str) and item for item in items)
    ):
        raise InputError(
            f"{what} must be a non-empty string or a list of non-empty strings",
            code="invalid_domain_option",
        )
    return list(items)


def check_challenge_and_domain(
    proof: Mapping[str, Any],
    *,
    expected_challenge: str | None = None,
    expected_domain: Domain | None = None,
) -> None:
    """Raise :class:`ProofError` unless ``proof`` carries what the verifier expects.

    Data Integrity 1.0, section 4.3 (Verify Proof): a ``challenge`` the verifier set must equal
    the proof's exactly; a ``domain`` it set must be one of the proof's domains (a domain is a
    string or a set of strings). With neither expected, nothing is checked: the values are
    still covered by the signature.
    """
    if expected_challenge is not None:
        challenge = proof.get("challenge")
        if challenge is None:
            raise ProofError(
                f"the proof has no challenge; the verifier expected '{expected_challenge}'",
                code="missing_challenge",
                expected=expected_challenge,
            )
        if challenge != expected_challenge:
            raise ProofError(
                f"the proof's challenge is not the one the verifier expected "
                f"('{expected_challenge}')",
                code="invalid_challenge",
                expected=expected_challenge,
            )
    if expected_domain is not None:
        wanted = _domains(expected_domain, what="the expected domain")
        domain = proof.get("domain")
        if domain is None:
            raise ProofError(
                f"the proof has no domain; the verifier expected '{', '.join(wanted)}'",
                code="missing_domain",
                expected=wanted,
            )
        try:
            present = _domains(domain, what="the proof's domain")
        except InputError as exc:
            raise ProofError(exc.message, code="malformed_proof") from None
        if not set(wanted) & set(present):
            raise ProofError(
                f"the proof's domain is not the one the verifier expected "
                f"('{', '.join(wanted)}')",
                code="invalid_domain",
                expected=wanted,
            )


def create_proof(
    document: Mapping[str, Any],
    *,
    key: Ed25519Multikey,
    cryptosuite: str = "eddsa-rdfc-2022",
    verification_method: str | None = None,
    created: str | None = None,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A ``DataIntegrityProof`` for ``document`` (which keeps any proofs it already has).

    ``challenge`` and ``domain`` go into the proof options (DI 1.0, 2.1), so the signature
    covers them; a presentation proof (``proof_purpose="authentication"``) should carry both.
    """
    if challenge is not None and (not isinstance(challenge, str) or not challenge):
        raise InputError(
            "the challenge must be a non-empty string", code="invalid_challenge_option"
        )
    if domain is not None:
        listed = _domains(domain, what="the domain")
        domain = domain if isinstance(domain, str) else listed
    if cryptosuite not in CRYPTOSUITES:
        _canonical({}, cryptosuite, loader)  # raises the unsupported-cryptosuite error
    if not isinstance(document, Mapping):
        raise InputError("the document to sign must be a JSON object", code="not_an_object")
    created = created or _now()
    if not _DATETIME.match(created):
        raise InputError(
            f"created '{created}' is not an XML Schema dateTime with a time zone",
            code="invalid_datetime",
        )
    options: dict[str, Any] = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite}
    if proof_id:
        options["id"] = proof_id
    options.update(
        created=created,
        verificationMethod=verification_method or key.verification_method,
        proofPurpose=proof_purpose,
    )
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    unsecured = _unsecured(document, options, _proofs(document))
    hashed = hash_input(unsecured, options, loader=loader)
    proof = {**options, "proofValue": encode_base58btc(key.sign(hashed.hash_data))}
    if cryptosuite == "eddsa-jcs-2022" and "@context" in document:
        # vc-di-eddsa 3.3.2 step 2: a JCS proof carries the document's context, since no
        # JSON-LD processing binds the proof's terms to it otherwise.
        proof["@context"] = document["@context"]
    return proof


def with_proof_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with the Data Integrity context added when its contexts lack the proof terms.

    VC 2.0's context defines ``DataIntegrityProof``; VC 1.1's does not, so a VC 1.1 document
    gets ``https://w3id.org/security/data-integrity/v2`` appended (as the reference JavaScript
    signers do), or its proof's terms would be undefined.
    """
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context] if context else []
    if VC_V2_CONTEXT in contexts or DATA_INTEGRITY_CONTEXT in contexts or not contexts:
        return dict(document)
    return {**document, "@context": [*contexts, DATA_INTEGRITY_CONTEXT]}


def sign(document: Mapping[str, Any], *, key: Ed25519Multikey, **options: Any) -> dict[str, Any]:
    """``document`` with a new proof added (a proof set when it already had one)."""
    if options.get("cryptosuite", "eddsa-rdfc-2022") == "eddsa-rdfc-2022":
        document = with_proof_context(document)
    proof = create_proof(document, key=key, **options)
    existing = _proofs(document)
    signed = dict(document)
    signed["proof"] = [*existing, proof] if existing else proof
    return signed


class _Suite(Protocol):
    """What verifying one kind of proof needs; each step raises :class:`ProofError`."""

    name: str

    def signature(self, proof: Mapping[str, Any]) -> bytes: ...

    def public_key(self, method: VerificationMethod) -> PublicKey: ...

    def verify(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        key: PublicKey,
        signature: bytes,
        loader: DocumentLoader | None,
    ) -> bool: ...


class _EddsaSuite:
    """``eddsa-rdfc-2022`` / ``eddsa-jcs-2022`` (vc-di-eddsa 3.2.7, 3.3.7)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def signature(self, proof: Mapping[str, Any]) -> bytes:
        return proof_value_signature(proof, (64,), "an Ed25519 signature has 64 bytes")

    def public_key(self, method: VerificationMethod) -> PublicKey:
        return method_key(method, Ed25519PublicMultikey, "an Ed25519 key")

    def verify(
        self,
        unsecured: Mapping[str, Any],
        proof: Mapping[str, Any],
        key: PublicKey,
        signature: bytes,
        loader: DocumentLoader | None,
    ) -> bool:
        options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
        if self.name == "eddsa-jcs-2022" and "@context" in proof:
            # vc-di-eddsa 3.3.2 step 4: a JCS proof is verified over the document with the
            # proof's own @context (the document may have gained contexts since; _verify_one
            # checked that they start with the proof's), which the proof configuration keeps
            unsecured = {**unsecured, "@context": proof["@context"]}
        return key.verify(signature, hash_input(unsecured, options, loader=loader).hash_data)


_SUITES: dict[tuple[str, str | None], _Suite] = {
    **{("DataIntegrityProof", name): _EddsaSuite(name) for name in (*CRYPTOSUITES, *DRAFT_NAMES)},
    **{
        ("DataIntegrityProof", name): vc_di_ecdsa.EcdsaSuite(name)
        for name in vc_di_ecdsa.CRYPTOSUITES
    },
    ("Ed25519Signature2020", None): ld_signatures.Ed25519Signature2020(),
    ("Ed25519Signature2018", None): ld_signatures.Ed25519Signature2018(),
}


def _supported() -> str:
    return "; ".join(
        f"{kind} ({', '.join(suites)})" if suites else kind for kind, suites in VERIFIABLE.items()
    )


def _suite(proof: Mapping[str, Any]) -> _Suite:
    """The suite that verifies ``proof``, or an error naming what microcred verifies."""
    kind = proof.get("type")
    if not isinstance(kind, str) or kind not in VERIFIABLE:
        raise ProofError(
            f"proof type '{kind}' is not supported; microcred verifies {_supported()}",
            code="unsupported_proof_type",
            supported=_supported(),
        )
    cryptosuite = proof.get("cryptosuite") if kind == "DataIntegrityProof" else None
    suite = _SUITES.get((str(kind), cryptosuite)) if isinstance(cryptosuite, str | None) else None
    if suite is None:
        selective = isinstance(cryptosuite, str) and cryptosuite in _SELECTIVE
        what = " (selective disclosure is not supported)" if selective else ""
        raise ProofError(
            f"unsupported cryptosuite '{cryptosuite}'{what}; microcred verifies {_supported()}",
            code="unsupported_cryptosuite",
            supported=_supported(),
        )
    return suite


def _verify_one(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    all_proofs: Sequence[Mapping[str, Any]],
    resolver: Resolver,
    loader: DocumentLoader | None,
    expected_purpose: str,
    expected_challenge: str | None = None,
    expected_domain: Domain | None = None,
) -> ProofResult:
    method: VerificationMethod | None = None
    try:
        suite = _suite(proof)
        if proof.get("proofPurpose") != expected_purpose:
            raise ProofError(
                f"proofPurpose is '{proof.get('proofPurpose')}', expected '{expected_purpose}'",
                code="wrong_proof_purpose",
            )
        check_challenge_and_domain(
            proof, expected_challenge=expected_challenge, expected_domain=expected_domain
        )
        created = proof.get("created")
        if created is not None and not (isinstance(created, str) and _DATETIME.match(created)):
            raise ProofError(
                "the proof's 'created' is not a valid dateTime", code="malformed_proof"
            )
        signature = suite.signature(proof)
        vm_id = proof.get("verificationMethod")
        if not isinstance(vm_id, str):
            raise ProofError("the proof has no verificationMethod", code="malformed_proof")
        method = resolver.verification_method(vm_id)
        key = suite.public_key(method)
        if expected_purpose not in method.relationships:
            raise ProofError(
                f"{vm_id} is not authorized for {expected_purpose} by its controller",
                code="unauthorized_verification_method",
            )
        unsecured = _unsecured(document, proof, all_proofs)
        proof_context = proof.get("@context")
        if proof_context is not None:
            doc_context = unsecured.get("@context")
            doc_list = doc_context if isinstance(doc_context, list) else [doc_context]
            proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
            if doc_list[: len(proof_list)] != proof_list:
                raise ProofError(
                    "the proof's @context does not match the document's", code="context_mismatch"
                )
        if not suite.verify(unsecured, proof, key, signature, loader):
            raise ProofError(
                "the signature does not match the document: it was changed after signing, or "
                "signed with another key",
                code="invalid_signature",
            )
    except (VCError, RecursionError) as exc:
        error = (
            exc
            if isinstance(exc, VCError)
            else ProofError("the document is nested too deeply", code="too_deep")
        )
        return ProofResult(proof, False, method, error)
    return ProofResult(proof, True, method, None)


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: Resolver | None = None,
    loader: DocumentLoader | None = None,
    expected_purpose: str = "assertionMethod",
    expected_challenge: str | None = None,
    expected_domain: Domain | None = None,
) -> list[ProofResult]:
    """One result per proof; never raises for a bad proof (see :func:`verify`).

    ``expected_challenge`` / ``expected_domain``: what the verifier asked the holder to sign
    (a presentation's proof); every proof must carry them (DI 1.0, 4.3)."""
    if not isinstance(document, Mapping):
        raise InputError("a credential must be a JSON object", code="not_an_object")
    if expected_challenge is not None and (
        not isinstance(expected_challenge, str) or not expected_challenge
    ):
        raise InputError(
            "the expected challenge must be a non-empty string", code="invalid_challenge_option"
        )
    if expected_domain is not None:
        expected_domain = _domains(expected_domain, what="the expected domain")
    proofs = _proofs(document)
    if not proofs:
        raise ProofError("the document has no proof", code="missing_proof")
    resolver = resolver or Resolver()
    return [
        _verify_one(
            document,
            proof,
            proofs,
            resolver,
            loader,
            expected_purpose,
            expected_challenge,
            expected_domain,
        )
        for proof in proofs
    ]


def verify(
    document: Mapping[str, Any],
    *,
    resolver: Resolver | None = None,
    loader: DocumentLoader | None = None,
    expected_purpose: str = "assertionMethod",
    expected_challenge: str | None = None,
    expected_domain: Domain | None = None,
) -> list[ProofResult]:
    """Verify every proof; raise :class:`ProofError` naming the first that fails."""
    results = verify_proofs(
        document,
        resolver=resolver,
        loader=loader,
        expected_purpose=expected_purpose,
        expected_challenge=expected_challenge,
        expected_domain=expected_domain,
    )
    for number, result in enumerate(results, 1):
        if not result.verified:
            error = result.error or ProofError("invalid proof")
            raise ProofError(
                f"proof {number} of {len(results)}: {error.message}", code=error.code
            ) from None
    return results
