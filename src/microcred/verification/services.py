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
    from microcred.vc.verifier import verify_report

    return verify_report(data, options=_options())


def _options() -> Any:
    from microcred.issuance.status_lists import platform_status_list
    from microcred.vc.verifier import VerifyOptions

    return VerifyOptions(
        resolver=platform_documents, status_list_source=platform_status_list,
        allow_network=settings.VERIFIER_ALLOW_NETWORK,
        allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
    )


def presentation_verify(
    *, data: dict[str, Any], challenge: str | None = None,
    domain: str | list[str] | None = None,
) -> Any:
    """Verify a verifiable presentation with the same trust as :func:`credential_verify`: its
    proof (``authentication``, carrying ``challenge`` and ``domain`` when they are expected),
    that its holder signed it, and every credential in it."""
    from microcred.vc.presentation import verify_presentation

    return verify_presentation(data, _options(), expected_challenge=challenge,
                               expected_domain=domain)


def ob2_verify(*, data: bytes | str, email: str | None = None) -> Any:
    """Verify an Open Badges 2.0 assertion (JSON, signed JWS, hosted URL or baked image).

    Open Badges 2.0 has no proof inside the badge: the issuer's site is the authority (the
    hosted copy, or the published signing key), so this needs the network; without it the
    proof is reported as unknown. ``email``, when given, must be the badge's recipient."""
    from microcred.vc.ob2 import Ob2Options, verify_ob2

    return verify_ob2(data, Ob2Options(
        allow_network=settings.VERIFIER_ALLOW_NETWORK,
        allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
        timeout=10.0, recipient_email=email,
    ))


def is_ob2(data: bytes | str) -> bool:
    from microcred.vc.ob2 import is_ob2 as carries_ob2

    return carries_ob2(data)


def is_presentation(document: Any) -> bool:
    kind = document.get("type") if isinstance(document, dict) else None
    return "VerifiablePresentation" in (kind if isinstance(kind, list) else [kind])


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
