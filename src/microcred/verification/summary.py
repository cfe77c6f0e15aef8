"""What a person reads first about a credential: what, who, when.

Read defensively from any issuer's JSON (strings or objects, one subject or a list); the checks
themselves come from the verifier's report, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CredentialSummary:
    title: str
    description: str
    issuer_name: str
    issuer_id: str
    valid_from: str
    valid_until: str


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def credential_summary(document: Any) -> CredentialSummary | None:
    if not isinstance(document, dict):
        return None
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer = document.get("issuer")
    issuer_id = _text(issuer) or (_text(issuer.get("id")) if isinstance(issuer, dict) else "")
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else ""
    return CredentialSummary(
        title=_text(achievement.get("name")) or _text(document.get("name")),
        description=_text(achievement.get("description")) or _text(document.get("description")),
        issuer_name=issuer_name,
        issuer_id=issuer_id,
        valid_from=_text(document.get("validFrom")) or _text(document.get("issuanceDate")),
        valid_until=_text(document.get("validUntil")) or _text(document.get("expirationDate")),
    )


def ob2_summary(report: Any) -> CredentialSummary | None:
    """The same overview for an Open Badges 2.0 badge: its badge class says what, its issuer
    profile who, its assertion when."""
    assertion = getattr(report, "credential", None)
    if not isinstance(assertion, dict):
        return None
    badge = getattr(report, "badge_class", None) or {}
    issuer = getattr(report, "issuer", None) or {}
    issued, expires = assertion.get("issuedOn"), assertion.get("expires")
    return CredentialSummary(
        title=_text(badge.get("name")),
        description=_text(badge.get("description")),
        issuer_name=_text(issuer.get("name")),
        issuer_id=_text(issuer.get("id")) or _text(badge.get("issuer")),
        valid_from=_text(issued) or (str(issued) if isinstance(issued, int) else ""),
        valid_until=_text(expires) or (str(expires) if isinstance(expires, int) else ""),
    )
