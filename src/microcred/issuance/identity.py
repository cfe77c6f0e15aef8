"""Who the issuer is, as a DID.

Embedded (no https public URL): each organization's issuer is the ``did:key`` of its signing key,
which any verifier resolves offline. With an https ``MICROCRED_PUBLIC_URL`` the issuer is
``did:web`` for that host (did:web spec §3.2: the host, a port percent-encoded) and
``/.well-known/did.json`` lists every organization key as a Multikey verification method
(Controlled Identifiers 1.0 §2.2.2) usable for ``assertionMethod``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from microcred.issuance.models import IssuerKey
from microcred.orgs.models import Organization
from microcred.vc import openbadges as ob
from microcred.vc.keys import Ed25519PublicMultikey

__all__ = ["uses_did_web", "web_did", "issuer_did", "verification_method_id", "did_web_document",
           "organization_profile", "platform_documents"]

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def uses_did_web() -> bool:
    return bool(settings.ISSUER_DID_METHOD == "web")


def web_did() -> str:
    return "did:web:" + settings.PUBLIC_HOST.replace(":", "%3A")


def issuer_did(key: IssuerKey) -> str:
    if uses_did_web():
        return web_did()
    return Ed25519PublicMultikey.from_multibase(key.public_multibase).did


def organization_profile(organization: Organization) -> dict[str, Any]:
    """The organization's issuer ``Profile`` as its credentials name it: its DID (did:web, or the
    did:key of its active signing key). Before the organization has a key (nothing issued yet)
    the profile is named by the organization's web site; no key is made on a read. The
    catalog's Achievement names it as its ``creator`` (installed in ``IssuanceConfig.ready``)."""
    key = IssuerKey.objects.filter(organization=organization, active=True).first()
    site = organization.url or settings.PUBLIC_URL
    if uses_did_web() or key is not None:
        profile_id = web_did() if key is None else issuer_did(key)
    else:
        profile_id = site
    return ob.profile(id=profile_id, name=organization.name, url=site)


def verification_method_id(key: IssuerKey) -> str:
    if uses_did_web():
        return f"{web_did()}#{key.public_multibase}"
    return Ed25519PublicMultikey.from_multibase(key.public_multibase).verification_method


def did_web_document() -> dict[str, Any]:
    """The platform's did:web document: every key ever used, so old credentials still verify."""
    did = web_did()
    methods = [
        Ed25519PublicMultikey.from_multibase(k.public_multibase).multikey_document(
            id=f"{did}#{k.public_multibase}", controller=did
        )
        for k in IssuerKey.objects.order_by("id")
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def platform_documents(identifier: str) -> dict[str, Any] | None:
    """A resolver for the verifier: answers for this platform's own did:web without network."""
    if not uses_did_web():
        return None
    base = identifier.split("#", 1)[0]
    if base in {web_did(), f"{settings.PUBLIC_URL}/.well-known/did.json"}:
        return did_web_document()
    return None
