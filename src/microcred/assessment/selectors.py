from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _

from microcred.earning.models import Attempt
from microcred.errors import NotAllowed, NotFound
from microcred.orgs.models import Role
from microcred.orgs.selectors import organizations_where, user_has_role


@dataclass(frozen=True)
class QueueItem:
    """What an assessor may know about a submission in the queue: nothing about who wrote it."""

    public_id: UUID
    micro_credential_title: str
    organization_name: str
    attempt_number: int
    submitted_at: datetime | None


def assessor_queue(*, assessor: Any) -> list[QueueItem]:
    """Submitted attempts awaiting assessment in the assessor's organizations, oldest first.

    Blind by construction: the rows carry no learner field at all, and the assessor's own
    submissions are left out.
    """
    orgs = organizations_where(user=assessor, role=Role.ASSESSOR)
    rows = (
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, micro_credential__organization__in=orgs
        )
        .exclude(learner=assessor)
        .order_by("submitted_at")
        .values_list(
            "public_id", "micro_credential__title", "micro_credential__organization__name",
            "number", "submitted_at",
        )
    )
    return [QueueItem(*row) for row in rows]


def is_assessor_anywhere(*, user: Any) -> bool:
    return organizations_where(user=user, role=Role.ASSESSOR).exists()


def attempt_get_for_assessor(*, assessor: Any, public_id: Any) -> Attempt:
    try:
        attempt = Attempt.objects.select_related("micro_credential__organization").get(
            public_id=public_id
        )
    except (Attempt.DoesNotExist, ValueError):
        raise NotFound(_("No such submission.")) from None
    if not user_has_role(user=assessor, organization=attempt.micro_credential.organization,
                         role=Role.ASSESSOR):
        raise NotAllowed(_("Only assessors of this organization can see this submission."))
    if attempt.learner_id == assessor.pk:
        raise NotAllowed(_("You cannot assess your own submission."), code="own_submission")
    return attempt
