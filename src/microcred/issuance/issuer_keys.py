"""An organization's signing keys, and the one way anything is signed as an organization.

Each organization has one active Ed25519 key, created on first use and stored sealed
(``microcred.sealing``, the issuer-key purpose: the secret never reaches the database or the
logs in clear). Rotating makes a new active key; the retired one stays listed (did:web) or
resolvable (did:key) and keeps signing its own status lists, so everything it signed keeps
verifying.

Every signature the platform makes as an issuer goes through :func:`issuer_sign`: a credential
signed one at a time (``services.credential_sign``), a stack credential (the same call), a bulk
issuance chunk (``bulk.signer``, in worker processes), a status list (``status_lists``), a
transcript (``transcripts``) and a credential sent to the VC-API (``vc_api``). One place says
which key, which verification method and which cryptosuite a proof names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred.actors import SYSTEM, Actor
from microcred.audit.services import audit_record
from microcred.issuance import identity
from microcred.issuance.models import IssuerKey
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import require_role
from microcred.sealing import Purpose, seal, unseal
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey

__all__ = [
    "CRYPTOSUITE",
    "IssuerSigner",
    "issuer_key_get_or_create",
    "issuer_key_load",
    "issuer_key_rotate",
    "issuer_sign",
    "issuer_signer",
]

logger = logging.getLogger(__name__)

#: What the platform signs with unless a caller (the VC-API) asks for another suite.
CRYPTOSUITE = "eddsa-rdfc-2022"


@dataclass(frozen=True)
class IssuerSigner:
    """A key unsealed, with the verification method its proofs name: everything signing needs
    and nothing of the database (bulk issuance rebuilds one in each worker process)."""

    key: Ed25519Multikey
    verification_method: str


def _key_row_create(*, organization: Organization) -> tuple[IssuerKey, Ed25519Multikey]:
    key = Ed25519Multikey.generate()
    row = IssuerKey.objects.create(
        organization=organization, public_multibase=key.public_multibase,
        sealed_secret=seal(json.dumps(key.to_json()), purpose=Purpose.ISSUER_KEY,
                           associated_data=key.public_multibase),
    )
    return row, key


def issuer_key_get_or_create(*, organization: Organization) -> IssuerKey:
    """The organization's active signing key, created (and sealed) on first use."""
    existing = IssuerKey.objects.filter(organization=organization, active=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row, key = _key_row_create(organization=organization)
            audit_record(actor=SYSTEM, action="issuer_key.created", target=row,
                         data={"public_multibase": key.public_multibase})
    except IntegrityError:
        # Another process created it first; theirs is the one.
        return IssuerKey.objects.get(organization=organization, active=True)
    logger.info("created issuer key %s for organization %s", key.public_multibase,
                organization.pk)
    return row


def issuer_key_load(*, issuer_key: IssuerKey) -> Ed25519Multikey:
    """The key's secret, unsealed (it stays in memory only)."""
    data = json.loads(unseal(issuer_key.sealed_secret, purpose=Purpose.ISSUER_KEY,
                             associated_data=issuer_key.public_multibase))
    return Ed25519Multikey.from_json(data)


def issuer_signer(*, issuer_key: IssuerKey) -> IssuerSigner:
    return IssuerSigner(key=issuer_key_load(issuer_key=issuer_key),
                        verification_method=identity.verification_method_id(issuer_key))


def issuer_key_rotate(*, actor: Actor, organization: Organization) -> IssuerKey:
    """Retire the active key and make a new one. The old key stays in the did:web document
    (and a did:key stays resolvable), and keeps signing its own status lists, so everything
    issued before keeps verifying."""
    require_role(actor, organization, Role.ADMIN,
                 message=_("Only an administrator of the issuing organization can do this."))
    with transaction.atomic():
        current = IssuerKey.objects.select_for_update().filter(
            organization=organization, active=True
        ).first()
        if current is not None:
            current.active = False
            current.save(update_fields=["active"])
        row, key = _key_row_create(organization=organization)
        audit_record(actor=actor, action="issuer_key.rotated", target=row,
                     data={"public_multibase": key.public_multibase,
                           "retired": current.public_multibase if current else None})
    return row


def issuer_sign(
    document: Mapping[str, Any], *, key: IssuerKey | IssuerSigner, cryptosuite: str = CRYPTOSUITE,
) -> dict[str, Any]:
    """``document`` with a Data Integrity proof by ``key`` (a key row is unsealed here; a bulk
    job unseals once and passes the ``IssuerSigner``)."""
    signer = issuer_signer(issuer_key=key) if isinstance(key, IssuerKey) else key
    signed: dict[str, Any] = sign(document, key=signer.key, cryptosuite=cryptosuite,
                                  verification_method=signer.verification_method)
    return signed
