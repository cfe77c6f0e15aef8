"""What a learner shares: badge images (plain and baked), the printable certificate, the
LinkedIn "Add to profile" link, share links and an embed snippet.

Baked images carry the stored credential text exactly (OB 3.0 §5.3 Baking: PNG ``iTXt``
``openbadgecredential``, SVG ``openbadges:credential``), so unbaking gives back the stored bytes.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.catalog.badges import badge_generated_svg, badge_image_bytes, badge_png_bytes
from microcred.catalog.models import MicroCredential, Stack
from microcred.errors import MicrocredError
from microcred.issuance.models import Credential
from microcred.vc.baking import bake_png, bake_svg
from microcred.vc.verifier import Report

__all__ = ["CertificateBusy", "badge_png", "badge_svg", "baked_png", "baked_svg",
           "certificate_pdf", "certificate_pdf_cached",
           "linkedin_url", "share_links", "embed_snippet", "public_url", "qr_svg"]


def badge_png(source: MicroCredential | Stack) -> bytes:
    """The badge as PNG: the uploaded PNG, else the generated badge (``catalog.badges``, the
    same drawing as the SVG)."""
    return badge_png_bytes(source)


def badge_svg(source: MicroCredential | Stack) -> bytes:
    """The badge as SVG: the uploaded SVG, an uploaded PNG wrapped in SVG, else the one
    generated from the title and the author's colours (``catalog.badges``)."""
    if not isinstance(source, MicroCredential):
        return badge_generated_svg(title=source.title, colour=source.badge_colour,
                                   accent=source.badge_accent)
    body, media_type = badge_image_bytes(source)
    if media_type == "image/svg+xml":
        return body
    title = escape(source.title)
    data = base64.b64encode(body).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" '
            f'height="400" role="img" aria-label="{title}"><title>{title}</title>'
            f'<image width="400" height="400" href="data:image/png;base64,{data}"/></svg>'
            ).encode()


def baked_png(credential: Credential) -> bytes:
    return bake_png(badge_png(credential.badge_source), credential.signed_json)


def baked_svg(credential: Credential) -> bytes:
    return bake_svg(badge_svg(credential.badge_source), credential.signed_json)


def public_url(credential: Credential) -> str:
    return settings.PUBLIC_URL + reverse("issuance:credential", args=[credential.public_id])


def qr_svg(url: str) -> str:
    """A QR code (ISO/IEC 18004, error correction M) as a data: URI for the certificate."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


class CertificateBusy(MicrocredError):
    """Every certificate renderer of this process is busy: try again in a moment."""

    code = "busy"
    http_status = 503


#: Renders at once in one process. A render takes about a second of CPU; more at once only
#: slows every other request of the process (16 at once made ``/healthz`` take 11 s).
CERTIFICATE_RENDERS = 1
#: How long a request waits for a renderer before it is told to come back (503 Retry-After).
CERTIFICATE_WAIT_SECONDS = 5.0
CERTIFICATE_LIFETIME = 24 * 3600  # seconds; a state change names a new key at once
_renderers = threading.BoundedSemaphore(CERTIFICATE_RENDERS)


def certificate_pdf_cached(credential: Credential, *, revision: str,
                           report: Callable[[], Report]) -> bytes:
    """The certificate, rendered once per state of the credential (``revision``: its status,
    from ``page_cache.revision``), language and name on it, and at most
    ``CERTIFICATE_RENDERS`` at a time; ``CertificateBusy`` when no renderer frees up in
    ``CERTIFICATE_WAIT_SECONDS``."""
    name = hashlib.sha256(credential.learner.display_name.encode()).hexdigest()[:16]
    key = f"certificate-pdf:{credential.public_id}:{revision}:{get_language()}:{name}"
    pdf: bytes | None = cache.get(key)
    if pdf is not None:
        return pdf
    if not _renderers.acquire(timeout=CERTIFICATE_WAIT_SECONDS):
        raise CertificateBusy(_("Certificates are being made for many people right now. "
                                "Please try again in a moment."))
    try:
        pdf = cache.get(key)  # made while this request waited
        if pdf is None:
            pdf = certificate_pdf(credential, report=report())
            cache.set(key, pdf, CERTIFICATE_LIFETIME)
        return pdf
    finally:
        _renderers.release()


def certificate_pdf(credential: Credential, *, report: Report) -> bytes:
    """A printable certificate (A4 landscape) with a QR code pointing at the public page."""
    import weasyprint

    url = public_url(credential)
    # The PNG the credential's Achievement names as its image, as base64: a data: URI needs no
    # escaping beyond the template's own (raw SVG markup escaped twice never loaded).
    badge = base64.b64encode(badge_png(credential.badge_source)).decode("ascii")
    html = render_to_string("issuance/certificate.html", {
        "credential": credential, "url": url, "qr": qr_svg(url), "report": report,
        "badge": "data:image/png;base64," + badge,
    })
    # Everything the certificate shows is inline: nothing is fetched from the network or the
    # disk, whatever a badge or a title might say.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return bytes(weasyprint.HTML(string=html, base_url=settings.PUBLIC_URL,
                                 url_fetcher=fetcher).write_pdf())


def linkedin_url(credential: Credential) -> str:
    """LinkedIn's "Add to profile" form, prefilled as a certification (name, issuing
    organization, issue and expiry month, credential id and URL)."""
    issued = credential.issued_at
    params: dict[str, Any] = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.title,
        "organizationName": credential.organization.name,
        "issueYear": issued.year if issued else "",
        "issueMonth": issued.month if issued else "",
        "certUrl": public_url(credential),
        "certId": str(credential.public_id),
    }
    if credential.valid_until:
        params["expirationYear"] = credential.valid_until.year
        params["expirationMonth"] = credential.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def share_links(credential: Credential) -> list[tuple[str, str]]:
    url = public_url(credential)
    text = credential.title
    return [
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": text})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("Email", "mailto:?" + urlencode({"subject": text, "body": url})),
    ]


def embed_snippet(credential: Credential) -> str:
    url = public_url(credential)
    if credential.stack_id is not None:
        image = settings.PUBLIC_URL + reverse("catalog:stack_badge", args=[credential.stack.slug])
    else:
        image = settings.PUBLIC_URL + reverse("issuance:badge_image",
                                              args=[credential.micro_credential.slug])
    title = escape(credential.title)
    issuer = escape(credential.organization.name)
    return (
        f'<a href="{escape(url)}" title="{title}">'
        f'<img src="{escape(image)}" alt="{title}, issued by {issuer}" width="120" height="120">'
        "</a>"
    )
