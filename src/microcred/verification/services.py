from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from microcred.issuance.identity import platform_documents

MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


def _document(data: bytes | str) -> Any:
    """The credential as JSON when it is JSON or a baked image holding JSON, to find our own
    status lists before verifying (a JWS is found after a first pass)."""
    if isinstance(data, bytes) and (data[:8] == b"\x89PNG\r\n\x1a\n"
                                    or data.lstrip()[:1] == b"<"):
        from microcred.vc.baking import unbake
        from microcred.vc.errors import VCError

        try:
            data = unbake(data).text
        except VCError:
            return None
    try:
        return json.loads(data)
    except (ValueError, TypeError):
        return None


def credential_verify(*, data: bytes | str) -> Any:
    """Verify any credential (ours or anyone's) and return the verifier's report.

    The platform answers for its own did:web and its own status lists without the network, so
    our pages show revoked, suspended and expired as they are. Other issuers' did:web documents
    and status lists are fetched only when the deployment allows it
    (``VERIFIER_ALLOW_NETWORK``, through the core's guarded fetcher, never to private addresses
    unless ``VERIFIER_ALLOW_PRIVATE_ADDRESSES``); otherwise their checks are reported as
    unknown ("could not be checked"), never as passed.
    """
    from microcred.issuance.status_lists import platform_status_lists
    from microcred.vc.verifier import VerifyOptions, verify_report

    def options(status_lists: dict[str, Any]) -> VerifyOptions:
        return VerifyOptions(
            resolver=platform_documents, status_lists=status_lists, now=None,
            allow_network=settings.VERIFIER_ALLOW_NETWORK,
            allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
        )

    lists = platform_status_lists(_document(data))
    report = verify_report(data, options=options(lists))
    if not lists and report.credential is not None:
        # A baked image or a JWS: now that it is read, look for our own lists in it.
        lists = platform_status_lists(report.credential)
        if lists:
            report = verify_report(data, options=options(lists))
    return report


def credential_fetch(*, url: str) -> bytes:
    """Fetch a credential (JSON, JWS or baked image) to verify it, through the credential
    core's guarded fetcher: HTTPS only, bounded in time and size, and never to loopback, private
    or link-local addresses (checked at connect time, redirects included) unless the deployment
    allows them (``VERIFIER_ALLOW_PRIVATE_ADDRESSES``)."""
    from django.utils.translation import gettext as _

    from microcred.errors import ValidationFailed
    from microcred.vc._internal.http import fetch_bytes
    from microcred.vc.errors import VCError

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
