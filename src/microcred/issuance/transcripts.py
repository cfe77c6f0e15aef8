"""A learner's transcript: a signed CLR 2.0 ``ClrCredential`` holding every credential they hold
from one organization, at any time, on request.

The organization issues it (a CLR is an institution's record), signed with its current key;
each credential inside keeps its own proof and is embedded byte for byte as signed, so a
verifier checks the transcript and every credential in it. Stack credentials add CLR
``Association`` entries: the stack's achievement ``isParentOf`` each member's. Revoked
credentials are left out; suspended and expired ones are included, and their own status and
dates say so. Nothing is stored: every download is signed afresh, so it is always current.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.errors import NotFound
from microcred.issuance.documents import (
    iso_datetime,
    issue_time,
    issuer_profile,
    learner_recipient,
)
from microcred.issuance.issuer_keys import issuer_key_get_or_create, issuer_sign
from microcred.issuance.models import Credential
from microcred.issuance.stack_credentials import stack_associations
from microcred.orgs.models import Organization
from microcred.vc import openbadges as ob

__all__ = ["transcript_organizations", "transcript_signed"]


def _held(learner: User, organization: Organization | None = None) -> QuerySet[Credential]:
    held = Credential.objects.filter(learner=learner, status=Credential.Status.ISSUED,
                                     revoked_at__isnull=True)
    if organization is not None:
        held = held.filter(organization=organization)
    return held


def transcript_organizations(*, learner: User) -> list[Organization]:
    """The organizations the learner holds at least one credential from."""
    ids = _held(learner).values_list("organization_id", flat=True).distinct()
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def transcript_signed(*, learner: User, organization: Organization) -> dict[str, Any]:
    """The learner's CLR 2.0 transcript from ``organization``, signed (eddsa-rdfc-2022)."""
    held = list(_held(learner, organization).select_related("stack")
                .order_by("issued_at", "pk"))
    if not held:
        raise NotFound(_("You hold no credential from %(org)s yet.") % {"org": organization.name})
    issuer_key = issuer_key_get_or_create(organization=organization)
    issuer = issuer_profile(organization=organization, issuer_key=issuer_key)
    recipient = learner_recipient(learner)
    associations = [a for c in held if c.stack_id is not None
                    for a in stack_associations(c.stack)]
    now = iso_datetime(issue_time())
    document = ob.clr_credential(
        issuer=issuer, subject_id=recipient.get("id"), identifier=recipient.get("identifier", ()),
        credentials=[json.loads(c.signed_json) for c in held],
        associations=associations, valid_from=now,
        name=_("Transcript from %(org)s") % {"org": organization.name},
        description=_("Every credential this person holds from %(org)s, as issued.")
        % {"org": organization.name},
    )
    ob.validate_or_raise(document)
    return issuer_sign(document, key=issuer_key)
