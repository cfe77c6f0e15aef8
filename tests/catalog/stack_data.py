"""A world with stacks: published micro-credentials to group, and a learner who earns them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from microcred.actors import SYSTEM
from microcred.assessment.services import pool_member_add
from microcred.catalog.models import MicroCredential, Stack
from microcred.catalog.stacks import stack_create, stack_publish
from microcred.issuance.models import Credential
from tests.factories import (
    World,
    micro_credential,
    pass_attempt,
    reviewer_of,
    submitted_attempt,
)


class StackWorld(World):
    """A World with three published micro-credentials (credit hours 10, 20, 30) the assessor
    can score, and the organization's administrator."""

    def __init__(self, count: int = 3) -> None:
        super().__init__()
        self.mcs = [self.mc]
        for _ in range(count - 1):
            mc = micro_credential(org=self.org, author=self.author)
            pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=self.assessor)
            self.mcs.append(mc)
        for i, mc in enumerate(self.mcs, start=1):
            MicroCredential.objects.filter(pk=mc.pk).update(credit_hours=Decimal(10 * i))
            mc.refresh_from_db()
        self.admin = reviewer_of(self.org)

    def stack(self, rule: str = "all", required_count: int | None = None,
              publish: bool = True, **kwargs: Any) -> Stack:
        stack = stack_create(
            actor=self.author, organization=self.org, title="Formative Assessment",
            description="Plans, checks and adjusts with formative assessment.", rule=rule,
            required_count=required_count, members=kwargs.pop("members", self.mcs), **kwargs)
        if publish:
            stack = stack_publish(actor=self.admin, stack_id=stack.pk)
        return stack

    def earn(self, mc: MicroCredential, learner: Any = None) -> Credential:
        attempt = submitted_attempt(learner=learner or self.learner, mc=mc)
        pass_attempt(assessor=self.assessor, attempt=attempt)
        credential = Credential.objects.get(attempt=attempt)
        assert credential.is_issued
        return credential


def stack_credentials(stack: Stack, learner: Any) -> list[Credential]:
    return list(Credential.objects.filter(stack=stack, learner=learner))
