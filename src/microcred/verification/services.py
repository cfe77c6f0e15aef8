from __future__ import annotations

from typing import Any

from django.conf import settings

from microcred.issuance.identity import platform_documents

MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


def credential_verify(*, data: bytes | str) -> Any:
    """Verify any credential (ours or anyone's) and return the verifier's report.

    The platform answers for its own did:web and its own status lists without the network, so
    our pages show revoked, suspended and expired as they are. Other issuers' did:web documents
    and status lists are fetched only when the deployment allows it
    (``VERIFIER_ALLOW_NETWORK``, through the core's guarded fetcher, never to private addresses
    unless ``VERIFIER_ALLOW_PRIVATE_ADDRESSES``); otherwise their checks are reported as
    unknown ("could not be checked"), never as passed.
    """
    from microcred.issuance.status_lists import platform_status_list
    from microcred.vc.verifier import VerifyOptions, verify_report

    return verify_report(data, options=VerifyOptions(
        resolver=platform_documents, status_list_source=platform_status_list,
        allow_network=settings.VERIFIER_ALLOW_NETWORK,
        allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
    ))


def credential_fetch(*, url: str) -> bytes:
    """Fetch a credential (JSON, JWS or baked image) to verify it, through the credential
    core's guarded fetcher: HTTPS only, bounded in time and size, and never to loopback, private
    or link-local addresses (checked at connect time, redirects included) unless the deployment
    allows them (``VERIFIER_ALLOW_PRIVATE_ADDRESSES``)."""
    from django.utils.translation import gettext as _

    from microcred.errors import ValidationFailed
    from microcred.vc.errors import VCError
    from microcred.vc.fetch import fetch_bytes

    try:
        return fetch_bytes(
            url,
            accept="application/vc+ld+json, application/ld+json, application/json, "
                   "application/jwt, image/png, image/svg+xml",
            timeout=10.0, max_bytes=MAX_CREDENTIAL_BYTES,
            allow_private=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
        )
    except VCError as error:
        raise ValidationFailed(
            _("Could not fetch the credential: %(why)s") % {"why": error.message},
            code="fetch_refused", problems={"credential_url": error.message},
        ) from None
