"""Errors raised by the credential core.

Every error has a stable machine-readable ``code`` (the HTTP layer and the CLI map it to their own
shapes) and a sentence a person can act on. Callers catch ``VCError`` and read ``code``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
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
