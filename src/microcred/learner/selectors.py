from __future__ import annotations

from datetime import datetime
from typing import Any

from microcred.issuance.models import Credential
from microcred.learner.models import HeldCredential


def credentials_for_owner(*, user: Any, since: datetime | None = None) -> list[tuple[str, str]]:
    """Every credential the user holds here, newest first, as (format, stored text): the ones
    this platform issued them and the ones they brought. Deduplicated by credential id."""
    issued = Credential.objects.filter(learner=user, status=Credential.Status.ISSUED)
    # Open Badges 2.0 assertions are not credentials the OB 3.0 API can serve.
    held = HeldCredential.objects.filter(owner=user, standard=HeldCredential.Standard.OB3)
    if since is not None:
        issued = issued.filter(issued_at__gte=since)
        held = held.filter(updated_at__gte=since)
    rows: list[tuple[datetime, str, str, str]] = []
    for c in issued:
        if c.issued_at is not None:  # an issued credential always has its date
            rows.append((c.issued_at, c.credential_id, "json", c.signed_json))
    ours = {c.credential_id for c in issued}
    for h in held:
        if h.credential_id not in ours:
            rows.append((h.updated_at, h.credential_id, h.format, h.text))
    rows.sort(key=lambda r: r[0], reverse=True)
    return [(fmt, text) for _, _, fmt, text in rows]


def held_credentials(*, user: Any) -> list[HeldCredential]:
    """The credentials ``user`` brought from other issuers, most recently kept first."""
    return list(HeldCredential.objects.filter(owner=user))
