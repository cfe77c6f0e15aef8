"""A new version of a micro-credential keeps how long its credentials stay valid."""

from __future__ import annotations

from typing import Any

from microcred.catalog.models import MicroCredential
from microcred.issuance.models import ValidityPeriod


def carry_validity_forward(*, micro_credential: MicroCredential, previous: MicroCredential,
                           **_: Any) -> None:
    period = ValidityPeriod.objects.filter(micro_credential=previous).first()
    if period is not None:
        ValidityPeriod.objects.get_or_create(
            micro_credential=micro_credential,
            defaults={"valid_for_days": period.valid_for_days})
