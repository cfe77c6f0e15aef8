"""Production security settings, the Content-Security-Policy on every response, templates that
need no inline script or style, and user files that are never active content on our origin."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from microcred.earning.selectors import evidence_token
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.issuance.models import Credential
from tests import i18n_catalog
from tests.factories import World, pass_attempt, small_file, submitted_attempt

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_process(**env: str) -> dict[str, object]:
    """The settings a fresh process computes from this environment alone."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("MICROCRED_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))}
    clean.update(MICROCRED_SECRET_KEY="s" * 50, PYTHONPATH="src", **env)
    names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
             "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
             "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS"]
    code = ("import json, microcred.settings as s; print(json.dumps({n: getattr(s, n, None) "
            f"for n in {names!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_are_secure(tmp_path: Path) -> None:
    s = _settings_in_process(MICROCRED_DATA_DIR=str(tmp_path),
                             MICROCRED_PUBLIC_URL="https://badges.example.edu")
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax" and s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True and s["X_FRAME_OPTIONS"] == "DENY"


def test_https_options_come_from_the_environment(tmp_path: Path) -> None:
    s = _settings_in_process(MICROCRED_DATA_DIR=str(tmp_path), MICROCRED_HTTPS="1",
                             MICROCRED_SSL_REDIRECT="1", MICROCRED_HSTS_PRELOAD="1")
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True and s["SECURE_HSTS_PRELOAD"] is True


def test_plain_http_and_debug_send_no_hsts(tmp_path: Path) -> None:
    assert not _settings_in_process(MICROCRED_DATA_DIR=str(tmp_path))["SECURE_HSTS_SECONDS"]
    debug = _settings_in_process(MICROCRED_DATA_DIR=str(tmp_path), MICROCRED_DEBUG="1",
                                 MICROCRED_PUBLIC_URL="https://badges.example.edu")
    assert not debug["SECURE_HSTS_SECONDS"]


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/accounts/sign-up/", "/verify/",
                                  "/styleguide/", "/no-such-page/"])
def test_every_page_has_a_strict_csp(client: Client, path: str) -> None:
    response = client.get(path)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_json_responses_have_the_csp_too(client: Client) -> None:
    response = client.get("/ims/ob/v3p0/discovery")
    assert _policy(response)["default-src"] == ["'self'"]


@pytest.mark.django_db
def test_htmx_is_configured_for_the_csp(client: Client) -> None:
    html = client.get("/").content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html)
    assert meta, "the htmx-config meta tag is missing"
    assert json.loads(meta.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}


# Templates that never reach a browser: the PDF certificate is rendered by WeasyPrint, which
# needs its CSS inline, and the HTML is never served.
NOT_SERVED = {"issuance/templates/issuance/certificate.html"}  # relative to src/microcred
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_templates_have_no_inline_script_or_style() -> None:
    """The CSP has no 'unsafe-inline': inline code would silently not run."""
    problems = []
    for path in sorted(i18n_catalog.SRC.rglob("templates/**/*.html")):
        rel = path.relative_to(i18n_catalog.SRC).as_posix()
        if rel in NOT_SERVED:
            continue
        text = path.read_text(encoding="utf-8")
        for name, pattern in [("inline <script>", INLINE_SCRIPT), ("on*= handler", EVENT_HANDLER),
                              ("inline style", STYLE), ("javascript: URL", JS_URL)]:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{rel}:{line}: {name}: {match.group(0)[:60]}")
    assert not problems, "\n".join(problems)


def test_the_scanner_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<button class="once">')
    assert STYLE.search('<span class="x" style="color: red">') and STYLE.search("<style>")
    assert JS_URL.search('<a href="javascript:void(0)">')


@pytest.mark.django_db
def test_evidence_files_are_sandboxed_downloads(client: Client, world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    prompt = world.mc.prompts.get(kind="file")
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={prompt.pk: small_file()})
    answer = attempt.answers.get(prompt=prompt)
    client.force_login(world.learner)
    response = client.get(reverse("assessment:evidence_signed", kwargs={
        "token": evidence_token(answer=answer, viewer=world.learner)}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = _policy(response)
    assert "sandbox" in policy and policy["default-src"] == ["'none'"]


@pytest.mark.django_db
def test_downloads_and_svg_are_sandboxed(client: Client, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    for name in ("issuance:credential_json", "issuance:credential_svg"):
        response = client.get(reverse(name, args=[credential.public_id]))
        assert response.status_code == 200
        assert "sandbox" in _policy(response), name
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_oauth_consent_form_may_post_to_the_registered_redirect_only(client: Client,
                                                                    world: World) -> None:
    from tests.api.test_oauth_flow import ALL, REDIRECT, discover, pkce, register

    sdd = discover(client)
    app = register(client, sdd)
    _verifier, challenge = pkce()
    client.force_login(world.learner)
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": REDIRECT,
              "scope": " ".join(ALL), "state": "xyz", "code_challenge": challenge,
              "code_challenge_method": "S256"}
    page = client.get("/oauth/authorize/", params)
    assert page.status_code == 200
    redirect_origin = "{0.scheme}://{0.netloc}".format(urlsplit(REDIRECT))
    assert _policy(page)["form-action"] == ["'self'", redirect_origin]
    other = client.get("/oauth/authorize/", {**params, "redirect_uri": "https://evil.example/cb"})
    assert _policy(other)["form-action"] == ["'self'"]
