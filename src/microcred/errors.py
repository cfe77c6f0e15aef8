"""The platform's errors: one base class with a stable machine-readable ``code``.

The HTTP layer (``microcred.web.middleware``) maps them to one HTML page shape and one JSON shape,
``{"error": {"code": ..., "message": ...}}``; the CLI maps them to a message and exit status 1.
"""

from __future__ import annotations

__all__ = ["MicrocredError", "NotAllowed", "NotFound", "InvalidState", "ValidationFailed"]


class MicrocredError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(MicrocredError):
    """The actor may not do this (a 403, never a 404 that hides a page they may not see)."""

    code = "not_allowed"
    http_status = 403


class NotFound(MicrocredError):
    code = "not_found"
    http_status = 404


class InvalidState(MicrocredError):
    """The object is not in a state that allows the action (e.g. scoring a draft)."""

    code = "invalid_state"
    http_status = 409


class ValidationFailed(MicrocredError):
    """Input that cannot be accepted; ``problems`` names each part that is wrong."""

    code = "validation_failed"
    http_status = 400

    def __init__(
        self, message: str, *, code: str | None = None, problems: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.problems = problems or {}
