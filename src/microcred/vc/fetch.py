"""Bounded HTTPS fetching for the rare checks that need the network (did:web, status lists).

Off unless the caller allows it; https only; size limited; and one deadline for the whole fetch.
A socket timeout alone bounds each read, not the fetch: a server that trickles a byte every few
seconds would hold the caller (a web worker) for as long as it likes. So ``timeout`` is the time
the whole fetch may take, name resolution, connection, TLS handshake, request, redirects,
headers and body together, and every step gets only what is left of it.

Every connection is checked *at the address actually connected to*: loopback, private,
link-local, multicast and reserved addresses are refused unless the caller allows them, so a
credential cannot make a verifier probe its own network (server-side request forgery), not
through DNS tricks and not through redirects. The refusal does not say what a name resolved to:
the person who gave the URL may be anyone, and the verifier's network is none of their business
(the address goes to the log, under the code ``address_refused``). A caller's ``guard`` may
refuse a URL before anything is sent.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from .errors import ResolutionError

__all__ = ["DEFAULT_TIMEOUT", "MAX_REDIRECTS", "fetch_bytes", "is_public_address"]

#: Redirects one fetch may follow; the next one is refused.
MAX_REDIRECTS = 3
#: Seconds one fetch may take from start to finish when the caller does not say (read at each
#: fetch, so a deployment may set it once for did:web, status lists and Open Badges 2.0 alike).
DEFAULT_TIMEOUT = 10.0

_log = logging.getLogger(__name__)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _Deadline:
    """The end of one fetch; every blocking step asks it how long it may wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline has passed")
        return left

    def passed(self) -> bool:
        return time.monotonic() >= self.end


def _resolve(host: str, port: int, deadline: _Deadline) -> list[Any]:
    """``getaddrinfo`` within the deadline. The system resolver cannot be interrupted, so it runs
    in a daemon thread that the fetch stops waiting for (it ends at the resolver's own timeout)."""
    answer: list[Any] = []

    def run() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            answer.append(exc)

    thread = threading.Thread(target=run, name="microcred-fetch-resolve", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if not answer:
        raise TimeoutError(f"resolving {host} took too long")
    if isinstance(answer[0], OSError):
        raise ResolutionError(
            f"cannot resolve {host}: {answer[0].strerror or answer[0]}", code="fetch_failed"
        )
    infos: list[Any] = answer[0]
    return infos


class _DeadlineReader(io.RawIOBase):
    """The response's stream: each receive may wait only for what is left of the deadline (a
    plain socket timeout restarts with every byte, so headers or a body sent a byte at a time
    would never time out)."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # counted, so closing the socket waits
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(self._deadline.remaining())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """The TLS socket as ``http.client`` uses it (send, read through ``makefile``, close), with
    the deadline applied to every send and receive."""

    def __init__(self, sock: ssl.SSLSocket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: Any) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _GuardedConnection(http.client.HTTPSConnection):
    """Resolves the host itself and connects only to addresses that pass the check."""

    allow_private = False
    deadline: _Deadline  # set per fetch (see _opener)

    def connect(self) -> None:
        sock = self._connect_checked()
        sock.settimeout(self.deadline.remaining())  # the TLS handshake
        tls = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self.host
        )
        self.sock = _DeadlineSocket(tls, self.deadline)

    def _connect_checked(self) -> socket.socket:
        infos = _resolve(self.host, self.port, self.deadline)
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            if not self.allow_private and not is_public_address(address):
                _log.info(
                    "refused to fetch from %s: it resolves to %s [address_refused]",
                    self.host,
                    address,
                )
                raise ResolutionError(
                    f"{self.host} is not reachable from here: it is a private or local "
                    "address, and microcred does not fetch from those",
                    code="address_refused",
                )
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self.deadline.remaining())
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error or OSError(f"no address for {self.host}")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Https only, and at most :data:`MAX_REDIRECTS` of them in all: urllib's own loop detection
    counts a URL repeated up to four times (``max_repeats``), whatever ``max_redirections``
    says, so this handler keeps the count itself (one handler per fetch)."""

    def __init__(self) -> None:
        self.followed = 0

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not newurl.startswith("https://"):
            raise ResolutionError(
                f"{req.full_url} redirects to {newurl}, which is not https", code="insecure_url"
            )
        if self.followed >= MAX_REDIRECTS:
            fp.close()
            raise ResolutionError(
                f"could not fetch {req.full_url}: it redirects more than {MAX_REDIRECTS} times",
                code="fetch_failed",
            )
        self.followed += 1
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(
    allow_private: bool, context: ssl.SSLContext | None, deadline: _Deadline
) -> urllib.request.OpenerDirector:
    class Connection(_GuardedConnection):
        pass

    Connection.allow_private = allow_private
    Connection.deadline = deadline

    class Handler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req, context=context)

    return urllib.request.build_opener(Handler(context=context), _Redirects())


def _read_body(response: Any, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes, however the server splits them."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk: bytes = response.read(min(64 * 1024, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def fetch_bytes(
    url: str,
    *,
    accept: str,
    timeout: float | None = None,
    max_bytes: int = 256 * 1024,
    guard: Callable[[str], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    allow_private: bool = False,
) -> bytes:
    """The body at ``url``; ``timeout`` is the deadline of the whole fetch, in seconds
    (:data:`DEFAULT_TIMEOUT` when ``None``).

    Raises :class:`ResolutionError`: ``insecure_url``, ``address_refused``, ``too_large``, or
    ``fetch_failed`` (HTTP errors, with ``status``; TLS, connection and timeouts, saying so).
    ``ssl_context`` and ``allow_private`` exist for tests (a server on loopback with its own
    certificate) and for deployments whose issuers live on their own network.
    """
    if not url.startswith("https://"):
        raise ResolutionError(f"{url} is not an https URL", code="insecure_url")
    if guard is not None:
        guard(url)
    seconds = DEFAULT_TIMEOUT if timeout is None else timeout
    deadline = _Deadline(seconds)
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - https only
    try:
        opener = _opener(allow_private, ssl_context, deadline)
        with opener.open(request, timeout=seconds) as response:
            body = _read_body(response, max_bytes)
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
        if deadline.passed() or isinstance(reason, TimeoutError):
            raise _timed_out(url, seconds) from None
        raise ResolutionError(f"could not fetch {url}: {reason}", code="fetch_failed") from None
    except (OSError, http.client.HTTPException) as exc:
        if deadline.passed() or isinstance(exc, TimeoutError):
            raise _timed_out(url, seconds) from None
        raise ResolutionError(f"could not fetch {url}: {exc}", code="fetch_failed") from None
    if len(body) > max_bytes:
        raise ResolutionError(f"{url} is larger than {max_bytes:,} bytes", code="too_large")
    return body


def _timed_out(url: str, seconds: float) -> ResolutionError:
    return ResolutionError(
        f"could not fetch {url}: it timed out (no complete answer within {seconds:g} seconds)",
        code="fetch_failed",
        timed_out=True,
    )
