from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import audit_record
from microcred.earning.models import Attempt
from microcred.errors import InvalidState
from microcred.issuance import identity
from microcred.issuance.key_sealing import seal, unseal
from microcred.issuance.models import Credential, IssuerKey
from microcred.orgs.models import Organization
from microcred.vc.keys import Ed25519Multikey

logger = logging.getLogger(__name__)


def issuer_key_get_or_create(*, organization: Organization) -> IssuerKey:
    """The organization's active signing key, created (and sealed) on first use."""
    existing = IssuerKey.objects.filter(organization=organization, active=True).first()
    if existing is not None:
        return existing
    key = Ed25519Multikey.generate()
    try:
        with transaction.atomic():
            row = IssuerKey.objects.create(
                organization=organization,
                public_multibase=key.public_multibase,
                sealed_secret=seal(
                    json.dumps(key.to_json()), associated_data=key.public_multibase
                ),
            )
            audit_record(actor=None, action="issuer_key.created", target=row,
                         data={"public_multibase": key.public_multibase})
    except IntegrityError:
        # Another process created it first; theirs is the one.
        return IssuerKey.objects.get(organization=organization, active=True)
    logger.info("created issuer key %s for organization %s", key.public_multibase,
                organization.pk)
    return row


def issuer_key_load(*, issuer_key: IssuerKey) -> Ed25519Multikey:
    data = json.loads(unseal(issuer_key.sealed_secret,
                             associated_data=issuer_key.public_multibase))
    return Ed25519Multikey.from_json(data)


def credential_request_issue(*, actor: Any, attempt: Attempt) -> Credential:
    """Record that ``attempt`` earned a credential and enqueue its signing.

    Call inside the transaction that passes the attempt: the credential row and the task row
    commit together or not at all. One credential per attempt (a one-to-one column), so calling
    this twice returns the same credential.
    """
    from microcred.issuance.tasks import credential_issue

    if attempt.status != Attempt.Status.PASSED:
        raise InvalidState(_("Only a passed attempt earns a credential."), code="not_passed")
    credential, created = Credential.objects.get_or_create(
        attempt=attempt,
        defaults={
            "learner_id": attempt.learner_id,
            "micro_credential_id": attempt.micro_credential_id,
            "organization_id": attempt.micro_credential.organization_id,
        },
    )
    if created:
        audit_record(actor=actor, action="credential.requested", target=credential)
        credential_issue.enqueue(credential.pk)
    return credential


def _build_credential(credential: Credential, issuer_key: IssuerKey) -> dict[str, Any]:
    from microcred.vc import openbadges as ob

    mc = credential.micro_credential
    org = credential.organization
    base = settings.PUBLIC_URL
    achievement_id = f"{base}/catalog/{mc.slug}/#achievement-v{mc.version}"
    criteria = list(mc.criteria.all())
    result_descriptions = []
    results = []
    for c in criteria:
        rd_id = f"{achievement_id}-criterion-{c.position}"
        pass_id, not_yet_id = f"{rd_id}-pass", f"{rd_id}-not-yet"
        result_descriptions.append(ob.result_description(
            id=rd_id, name=c.name,
            levels=[
                ob.rubric_criterion_level(id=pass_id, name="Pass", description=c.pass_descriptor),
                ob.rubric_criterion_level(id=not_yet_id, name="Not Yet",
                                          description=c.not_yet_descriptor),
            ],
        ))
        results.append(ob.result(result_description=rd_id, achieved_level=pass_id))
    narrative = f"{mc.key_method}\n\n" + "\n".join(
        f"- {c.name}: {c.pass_descriptor}" for c in criteria
    )
    achievement = ob.achievement(
        id=achievement_id, name=mc.title, description=mc.competency,
        criteria_narrative=narrative, result_descriptions=result_descriptions,
        version=str(mc.version),
    )
    issuer = ob.profile(id=identity.issuer_did(issuer_key), name=org.name, url=org.url or base)
    subject = ob.achievement_subject(
        achievement=achievement,
        identifier=[ob.identity_object(value=credential.learner.email)],
        results=results,
    )
    now = ob.now_iso()
    document: dict[str, Any] = ob.open_badge_credential(
        id=f"{base}/credentials/{credential.public_id}",
        issuer=issuer, achievement=achievement, subject=subject, valid_from=now,
        awarded_date=now,
        name=mc.title,
    )
    ob.validate_or_raise(document)
    return document


def credential_sign(*, credential_id: int) -> Credential:
    """Build, sign and store one credential (the background task calls this).

    Idempotent: an issued credential is returned unchanged, so a retried task never re-signs.
    The JSON text is serialized once and stored; nothing rebuilds it later.
    """
    from microcred.vc.data_integrity import sign

    with transaction.atomic():
        credential = (
            Credential.objects.select_for_update()
            .select_related("micro_credential", "organization", "learner")
            .get(pk=credential_id)
        )
        if credential.is_issued:
            return credential
        issuer_key = issuer_key_get_or_create(organization=credential.organization)
        key = issuer_key_load(issuer_key=issuer_key)
        document = _build_credential(credential, issuer_key)
        signed = sign(document, key=key, cryptosuite="eddsa-rdfc-2022",
                      verification_method=identity.verification_method_id(issuer_key))
        credential.signed_json = json.dumps(signed, ensure_ascii=False, indent=2)
        credential.credential_id = str(signed.get("id", ""))
        credential.issuer_key = issuer_key
        credential.status = Credential.Status.ISSUED
        credential.issued_at = timezone.now()
        credential.save(update_fields=["signed_json", "credential_id", "issuer_key", "status",
                                       "issued_at"])
        audit_record(actor=None, action="credential.issued", target=credential,
                     data={"credential_id": credential.credential_id})
    return credential
