"""What issuance does when the apps below it say something happened (connected in
``IssuanceConfig.ready()``): a new version of a micro-credential keeps how long its
credentials stay valid; a passed attempt earns its credential; the catalog's Achievement names
its creator as the credentials do."""

from __future__ import annotations

from typing import Any

from microcred.actors import Actor
from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.issuance.identity import organization_profile
from microcred.issuance.models import ValidityPeriod
from microcred.issuance.services import credential_request_issue
from microcred.orgs.models import Organization


def carry_validity_forward(*, micro_credential: MicroCredential, previous: MicroCredential,
                           **_: Any) -> None:
    period = ValidityPeriod.objects.filter(micro_credential=previous).first()
    if period is not None:
        ValidityPeriod.objects.get_or_create(
            micro_credential=micro_credential,
            defaults={"valid_for_days": period.valid_for_days})


def issue_for_passed_attempt(*, attempt: Attempt, actor: Actor, **_: Any) -> None:
    """assessment's ``attempt_passed``, inside the deciding transaction: the credential row and
    its signing task commit with the Pass."""
    credential_request_issue(actor=actor, attempt=attempt)


def creator_profile(*, organization: Organization, **_: Any) -> dict[str, Any]:
    """catalog's ``creator_profile_asked``: the organization's issuer ``Profile``, named by the
    keys here."""
    return organization_profile(organization)
