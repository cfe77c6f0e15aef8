"""Bounded HTTPS fetching for the rare checks that need the network (did:web, status lists).

Off unless the caller allows it; https only; time and size limited; a caller's ``guard`` may
refuse a URL (private addresses, for example) before anything is sent.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Callable

from ..errors import ResolutionError

__all__ = ["fetch_bytes"]


def fetch_bytes(
    url: str,
    *,
    accept: str,
    timeout: float = 5.0,
    max_bytes: int = 256 * 1024,
    guard: Callable[[str], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> bytes:
    if not url.startswith("https://"):
        raise ResolutionError(f"{url} is not an https URL", code="insecure_url")
    if guard is not None:
        guard(url)
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - https only
    try:
        with urllib.request.urlopen(  # noqa: S310 - https only
            request, timeout=timeout, context=ssl_context
        ) as response:
            body: bytes = response.read(max_bytes + 1)
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ResolutionError(f"could not fetch {url}: {reason}", code="fetch_failed") from None
    if len(body) > max_bytes:
        raise ResolutionError(f"{url} is larger than {max_bytes:,} bytes", code="too_large")
    return body
