"""Errors raised by the credential core.

Every error has a stable machine-readable ``code`` (the HTTP layer and the CLI map it to their own
shapes) and a sentence a person can act on. Callers catch ``VCError`` and read ``code``.

Every code is a member of :class:`VCErrorCode` with its meaning; the platform generates
docs/errors.md from it (``python -m microcred.errors``). Raising code may pass a string literal:
a member equals its value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = [
    "VCErrorCode",
    "VCError",
    "InputError",
    "UnknownContextError",
    "UndefinedTermsError",
    "CanonicalizationError",
    "KeyFormatError",
    "ProofError",
    "SchemaError",
    "StatusListError",
    "BakingError",
    "ResolutionError",
    "VerificationFailed",
]


class VCErrorCode(StrEnum):
    """The credential core's error codes: ``NAME = "code", "what it means"``.

    Where a specification names the error, the code is its name (Bitstring Status List v1.0
    section 3.5: ``malformed_value_error``, ``range_error``, ``status_list_length_error``,
    ``status_retrieval_error``, ``status_verification_error``). A code means one thing, whichever
    error class carries it.
    """

    meaning: str

    def __new__(cls, value: str, meaning: str) -> VCErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # The classes' own codes: what each error class carries when no more specific code is given.
    VC_ERROR = "vc_error", "A credential core error with no more specific code (VCError)."
    INVALID_INPUT = "invalid_input", (
        "The input cannot be used at all: the wrong type, or not what the function takes "
        "(InputError).")
    UNKNOWN_CONTEXT = "unknown_context", (
        "A JSON-LD context URL that is neither bundled nor supplied by the caller.")
    UNDEFINED_TERMS = "undefined_terms", (
        "JSON-LD safe mode: expansion would drop or leave relative part of the document, so a "
        "signature would not cover it.")
    CANONICALIZATION_FAILED = "canonicalization_failed", (
        "RDFC-1.0 could not canonicalize the dataset (CanonicalizationError).")
    INVALID_KEY = "invalid_key", "A key in a form that is not accepted, or not usable as given."
    INVALID_PROOF = "invalid_proof", "A proof that cannot be accepted (ProofError)."
    INVALID_STRUCTURE = "invalid_structure", (
        "Structural validation failed; details list each problem's path and message.")
    STATUS_LIST_ERROR = "status_list_error", "A status list that cannot be used (StatusListError)."
    BAKING_ERROR = "baking_error", "An image that cannot be baked or unbaked (BakingError)."
    RESOLUTION_FAILED = "resolution_failed", (
        "A DID or key that could not be resolved (ResolutionError).")
    VERIFICATION_FAILED = "verification_failed", (
        "verify() found a check that failed; the error carries the full report.")
    VERIFICATION_INCOMPLETE = "verification_incomplete", (
        "verify() found no failure, but a check could not be made; the error carries the report.")
    FEDERATION_ERROR = "federation_error", (
        "An OpenID Federation entity statement or trust chain that cannot be trusted.")
    REGISTRY_ERROR = "registry_error", "An issuer registry that cannot be used (RegistryError)."
    # Reading input: JSON, text, files, command-line arguments.
    INVALID_ARGUMENT = "invalid_argument", (
        "A function argument or option out of its allowed values (a wrong type, empty, not a URI).")
    INVALID_JSON = "invalid_json", "The input or a context file is not valid JSON."
    NOT_UTF8 = "not_utf8", "The input is not UTF-8 text."
    NOT_AN_OBJECT = "not_an_object", "A document that must be a JSON object is something else."
    NOT_A_LIST = "not_a_list", "Credentials to present must be given as a list."
    TOO_DEEP = "too_deep", "The document nests deeper than the limit."
    TOO_LARGE = "too_large", (
        "The input, image, fetched document or baked result is over its size limit.")
    UNREADABLE_FILE = "unreadable_file", (
        "A file named on the command line or as a context cannot be read.")
    UNWRITABLE_FILE = "unwritable_file", "The output file cannot be written."
    FILE_EXISTS = "file_exists", "The output file exists already; --force replaces it."
    INVALID_CONTEXT = "invalid_context", "A document supplied as a JSON-LD context has no @context."
    CONTEXT_CONFLICT = "context_conflict", (
        "A supplied context would replace a different bundled one of the same URL.")
    JSONLD_ERROR = "jsonld_error", "JSON-LD processing failed (the processor's error is named)."
    JCS_ERROR = "jcs_error", "The document cannot be canonicalized with JCS (RFC 8785)."
    INVALID_NQUADS = "invalid_nquads", "N-Quads that are not valid RDF 1.1 N-Quads."
    CANONICALIZATION_LIMIT = "canonicalization_limit", (
        "RDFC-1.0 stopped at its work or recursion limit: the dataset looks like a poison graph.")
    # Reading credentials.
    NOT_A_CREDENTIAL = "not_a_credential", (
        "The text to bake is neither a JSON object nor a compact JWS.")
    NO_CREDENTIAL = "no_credential", (
        "The image or the JWS payload carries no credential (or an empty one).")
    OPEN_BADGES_2 = "open_badges_2", (
        "The image carries an Open Badges 2.0 assertion, which is checked by its hosted URL.")
    NOT_OPEN_BADGES_2 = "not_open_badges_2", (
        "The Open Badges 2.0 checker was given an Open Badges 3.0 credential.")
    UNREADABLE = "unreadable", "The Open Badges 2.0 input is not JSON, a JWS or a URL."
    UNREACHABLE = "unreachable", "The hosted Open Badges 2.0 assertion could not be fetched."
    INVALID_JWS = "invalid_jws", (
        "Not a compact JWS, or its header or payload is not a JSON object.")
    INVALID_TEXT = "invalid_text", (
        "The credential text is not valid Unicode or holds characters no image text can carry.")
    # Keys.
    INVALID_KEY_LENGTH = "invalid_key_length", "A key with the wrong number of bytes."
    INVALID_MULTIBASE = "invalid_multibase", "A multibase value with the wrong prefix or encoding."
    WRONG_KEY_PREFIX = "wrong_key_prefix", (
        "A multikey whose multicodec prefix is not the one expected.")
    UNSUPPORTED_KEY_TYPE = "unsupported_key_type", (
        "A key type the core does not verify.")
    WRONG_KEY_TYPE = "wrong_key_type", (
        "A key of another type than the algorithm or verification method needs.")
    KEY_MISMATCH = "key_mismatch", "A public key that does not belong to the secret key."
    MISSING_SECRET_KEY = "missing_secret_key", "Signing needs a secret key and the key has none."
    PRIVATE_KEY_IN_HEADER = "private_key_in_header", (
        "A JWS header or public JWK carries a private key.")
    # Proofs and signatures (Data Integrity 1.0, VC-JOSE-COSE, Linked Data Signatures).
    MISSING_PROOF = "missing_proof", "The document has no proof."
    MALFORMED_PROOF = "malformed_proof", "A proof with a missing or malformed part."
    UNSUPPORTED_PROOF_TYPE = "unsupported_proof_type", "A proof type the core does not verify."
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite", "A cryptosuite the core does not support."
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm", (
        "A JWS algorithm the caller does not accept.")
    INVALID_SIGNATURE = "invalid_signature", (
        "The signature does not match: the document changed after signing, or another key signed.")
    CONTEXT_MISMATCH = "context_mismatch", "The proof's @context does not match the document's."
    WRONG_PROOF_PURPOSE = "wrong_proof_purpose", "The proofPurpose is not the one expected."
    UNAUTHORIZED_VERIFICATION_METHOD = "unauthorized_verification_method", (
        "The signing key is not authorized for the proof purpose by its controller.")
    MISSING_PREVIOUS_PROOF = "missing_previous_proof", (
        "A proof names a previous proof that the document does not hold.")
    MISSING_CHALLENGE = "missing_challenge", (
        "The proof has no challenge; the verifier expected one.")
    INVALID_CHALLENGE = "invalid_challenge", (
        "The proof's challenge is not the one the verifier expected.")
    INVALID_CHALLENGE_OPTION = "invalid_challenge_option", (
        "A challenge given to sign or expect is not a non-empty string.")
    MISSING_DOMAIN = "missing_domain", "The proof has no domain; the verifier expected one."
    INVALID_DOMAIN = "invalid_domain", "The proof's domain is not the one the verifier expected."
    INVALID_DOMAIN_OPTION = "invalid_domain_option", (
        "A domain given to sign or expect is not a non-empty string or list of them.")
    NO_KEY = "no_key", "The JWS header names no key: neither kid nor jwk."
    EMBEDDED_KEY_REFUSED = "embedded_key_refused", (
        "The JWS header carries its own key, and this caller accepts only a key named by kid.")
    ISS_MISMATCH = "iss_mismatch", "The JWT's iss is not the credential's issuer."
    JTI_MISMATCH = "jti_mismatch", "The JWT's jti is not the credential's id."
    # Resolving DIDs and fetching.
    INVALID_DID = "invalid_did", "A DID that is not valid for its method."
    UNSUPPORTED_DID_METHOD = "unsupported_did_method", "A DID method the core cannot resolve."
    INVALID_DOCUMENT = "invalid_document", (
        "A fetched DID document that is not JSON, or not the document of the DID asked for.")
    VERIFICATION_METHOD_NOT_FOUND = "verification_method_not_found", (
        "The verification method is not in its controller's DID document.")
    NETWORK_DISALLOWED = "network_disallowed", "Resolving needs the network, which is off here."
    FETCH_FAILED = "fetch_failed", (
        "A fetch failed: no answer, a timeout, an HTTP error, or too many redirects.")
    INSECURE_URL = "insecure_url", "A URL or redirect that is not https."
    ADDRESS_REFUSED = "address_refused", (
        "The host is a private or local address, which the core does not fetch from.")
    # Bitstring Status List v1.0 and Status List 2021.
    MALFORMED_VALUE_ERROR = "malformed_value_error", (
        "A status list's encodedList or statusMessage is malformed (spec section 3.5).")
    RANGE_ERROR = "range_error", "A status list index outside the list (spec section 3.5)."
    STATUS_LIST_LENGTH_ERROR = "status_list_length_error", (
        "A status list shorter than the herd-privacy minimum, or not whole bytes (section 3.5).")
    STATUS_RETRIEVAL_ERROR = "status_retrieval_error", (
        "The status list credential could not be fetched (spec section 3.5).")
    STATUS_VERIFICATION_ERROR = "status_verification_error", (
        "The status list credential does not verify or does not match the entry (section 3.5).")
    STATUS_LIST_TOO_LARGE = "status_list_too_large", (
        "A status list that would expand past the size limit.")
    STATUS_LIST_FULL = "status_list_full", "Every index of the status list is in use."
    INDEX_IN_USE = "index_in_use", "The status list index is already in use."
    INVALID_INDEX = "invalid_index", "A status list index that is not a non-negative integer."
    INVALID_LENGTH = "invalid_length", "A status list length that is not a positive integer."
    INVALID_BITMAP = "invalid_bitmap", "A used-index bitmap of the wrong size for its list."
    INVALID_STATUS_SIZE = "invalid_status_size", (
        "A statusSize out of range, or not the one the status purpose needs.")
    INVALID_STATUS_VALUE = "invalid_status_value", (
        "A status value that does not fit in statusSize bits.")
    INVALID_STATUS_MESSAGE = "invalid_status_message", (
        "A statusMessage that is missing or malformed where statusSize is above 1.")
    INVALID_STATUS_LIST = "invalid_status_list", (
        "A status list file given on the command line is not a usable status list credential.")
    INVALID_PURPOSE = "invalid_purpose", "A statusPurpose that is not one of those allowed."
    UNSUPPORTED_PURPOSE = "unsupported_purpose", (
        "A status purpose this verifier does not understand.")
    UNSUPPORTED_STATUS_TYPE = "unsupported_status_type", (
        "A status entry that is neither BitstringStatusListEntry nor StatusList2021Entry.")
    INVALID_DATETIME = "invalid_datetime", "A date-time that is not an XML Schema dateTimeStamp."
    INVALID_ISSUER = "invalid_issuer", "An issuer that is neither a URL nor an object with an id."
    INVALID_URL = "invalid_url", "A URL that is not absolute, or that has a fragment."
    # Baking credentials into images (Open Badges 3.0 Baked Badge).
    NOT_PNG = "not_png", "The image is not a PNG."
    NOT_SVG = "not_svg", "The image is not an SVG."
    UNSUPPORTED_FORMAT = "unsupported_format", "The image is neither PNG nor SVG."
    INVALID_PNG = "invalid_png", "A PNG with a malformed chunk or no IHDR chunk first."
    TRUNCATED_PNG = "truncated_png", "A PNG that ends early."
    BAD_CRC = "bad_crc", "A PNG chunk that fails its CRC check."
    INVALID_XML = "invalid_xml", "An SVG whose XML cannot be read."
    UNSUPPORTED_ENCODING = "unsupported_encoding", "An SVG not in UTF-8, which cannot be baked."
    NAMESPACE_CONFLICT = "namespace_conflict", (
        "The SVG binds the openbadges prefix to another namespace.")
    ALREADY_BAKED = "already_baked", "The image already carries a credential."
    MULTIPLE_CREDENTIALS = "multiple_credentials", "The image carries more than one credential."
    MALFORMED_CREDENTIAL = "malformed_credential", (
        "The image's credential chunk or element is malformed or corrupt.")
    BAKE_FAILED = "bake_failed", "The baked image did not read back to the credential (a bug)."
    # Issuer registries and OpenID Federation trust chains.
    MALFORMED_REGISTRY = "malformed_registry", "An issuer registry that is not in a usable form."
    REGISTRY_UNAVAILABLE = "registry_unavailable", (
        "An issuer registry that cannot be read or fetched, or did not answer.")
    MALFORMED_STATEMENT = "malformed_statement", (
        "An entity statement that is not a well-formed entity statement JWS.")
    UNKNOWN_STATEMENT_KEY = "unknown_statement_key", (
        "An entity statement signed with a key not stated for its issuer.")
    INVALID_STATEMENT_SIGNATURE = "invalid_statement_signature", (
        "An entity statement whose signature does not verify.")
    PRIVATE_KEY_IN_STATEMENT = "private_key_in_statement", (
        "An entity statement's keys include a private or secret key.")
    STATEMENT_NOT_YET_VALID = "statement_not_yet_valid", "An entity statement issued in the future."
    STATEMENT_EXPIRED = "statement_expired", "An entity statement past its exp."
    UNSUPPORTED_CRITICAL_CLAIM = "unsupported_critical_claim", (
        "An entity statement marks as critical a claim or policy operator not understood.")
    METADATA_POLICY_VIOLATION = "metadata_policy_violation", (
        "Metadata that a superior's metadata policy does not allow.")
    AUTHORITY_NOT_HINTED = "authority_not_hinted", (
        "A subordinate does not name its superior among its authority_hints.")
    BROKEN_CHAIN = "broken_chain", (
        "A trust chain whose links do not join up, or that does not end at the trust anchor.")


class VCError(Exception):
    """Base class: ``code`` is stable, ``message`` is for people, ``details`` for machines."""

    code = "vc_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class InputError(VCError):
    """The input cannot be used at all: not JSON, too large, too deep, wrong type."""

    code = "invalid_input"


class UnknownContextError(VCError):
    """A JSON-LD context URL that is neither bundled nor supplied by the caller."""

    code = "unknown_context"


class UndefinedTermsError(VCError):
    """JSON-LD safe mode: expansion would drop part of the document or leave it relative, so a
    signature would not cover it. ``details``: ``terms`` (keys and types no context defines),
    ``relative_iris`` (identifiers that are not absolute IRIs) and ``dropped`` (the properties
    whose values would be dropped; ``(top level)`` for the document itself)."""

    code = "undefined_terms"


class CanonicalizationError(VCError):
    """RDFC-1.0 could not canonicalize the dataset (malformed input or a poison graph)."""

    code = "canonicalization_failed"


class KeyFormatError(VCError):
    """A key in a form we do not accept (wrong multicodec prefix, broken multibase, wrong size)."""

    code = "invalid_key"


class ProofError(VCError):
    """A proof that is missing, malformed, of an unsupported kind, or whose signature is wrong."""

    code = "invalid_proof"


class SchemaError(VCError):
    """Structural validation failed; ``details['problems']`` lists ``{path, message}`` items."""

    code = "invalid_structure"


class StatusListError(VCError):
    """A status list that is malformed, too small, full, or an index out of range."""

    code = "status_list_error"


class BakingError(VCError):
    """An image that cannot carry or does not carry a credential as the baking rules require."""

    code = "baking_error"


class ResolutionError(VCError):
    """A DID or key that could not be resolved (unknown method, network off, fetch failed)."""

    code = "resolution_failed"


class VerificationFailed(VCError):
    """``verify()`` raises this when any check fails; ``report`` holds the full report."""

    code = "verification_failed"

    def __init__(self, message: str, *, report: Any, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.report = report
