from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.earning.models import Attempt
from microcred.errors import NotFound
from microcred.issuance.models import Credential, LearnerProfile, StatusList
from microcred.orgs.models import Role
from microcred.orgs.selectors import organizations_where


def credentials_for_learner(*, learner: User) -> QuerySet[Credential]:
    return Credential.objects.filter(learner=learner).select_related(
        "micro_credential", "stack", "organization"
    )


def credential_for_attempt(*, attempt: Attempt) -> Credential | None:
    """The attempt's credential: the newest renewal if it was renewed, else the original."""
    return Credential.objects.filter(attempt=attempt).order_by("-requested_at", "-pk").first()


def credential_get_public(*, public_id: uuid.UUID | str) -> Credential:
    """An issued credential by its public id (the learner shares its URL)."""
    try:
        return Credential.objects.select_related(
            "micro_credential", "stack", "organization", "learner", "renews"
        ).get(public_id=public_id, status=Credential.Status.ISSUED,
              via_vc_api=False)  # VC-API credentials have no page: their ids are the caller's
    except (Credential.DoesNotExist, ValueError):
        raise NotFound(_("No issued credential here.")) from None


def credential_get_for_learner(*, learner: User, public_id: uuid.UUID | str) -> Credential:
    try:
        return Credential.objects.select_related("micro_credential", "stack", "organization").get(
            public_id=public_id, learner=learner
        )
    except (Credential.DoesNotExist, ValueError):
        raise NotFound(_("You have no credential here.")) from None


def credentials_issued() -> QuerySet[Credential]:
    return Credential.objects.filter(status=Credential.Status.ISSUED).order_by("id")


def credentials_pending() -> QuerySet[Credential]:
    return Credential.objects.filter(status=Credential.Status.PENDING).order_by("id")


def credentials_for_admin(*, user: User) -> QuerySet[Credential]:
    """Credentials of the organizations where ``user`` is an administrator."""
    return (
        Credential.objects.filter(
            organization__in=organizations_where(user=user, role=Role.ADMIN),
            status=Credential.Status.ISSUED, via_vc_api=False,
        )
        .select_related("micro_credential", "stack", "organization", "learner")
        .order_by("-issued_at")
    )


def status_list_get(*, public_id: uuid.UUID | str) -> StatusList:
    try:
        return StatusList.objects.get(public_id=uuid.UUID(str(public_id)))
    except (StatusList.DoesNotExist, ValueError):
        raise NotFound(_("No status list here.")) from None


def learner_profile_for(*, user: User) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).first()


def learner_profile_public(*, handle: str) -> LearnerProfile:
    try:
        return LearnerProfile.objects.select_related("user").get(handle=handle, public=True)
    except LearnerProfile.DoesNotExist:
        raise NotFound(_("No public profile here.")) from None


def credentials_on_profile(*, profile: LearnerProfile) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(learner_id=profile.user_id, on_public_profile=True,
                                  status=Credential.Status.ISSUED, revoked_at__isnull=True)
        .select_related("micro_credential", "stack", "organization")
        .order_by("-issued_at")
    )
