"""One deadline for a whole fetch, against a real TLS server on loopback that answers slowly.

The server trickles a byte every 0.3 s: a socket timeout (which restarts with every byte) never
fires, so before the deadline one such server held a web worker until gunicorn killed it. Every
network read of the core goes through ``microcred.vc.fetch``: the fetcher itself, did:web, Open
Badges 2.0 hosted assertions and status lists are each checked here to give up at the deadline
with a clear timeout error. The bounds on the elapsed time are generous (CI machines are slow);
what they rule out is waiting for the server.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from microcred.vc import fetch
from microcred.vc.data_integrity import sign
from microcred.vc.did import Resolver
from microcred.vc.errors import ResolutionError
from microcred.vc.fetch import fetch_bytes
from microcred.vc.ob2 import Ob2Options, verify_ob2
from microcred.vc.verifier import VerifyOptions, verify_report

from .test_did_web import _certificate

DEADLINE = 1.5
INTERVAL = 0.3  # well under the deadline: a per-read timeout would wait forever
SLACK = 2.0  # the deadline plus this is still far from what the server would take (> 30 s)
BODY = b'{"id": "' + b"x" * 200 + b'"}'


class Trickle:
    """A TLS server on 127.0.0.1 whose ``mode`` says how it stalls: ``handshake`` (accepts the
    connection, never answers the TLS handshake), ``headers`` (the response a byte at a time
    from its first line) or ``body`` (headers at once, then the body a byte at a time)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.mode = "headers"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _drip(self, connection: Any, data: bytes) -> None:
        for index in range(len(data)):
            if self.stopped.is_set():
                return
            connection.sendall(data[index : index + 1])
            time.sleep(INTERVAL)

    def _answer(self, connection: socket.socket) -> None:
        mode = self.mode
        try:
            if mode == "handshake":
                self.stopped.wait(30)
                return
            tls = self.context.wrap_socket(connection, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = tls.recv(4096)
                if not chunk:
                    return
                request += chunk
            head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n"
            )
            if mode == "headers":
                self._drip(tls, head + BODY)
            else:
                tls.sendall(head)
                self._drip(tls, BODY)
        except OSError:
            pass  # the client gave up: that is the point
        finally:
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> tuple[ssl.SSLContext, ssl.SSLContext, str]:
    """(server context, client context trusting the test certificate, the certificate's path)."""
    cert_path, key_path = _certificate(tmp_path_factory.mktemp("trickle-tls"))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    return server_context, ssl.create_default_context(cafile=str(cert_path)), str(cert_path)


@pytest.fixture
def trickle(tls) -> Iterator[Trickle]:
    server = Trickle(tls[0])
    yield server
    server.close()


def assert_timed_out(error: ResolutionError, started: float, deadline: float = DEADLINE) -> None:
    elapsed = time.monotonic() - started
    assert error.code == "fetch_failed"
    assert "timed out" in error.message and f"{deadline:g} seconds" in error.message
    assert error.details.get("timed_out") is True
    assert deadline - 0.1 <= elapsed < deadline + SLACK, elapsed


@pytest.mark.parametrize("mode", ["handshake", "headers", "body"])
def test_a_slow_server_is_given_up_on_at_the_deadline(trickle, tls, mode):
    trickle.mode = mode
    started = time.monotonic()
    with pytest.raises(ResolutionError) as caught:
        fetch_bytes(
            f"https://localhost:{trickle.port}/slow",
            accept="application/json",
            timeout=DEADLINE,
            ssl_context=tls[1],
            allow_private=True,
        )
    assert_timed_out(caught.value, started)


def test_a_fast_answer_within_the_deadline_is_read_whole(trickle, tls, monkeypatch):
    # The same server with no pause: the deadline bounds, it does not cut short.
    monkeypatch.setattr(f"{__name__}.INTERVAL", 0.0)
    trickle.mode = "body"
    body = fetch_bytes(
        f"https://localhost:{trickle.port}/fast",
        accept="application/json",
        timeout=DEADLINE,
        ssl_context=tls[1],
        allow_private=True,
    )
    assert body == BODY


def test_the_default_deadline_is_read_at_each_fetch(trickle, tls, monkeypatch):
    assert fetch.DEFAULT_TIMEOUT == 10.0
    monkeypatch.setattr(fetch, "DEFAULT_TIMEOUT", DEADLINE)
    started = time.monotonic()
    with pytest.raises(ResolutionError) as caught:
        fetch_bytes(
            f"https://localhost:{trickle.port}/slow",
            accept="application/json",
            ssl_context=tls[1],
            allow_private=True,
        )
    assert_timed_out(caught.value, started)


def test_did_web_resolution_has_the_deadline(trickle, tls):
    resolver = Resolver(
        allow_network=True, allow_private_addresses=True, ssl_context=tls[1], timeout=DEADLINE
    )
    started = time.monotonic()
    with pytest.raises(ResolutionError) as caught:
        resolver.document(f"did:web:localhost%3A{trickle.port}")
    assert_timed_out(caught.value, started)


def test_a_hosted_open_badges_2_assertion_has_the_deadline(trickle, tls):
    url = f"https://localhost:{trickle.port}/assertions/1"
    issuer = {"id": f"https://localhost:{trickle.port}/issuer", "type": "Issuer", "name": "X",
              "url": f"https://localhost:{trickle.port}/"}
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": url,
        "recipient": {"type": "email", "hashed": False, "identity": "ana@example.org"},
        "badge": {"id": f"https://localhost:{trickle.port}/badge", "type": "BadgeClass",
                  "name": "B", "description": "D", "image": "data:image/png;base64,iVBORw0KGgo=",
                  "criteria": {"narrative": "N"}, "issuer": issuer},
        "issuedOn": "2026-01-10T12:00:00Z",
        "verification": {"type": "HostedBadge"},
    }
    options = Ob2Options(
        allow_network=True, allow_private_addresses=True, ssl_context=tls[1], timeout=DEADLINE
    )
    started = time.monotonic()
    report = verify_ob2(assertion, options)
    elapsed = time.monotonic() - started
    proof = report.check("proof")
    assert proof is not None and proof.outcome == "unknown"
    assert proof.code == "proof.ob2_hosted_unreachable" and "timed out" in proof.message
    assert DEADLINE - 0.1 <= elapsed < DEADLINE + SLACK, elapsed


def test_a_status_list_has_the_deadline(trickle, tls, badge, issuer_key, monkeypatch):
    # The verifier fetches status lists with the fetcher's default deadline and the system's
    # certificates: here the test certificate (OpenSSL reads SSL_CERT_FILE for each context).
    monkeypatch.setattr(fetch, "DEFAULT_TIMEOUT", DEADLINE)
    monkeypatch.setenv("SSL_CERT_FILE", tls[2])
    url = f"https://localhost:{trickle.port}/status/1"
    badge["credentialStatus"] = {
        "id": f"{url}#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": url,
    }
    signed = sign(badge, key=issuer_key)
    started = time.monotonic()
    report = verify_report(
        signed, VerifyOptions(allow_network=True, allow_private_addresses=True)
    )
    elapsed = time.monotonic() - started
    status = report.check("status")
    assert status is not None and status.outcome == "unknown"
    assert "timed out" in status.message, status.message
    assert DEADLINE - 0.1 <= elapsed < DEADLINE + SLACK, elapsed


def test_many_status_lists_share_one_budget(trickle, tls, badge, issuer_key, monkeypatch):
    """A credential citing several lists on slow servers: each fetch has its deadline, and all
    of them together the verification's ``network_budget``, so the caller is held for the
    budget, not for the number of lists times the deadline."""
    monkeypatch.setattr(fetch, "DEFAULT_TIMEOUT", DEADLINE)
    monkeypatch.setenv("SSL_CERT_FILE", tls[2])
    badge["credentialStatus"] = [
        {"id": f"https://localhost:{trickle.port}/status/{n}#5",
         "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
         "statusListIndex": "5",
         "statusListCredential": f"https://localhost:{trickle.port}/status/{n}"}
        for n in range(4)
    ]
    signed = sign(badge, key=issuer_key)
    started = time.monotonic()
    report = verify_report(signed, VerifyOptions(
        allow_network=True, allow_private_addresses=True, network_budget=DEADLINE * 1.5))
    elapsed = time.monotonic() - started
    status = report.check("status")
    assert status is not None and status.outcome == "unknown"
    assert "timed out" in status.message and "used up" in status.message, status.message
    # Two fetches at most (the second cut to what is left), never four deadlines.
    assert elapsed < DEADLINE * 1.5 + SLACK < 4 * DEADLINE, elapsed
