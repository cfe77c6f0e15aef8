"""Open Badges 2.0 verification (microcred.vc.ob2) against a real HTTPS issuer site on loopback:
hosted and signed assertions, revocation, recipient hashes, origins, tampering, baked images."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import ssl
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import RSAKey
from PIL import Image

from microcred.vc import ob2
from microcred.vc.keys import RsaKey
from microcred.vc.ob2 import Ob2Options, is_ob2, recipient_matches, verify_ob2
from microcred.vc.verifier import MESSAGES

from .test_did_web import _certificate

EMAIL = "Ana.Learner@example.org"
SALT = "s4lt-8c1f"


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes]] = {}
        self.base = ""

    def put(self, path: str, document: Any, status: int = 200) -> str:
        self.pages[path] = (status, json.dumps(document).encode())
        return self.base + path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Site, ssl.SSLContext]]:
    cert_path, key_path = _certificate(tmp_path_factory.mktemp("ob2-tls"))
    pages = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            status, body = pages.pages.get(self.path, (404, b""))
            self.send_response(status)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    pages.base = f"https://localhost:{httpd.server_address[1]}"
    yield pages, ssl.create_default_context(cafile=str(cert_path))
    httpd.shutdown()


def options(context: ssl.SSLContext, **extra: Any) -> Ob2Options:
    return Ob2Options(allow_network=True, allow_private_addresses=True, ssl_context=context,
                      now=datetime(2026, 6, 1, tzinfo=UTC), **extra)


def hashed(email: str, algorithm: str = "sha256") -> dict[str, Any]:
    digest = hashlib.new(algorithm, (email + SALT).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": SALT, "identity": f"{algorithm}${digest}"}


def publish(site: Site, name: str, *, verification: dict[str, Any] | None = None,
            issuer_extra: dict[str, Any] | None = None, **assertion_extra: Any) -> dict[str, Any]:
    """Publish an issuer, a badge class and a hosted assertion; return the assertion."""
    issuer = {"@context": ob2.OB2_CONTEXT, "type": "Issuer", "id": f"{site.base}/{name}/issuer",
              "name": "Elsewhere Academy", "url": site.base, "email": "badges@elsewhere.example",
              **(issuer_extra or {})}
    site.put(f"/{name}/issuer", issuer)
    badge = {"@context": ob2.OB2_CONTEXT, "type": "BadgeClass", "id": f"{site.base}/{name}/badge",
             "name": "Data Literacy", "description": "Reads and questions charts.",
             "image": "data:image/png;base64,iVBORw0KGgo=",
             "criteria": {"narrative": "Pass the quiz."}, "issuer": issuer["id"]}
    site.put(f"/{name}/badge", badge)
    assertion = {"@context": ob2.OB2_CONTEXT, "type": "Assertion",
                 "id": f"{site.base}/{name}/assertion", "recipient": hashed(EMAIL),
                 "badge": badge["id"], "issuedOn": "2026-01-10T12:00:00Z",
                 "verification": verification or {"type": "HostedBadge"}, **assertion_extra}
    site.put(f"/{name}/assertion", assertion)
    return assertion


def outcomes(report: Any) -> dict[str, str]:
    return {c.name: c.outcome for c in report.checks}


def codes(report: Any) -> dict[str, str]:
    return {c.name: c.code for c in report.checks}


def assert_coded(report: Any) -> None:
    for check in report.checks:
        assert check.code in MESSAGES, check.code
        assert check.message == MESSAGES[check.code] % dict(check.params)
        assert set(re.findall(r"%\((\w+)\)s", MESSAGES[check.code])) == set(check.params)


# -- hosted -----------------------------------------------------------------------------------


def test_a_hosted_assertion_verifies(site) -> None:
    pages, context = site
    assertion = publish(pages, "hosted")
    report = verify_ob2(assertion, options(context, recipient_email=EMAIL))
    assert report.verdict == "passed", [(c.name, c.message) for c in report.checks]
    assert codes(report) == {
        "format": "format.ob2_json", "schema": "schema.ob2_valid", "proof": "proof.ob2_hosted",
        "issuer": "issuer.ob2_hosted", "validity": "validity.valid",
        "status": "status.ob2_not_revoked", "recipient": "recipient.match"}
    assert report.badge_class and report.badge_class["name"] == "Data Literacy"
    assert report.issuer and report.issuer["name"] == "Elsewhere Academy"
    assert report.method == "hosted" and json.loads(report.text) == assertion
    assert_coded(report)
    # The same, given as text and as the hosted URL.
    assert verify_ob2(json.dumps(assertion), options(context)).verdict == "passed"
    by_url = verify_ob2(assertion["id"], options(context))
    assert by_url.verdict == "passed" and codes(by_url)["format"] == "format.ob2_url"


def test_a_tampered_copy_is_caught_by_the_hosted_one(site) -> None:
    pages, context = site
    assertion = publish(pages, "tampered")
    forged = {**assertion, "issuedOn": "2020-01-01T00:00:00Z"}
    report = verify_ob2(forged, options(context))
    assert outcomes(report)["proof"] == "failed"
    assert codes(report)["proof"] == "proof.ob2_hosted_changed"
    assert report.credential == assertion  # the issuer's copy is the authority
    assert_coded(report)


def test_revoked_hosted_assertions(site) -> None:
    pages, context = site
    assertion = publish(pages, "revoked")
    pages.put("/revoked/assertion", {**assertion, "revoked": True,
                                     "revocationReason": "Awarded by mistake"})
    report = verify_ob2(assertion, options(context))
    assert codes(report)["status"] == "status.ob2_revoked_reason"
    assert report.check("status").params == {"reason": "Awarded by mistake"}  # type: ignore[union-attr]
    assert report.verdict == "failed"
    gone = publish(pages, "gone")
    pages.put("/gone/assertion", {"revoked": True}, status=410)
    report = verify_ob2(gone, options(context))
    assert codes(report)["proof"] == "proof.ob2_hosted_gone"
    assert codes(report)["status"] == "status.ob2_revoked" and report.verdict == "failed"


def test_recipient_hashes(site) -> None:
    pages, context = site
    assertion = publish(pages, "recipient")
    report = verify_ob2(assertion, options(context, recipient_email="someone@example.org"))
    assert codes(report)["recipient"] == "recipient.mismatch" and report.verdict == "failed"
    assert recipient_matches(hashed(EMAIL.lower()), EMAIL)  # issuers that normalize
    assert recipient_matches(hashed(EMAIL.lower(), "md5"), EMAIL)
    assert recipient_matches({"type": "email", "hashed": False, "identity": EMAIL},
                             EMAIL.upper())
    assert not recipient_matches({**hashed(EMAIL), "salt": "other"}, EMAIL)
    assert not recipient_matches({**hashed(EMAIL), "identity": "sha1$00"}, EMAIL)
    assert not recipient_matches({"type": "url", "identity": "https://ana.example"}, EMAIL)
    url_recipient = publish(pages, "url-recipient",
                            recipient={"type": "url", "identity": "https://ana.example"})
    report = verify_ob2(url_recipient, options(context, recipient_email=EMAIL))
    assert codes(report)["recipient"] == "recipient.unsupported"


def test_origins_the_issuer_vouches_for(site) -> None:
    pages, context = site
    assertion = publish(pages, "origin")
    elsewhere = assertion["id"].replace("localhost", "127.0.0.1")
    pages.put("/origin/assertion", {**assertion, "id": elsewhere})
    moved = {**assertion, "id": elsewhere}
    report = verify_ob2(moved, options(context))
    assert codes(report)["issuer"] == "issuer.ob2_origin_mismatch" and report.verdict == "failed"
    allowed = publish(pages, "allowed", issuer_extra={
        "verification": {"type": "HostedBadge", "allowedOrigins": ["127.0.0.1"]}})
    moved = {**allowed, "id": allowed["id"].replace("localhost", "127.0.0.1")}
    pages.put("/allowed/assertion", moved)
    assert verify_ob2(moved, options(context)).verdict == "passed"
    prefixed = publish(pages, "prefixed", issuer_extra={
        "verification": {"startsWith": f"{pages.base}/other/"}})
    report = verify_ob2(prefixed, options(context))
    assert codes(report)["issuer"] == "issuer.ob2_origin_mismatch"


def test_expiry(site) -> None:
    pages, context = site
    expired = publish(pages, "expired", expires="2026-03-01T00:00:00Z")
    assert codes(verify_ob2(expired, options(context)))["validity"] == "validity.expired"
    later = publish(pages, "later", expires="2027-03-01")
    assert codes(verify_ob2(later, options(context)))["validity"] == "validity.valid_until"
    assert ob2.parse_ob2_date(1767225600) == datetime(2026, 1, 1, tzinfo=UTC)


def test_nothing_is_fetched_without_the_network_or_from_private_addresses(site) -> None:
    pages, context = site
    assertion = publish(pages, "offline")
    report = verify_ob2(assertion, Ob2Options())
    assert codes(report)["proof"] == "proof.ob2_offline" and report.verdict == "unknown"
    assert_coded(report)
    refused = verify_ob2(assertion, Ob2Options(allow_network=True, ssl_context=context))
    assert outcomes(refused)["proof"] == "unknown"
    assert "private or local address" in refused.check("proof").message  # type: ignore[union-attr]
    # Documents the caller supplies are used without the network.
    supplied = {assertion["id"]: assertion,
                **{url: json.loads(pages.pages[url.removeprefix(pages.base)][1])
                   for url in (f"{pages.base}/offline/badge", f"{pages.base}/offline/issuer")}}
    assert verify_ob2(assertion, Ob2Options(documents=supplied)).verdict == "passed"


# -- signed -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa() -> RsaKey:
    return RsaKey.generate()


def signed_badge(pages: Site, name: str, key: RsaKey, *, owner: str | None = None,
                 revoked: bool = False) -> tuple[str, dict[str, Any]]:
    key_url = f"{pages.base}/{name}/key"
    issuer_id = f"{pages.base}/{name}/issuer"
    assertion = publish(pages, name, verification={"type": "SignedBadge", "creator": key_url},
                        issuer_extra={"publicKey": key_url,
                                      "revocationList": f"{pages.base}/{name}/revocations"})
    assertion["id"] = "urn:uuid:3e1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
    pages.pages.pop(f"/{name}/assertion")
    pages.put(f"/{name}/key", {"@context": ob2.OB2_CONTEXT, "type": "CryptographicKey",
                               "id": key_url, "owner": owner or issuer_id,
                               "publicKeyPem": key.public_pem().decode()})
    pages.put(f"/{name}/revocations", {
        "@context": ob2.OB2_CONTEXT, "type": "RevocationList", "id": f"{pages.base}/{name}/rl",
        "issuer": issuer_id,
        "revokedAssertions": ([{"id": assertion["id"], "revocationReason": "Cheating"}]
                              if revoked else ["urn:uuid:00000000-0000-4000-8000-000000000000"])})
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(assertion).encode(),
                                  RSAKey.import_key(key.private_pem()))
    return token, assertion


def test_a_signed_assertion_verifies(site, rsa: RsaKey) -> None:
    pages, context = site
    token, assertion = signed_badge(pages, "signed", rsa)
    assert is_ob2(token)
    report = verify_ob2(token, options(context, recipient_email=EMAIL))
    assert report.verdict == "passed", [(c.name, c.message) for c in report.checks]
    assert codes(report)["proof"] == "proof.ob2_signed"
    assert codes(report)["issuer"] == "issuer.ob2_signed"
    assert report.text == token and report.credential == assertion and report.method == "signed"
    assert_coded(report)


def test_a_tampered_signed_assertion_fails(site, rsa: RsaKey) -> None:
    pages, context = site
    token, assertion = signed_badge(pages, "signed-tampered", rsa)
    header, _payload, signature = token.split(".")
    forged = {**assertion, "issuedOn": "2020-01-01T00:00:00Z"}
    body = jws.serialize_compact({"alg": "RS256"}, json.dumps(forged).encode(),
                                 RSAKey.import_key(rsa.private_pem())).split(".")[1]
    report = verify_ob2(".".join([header, body, signature]), options(context))
    assert codes(report)["proof"] == "proof.ob2_signature_mismatch"
    assert report.verdict == "failed"
    other = RsaKey.generate()
    resigned = jws.serialize_compact({"alg": "RS256"}, json.dumps(forged).encode(),
                                     RSAKey.import_key(other.private_pem()))
    assert codes(verify_ob2(resigned, options(context)))["proof"] == \
        "proof.ob2_signature_mismatch"
    # The JSON alone claims to be signed but carries no signature.
    assert codes(verify_ob2(assertion, options(context)))["proof"] == \
        "proof.ob2_signed_without_signature"


def test_the_key_must_be_the_issuers(site, rsa: RsaKey) -> None:
    pages, context = site
    token, _ = signed_badge(pages, "stolen", rsa, owner="https://impostor.example/issuer")
    pages.put("/stolen/issuer", {**json.loads(pages.pages["/stolen/issuer"][1]),
                                 "publicKey": "https://impostor.example/key"})
    report = verify_ob2(token, options(context))
    assert codes(report)["issuer"] == "issuer.ob2_key_not_issuers" and report.verdict == "failed"


def test_the_revocation_list_is_checked(site, rsa: RsaKey) -> None:
    pages, context = site
    token, _ = signed_badge(pages, "listed", rsa, revoked=True)
    report = verify_ob2(token, options(context))
    assert codes(report)["status"] == "status.ob2_revoked_reason" and report.verdict == "failed"
    pages.pages.pop("/listed/revocations")
    report = verify_ob2(token, options(context))
    assert codes(report)["status"] == "status.ob2_list_unreachable"
    assert report.verdict == "unknown"


# -- baked ------------------------------------------------------------------------------------


def bake_ob2_png(text: str) -> bytes:
    """A PNG with an OB 2.0 ``iTXt`` chunk (keyword ``openbadges``) right after IHDR."""
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, "PNG")
    image = out.getvalue()
    data = b"openbadges\0\0\0\0\0" + text.encode()
    chunk = (len(data).to_bytes(4, "big") + b"iTXt" + data
             + zlib.crc32(data, zlib.crc32(b"iTXt")).to_bytes(4, "big"))
    return image[:33] + chunk + image[33:]


def bake_ob2_svg(*, body: str = "", verify: str = "") -> bytes:
    attribute = f' verify="{verify}"' if verify else ""
    content = f"<![CDATA[{body}]]>" if body else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            f"<openbadges:assertion{attribute}>{content}</openbadges:assertion>"
            f'<circle r="4"/></svg>').encode()


def test_baked_images(site, rsa: RsaKey) -> None:
    pages, context = site
    assertion = publish(pages, "baked")
    png = bake_ob2_png(json.dumps(assertion))
    assert is_ob2(png)
    report = verify_ob2(png, options(context))
    assert report.verdict == "passed" and codes(report)["format"] == "format.ob2_png"
    assert report.carrier == "png"
    url_png = bake_ob2_png(assertion["id"])
    assert is_ob2(url_png) and verify_ob2(url_png, options(context)).verdict == "passed"
    token, _ = signed_badge(pages, "baked-signed", rsa)
    svg = bake_ob2_svg(verify=token)
    report = verify_ob2(svg, options(context))
    assert report.verdict == "passed" and codes(report)["format"] == "format.ob2_svg"
    tampered = bake_ob2_svg(body=json.dumps({**assertion, "issuedOn": "2020-01-01T00:00:00Z"}),
                            verify=assertion["id"])
    assert codes(verify_ob2(tampered, options(context)))["proof"] == "proof.ob2_hosted_changed"


def test_other_input_is_refused_clearly(badge, issuer_key) -> None:
    from microcred.vc.baking import bake_png
    from microcred.vc.data_integrity import sign

    credential = json.dumps(sign(badge, key=issuer_key))
    assert not is_ob2(credential) and not is_ob2(b"not json") and not is_ob2({"a": 1})
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "PNG")
    ob3_png = bake_png(out.getvalue(), credential)
    report = verify_ob2(ob3_png)
    assert codes(report) == {"format": "format.unreadable"}
    assert report.check("format").details["code"] == "not_open_badges_2"  # type: ignore[union-attr]
    assert codes(verify_ob2(credential)) == {"format": "format.ob2_not_an_assertion"}
    assert codes(verify_ob2("{not json")) == {"format": "format.unreadable"}
    no_type = copy.deepcopy(json.loads(credential))
    assert verify_ob2(no_type).verdict == "failed"
    report = verify_ob2({"type": "Assertion", "id": "urn:x", "recipient": {}, "badge": {},
                         "verification": {"type": "magic"}})
    assert codes(report)["proof"] == "proof.ob2_unsupported"
    assert codes(report)["schema"] == "schema.ob2_problems"
    assert_coded(report)
