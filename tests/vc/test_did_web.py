"""did:web over real HTTPS: a TLS server on loopback with a certificate made for the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred.vc.data_integrity import sign
from microcred.vc.did import Resolver
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.verifier import VerifyOptions, verify_report


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Site:
    """What the server answers: path -> (body, delay seconds); counts requests."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, float]] = {}
        self.redirects: dict[str, str] = {}
        self.hits: dict[str, int] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[Site, int, ssl.SSLContext]]:
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = _certificate(folder)
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            site.hits[self.path] = site.hits.get(self.path, 0) + 1
            if self.path in site.redirects:
                self.send_response(302)
                self.send_header("Location", site.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, delay = site.pages.get(self.path, (b"", 0.0))
            if delay:
                time.sleep(delay)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert_path))
    yield site, httpd.server_address[1], client_context
    httpd.shutdown()


def _publish(site: Site, port: int, path: str = "", delay: float = 0.0):
    key = Ed25519Multikey.generate()
    did = f"did:web:localhost%3A{port}" + (f":{path}" if path else "")
    vm = f"{did}#key-1"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [key.multikey_document(vm, did)],
        "assertionMethod": [vm],
    }
    url_path = f"/{path.replace(':', '/')}/did.json" if path else "/.well-known/did.json"
    site.pages[url_path] = (json.dumps(document).encode(), delay)
    return key, did, vm, url_path


def test_a_did_web_issuer_verifies_over_https(server, badge):
    site, port, context = server
    key, did, vm, _ = _publish(site, port, "issuers:riverside")
    badge["issuer"]["id"] = did
    signed = sign(badge, key=key, verification_method=vm)
    resolver = Resolver(allow_network=True, allow_private_addresses=True, ssl_context=context)
    report = verify_report(signed, VerifyOptions(resolver=resolver))
    assert report.verdict == "passed", [
        (c.name, c.message) for c in report.checks if c.outcome != "passed"
    ]
    assert did in report.check("issuer").message


def test_network_off_means_the_proof_could_not_be_checked(server, badge):
    site, port, _ = server
    key, did, vm, _ = _publish(site, port, "offline")
    badge["issuer"]["id"] = did
    report = verify_report(sign(badge, key=key, verification_method=vm))
    assert {c.name: c.outcome for c in report.checks}["proof"] == "unknown"
    assert "network" in report.check("proof").message


def test_documents_are_cached(server):
    site, port, context = server
    _, did, vm, url_path = _publish(site, port, "cached")
    resolver = Resolver(allow_network=True, allow_private_addresses=True, ssl_context=context)
    for _ in range(3):
        resolver.verification_method(vm)
    assert site.hits[url_path] == 1


def test_size_limit(server):
    site, port, context = server
    site.pages["/big/did.json"] = (b'{"id": "' + b"x" * 100_000 + b'"}', 0.0)
    with pytest.raises(ResolutionError) as caught:
        Resolver(
            allow_network=True, allow_private_addresses=True, ssl_context=context, max_bytes=10_000
        ).document(f"did:web:localhost%3A{port}:big")
    assert caught.value.code == "too_large"


def test_timeout(server):
    site, port, context = server
    _, did, _, _ = _publish(site, port, "slow", delay=3.0)
    started = time.monotonic()
    with pytest.raises(ResolutionError) as caught:
        Resolver(
            allow_network=True, allow_private_addresses=True, ssl_context=context, timeout=0.5
        ).document(did)
    assert caught.value.code == "fetch_failed"
    assert time.monotonic() - started < 2.5


def test_a_document_for_another_did_is_refused(server):
    site, port, context = server
    _, did, _, url_path = _publish(site, port, "liar")
    body = json.loads(site.pages[url_path][0])
    body["id"] = "did:web:elsewhere.example"
    site.pages[url_path] = (json.dumps(body).encode(), 0.0)
    with pytest.raises(ResolutionError) as caught:
        Resolver(allow_network=True, allow_private_addresses=True, ssl_context=context).document(
            did
        )
    assert caught.value.code == "invalid_document"


def test_an_untrusted_certificate_is_refused(server):
    site, port, _ = server
    _, did, _, _ = _publish(site, port, "untrusted")
    with pytest.raises(ResolutionError) as caught:
        Resolver(allow_network=True, allow_private_addresses=True).document(did)  # system CAs
    assert caught.value.code == "fetch_failed"
    assert "CERTIFICATE" in caught.value.message.upper()


def test_loopback_and_private_addresses_are_refused_by_default(server, caplog):
    site, port, context = server
    _, did, _, url_path = _publish(site, port, "private")
    with caplog.at_level("INFO", logger="microcred.vc.fetch"):
        with pytest.raises(ResolutionError) as caught:
            Resolver(allow_network=True, ssl_context=context).document(did)
    assert caught.value.code == "address_refused"
    # Whoever gave the URL learns that it is not reachable, not what the name resolves to;
    # the log keeps the address, under the code.
    assert caught.value.message.startswith("localhost is not reachable from here")
    assert "127.0.0.1" not in caught.value.message
    assert "127.0.0.1" in caplog.text and "address_refused" in caplog.text
    assert site.hits.get(url_path, 0) == 0  # refused before any request was sent


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "224.0.0.1",
    ],
)
def test_address_classification(address):
    from microcred.vc.fetch import is_public_address

    assert not is_public_address(address)
    assert is_public_address("93.184.216.34")


def test_redirects_are_followed_over_https_only(server):
    site, port, context = server
    _, did, _, url_path = _publish(site, port, "moved")
    site.pages["/new-home/did.json"] = site.pages.pop(url_path)
    site.redirects[url_path] = f"https://localhost:{port}/new-home/did.json"
    resolver = Resolver(allow_network=True, allow_private_addresses=True, ssl_context=context)
    assert resolver.document(did)["id"] == did
    site.redirects[url_path] = f"http://localhost:{port}/new-home/did.json"
    with pytest.raises(ResolutionError) as caught:
        Resolver(allow_network=True, allow_private_addresses=True, ssl_context=context).document(
            did
        )
    assert caught.value.code == "insecure_url"


def _fetch(port: int, context: ssl.SSLContext, path: str) -> bytes:
    from microcred.vc.fetch import fetch_bytes

    return fetch_bytes(
        f"https://localhost:{port}{path}",
        accept="application/json",
        ssl_context=context,
        allow_private=True,
    )


def test_three_redirects_are_followed_and_a_fourth_is_refused(server):
    from microcred.vc.fetch import MAX_REDIRECTS

    assert MAX_REDIRECTS == 3
    site, port, context = server
    base = f"https://localhost:{port}"
    site.pages["/hops/end"] = (b'{"arrived": true}', 0.0)
    for hop in range(4):  # /hops/0 -> 1 -> 2 -> 3 -> end: four redirects from 0, three from 1
        site.redirects[f"/hops/{hop}"] = f"{base}/hops/{hop + 1}" if hop < 3 else f"{base}/hops/end"
    assert _fetch(port, context, "/hops/1") == b'{"arrived": true}'
    assert site.hits["/hops/end"] == 1
    with pytest.raises(ResolutionError) as caught:
        _fetch(port, context, "/hops/0")
    assert caught.value.code == "fetch_failed"
    assert "redirects more than 3 times" in caught.value.message
    assert site.hits["/hops/3"] == 2  # its redirect was the fourth: refused, not followed
    assert site.hits["/hops/end"] == 1


def test_a_redirect_loop_is_followed_three_times_only(server):
    site, port, context = server
    site.redirects["/loop"] = f"https://localhost:{port}/loop"
    with pytest.raises(ResolutionError) as caught:
        _fetch(port, context, "/loop")
    assert caught.value.code == "fetch_failed"
    assert "redirects more than 3 times" in caught.value.message
    assert site.hits["/loop"] == 4  # the request and three redirects (urllib alone made five)


def test_a_refused_name_is_not_told_what_it_resolves_to(server, monkeypatch):
    # An internal name resolving to a private address: the message names what was asked for,
    # not where it leads.
    site, port, context = server
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    from microcred.vc.fetch import fetch_bytes

    with pytest.raises(ResolutionError) as caught:
        fetch_bytes("https://intranet.example/did.json", accept="application/json")
    assert caught.value.code == "address_refused"
    assert caught.value.message == (
        "intranet.example is not reachable from here: it is a private or local address, and "
        "microcred does not fetch from those"
    )
    assert "10.20" not in str(caught.value.as_dict())
