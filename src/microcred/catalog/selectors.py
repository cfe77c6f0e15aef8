from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.catalog.models import MicroCredential
from microcred.errors import NotFound
from microcred.orgs.models import Role

# Everything shown of a micro-credential, in every language, in four queries.
WITH_TEXT = ("translations", "prompts__translations", "criteria__translations")


def catalog_list() -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).select_related(
        "organization"
    ).prefetch_related("translations")


def micro_credential_get_published(*, slug: str) -> MicroCredential:
    try:
        return catalog_list().prefetch_related(*WITH_TEXT).get(slug=slug)
    except MicroCredential.DoesNotExist:
        raise NotFound(_("No published micro-credential here.")) from None


def micro_credentials_authored_by(*, user: Any) -> QuerySet[MicroCredential]:
    """Everything, draft or published, in the organizations where ``user`` authors."""
    return MicroCredential.objects.filter(
        organization__memberships__user=user,
        organization__memberships__role__in=[Role.AUTHOR, Role.ADMIN],
    ).distinct().select_related("organization").prefetch_related("translations").order_by(
        "-created_at")
