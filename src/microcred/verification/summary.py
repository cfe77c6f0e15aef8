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
