"""Bounded HTTPS fetching for the rare checks that need the network (did:web, status lists).

Off unless the caller allows it; https only; time and size limited. Every connection is checked
*at the address actually connected to*: loopback, private, link-local, multicast and reserved
addresses are refused unless the caller allows them, so a credential cannot make a verifier probe
its own network (server-side request forgery), not through DNS tricks and not through redirects.
A caller's ``guard`` may refuse a URL before anything is sent.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from .errors import ResolutionError

__all__ = ["MAX_REDIRECTS", "fetch_bytes", "is_public_address"]

MAX_REDIRECTS = 3


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _GuardedConnection(http.client.HTTPSConnection):
    """Resolves the host itself and connects only to addresses that pass the check."""

    allow_private = False

    def connect(self) -> None:
        self.sock = self._connect_checked()
        server_hostname = self.host
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=server_hostname
        )

    def _connect_checked(self) -> socket.socket:
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ResolutionError(
                f"cannot resolve {self.host}: {exc.strerror or exc}", code="fetch_failed"
            ) from None
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            if not self.allow_private and not is_public_address(address):
                raise ResolutionError(
                    f"{self.host} resolves to {address}, a private or local address; "
                    "microcred does not fetch from those",
                    code="address_refused",
                )
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error or OSError(f"no address for {self.host}")


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not newurl.startswith("https://"):
            raise ResolutionError(
                f"{req.full_url} redirects to {newurl}, which is not https", code="insecure_url"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(allow_private: bool, context: ssl.SSLContext | None) -> urllib.request.OpenerDirector:
    class Connection(_GuardedConnection):
        pass

    Connection.allow_private = allow_private

    class Handler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req, context=context)

    return urllib.request.build_opener(Handler(context=context), _Redirects())


def fetch_bytes(
    url: str,
    *,
    accept: str,
    timeout: float = 5.0,
    max_bytes: int = 256 * 1024,
    guard: Callable[[str], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    allow_private: bool = False,
) -> bytes:
    if not url.startswith("https://"):
        raise ResolutionError(f"{url} is not an https URL", code="insecure_url")
    if guard is not None:
        guard(url)
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - https only
    try:
        with _opener(allow_private, ssl_context).open(request, timeout=timeout) as response:
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        # The status is kept for callers it means something to (Open Badges 2.0: 410 Gone is
        # a revoked hosted assertion).
        exc.close()
        raise ResolutionError(
            f"could not fetch {url}: HTTP {exc.code} {exc.reason}",
            code="fetch_failed",
            status=exc.code,
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ResolutionError):
            raise reason from None
        raise ResolutionError(f"could not fetch {url}: {reason}", code="fetch_failed") from None
    except OSError as exc:
        raise ResolutionError(f"could not fetch {url}: {exc}", code="fetch_failed") from None
    if len(body) > max_bytes:
        raise ResolutionError(f"{url} is larger than {max_bytes:,} bytes", code="too_large")
    return body
