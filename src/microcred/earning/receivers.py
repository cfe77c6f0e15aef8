"""A new version of a micro-credential keeps its attempt limit."""

from __future__ import annotations

from typing import Any

from microcred.catalog.models import MicroCredential
from microcred.earning.models import EarningPolicy


def carry_policy_forward(*, micro_credential: MicroCredential, previous: MicroCredential,
                         **_: Any) -> None:
    policy = EarningPolicy.objects.filter(micro_credential=previous).first()
    if policy is not None:
        EarningPolicy.objects.get_or_create(
            micro_credential=micro_credential,
            defaults={"attempt_limit": policy.attempt_limit})
