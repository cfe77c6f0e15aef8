from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.errors import NotFound
from microcred.issuance.models import Credential


def credentials_for_learner(*, learner: Any) -> QuerySet[Credential]:
    return Credential.objects.filter(learner=learner).select_related(
        "micro_credential", "organization"
    )


def credential_get_public(*, public_id: Any) -> Credential:
    """An issued credential by its public id (the learner shares its URL)."""
    try:
        return Credential.objects.select_related("micro_credential", "organization").get(
            public_id=public_id, status=Credential.Status.ISSUED
        )
    except (Credential.DoesNotExist, ValueError):
        raise NotFound(_("No issued credential here.")) from None


def credentials_issued() -> QuerySet[Credential]:
    return Credential.objects.filter(status=Credential.Status.ISSUED).order_by("id")


def credentials_pending() -> QuerySet[Credential]:
    return Credential.objects.filter(status=Credential.Status.PENDING).order_by("id")
