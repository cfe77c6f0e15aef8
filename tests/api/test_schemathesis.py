"""The Open Badges 3.0 API against its own Service Description Document (OB 3.0 §6.3), with
schemathesis: the OpenAPI document the site serves at /ims/ob/v3p0/discovery is loaded through
the WSGI application, and every operation in it is called with generated data (valid and not),
signed in with an OAuth bearer token holding all four OB 3.0 scopes. No response may be a 5xx,
and every response must be one the document declares (status, content type, headers, body)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from oauth2_provider.models import get_access_token_model, get_application_model
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from microcred.wsgi import application
from tests.factories import World, pass_attempt, submitted_attempt
from tests.profiles import examples

OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
SCOPES = " ".join(OB + s for s in ("credential.readonly", "credential.upsert",
                                   "profile.readonly", "profile.update"))
# Werkzeug's test client leaves REMOTE_ADDR out of the WSGI environ (PEP 3333 does not require
# it); every real server sets it, and the rate limiter counts per address.
ENVIRON = {"REMOTE_ADDR": "127.0.0.1"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    """A learner with an issued credential, and a token for a wallet they authorized."""
    pass_attempt(assessor=world.assessor,
                 attempt=submitted_attempt(learner=world.learner, mc=world.mc))
    app = get_application_model().objects.create(
        name="Example Wallet", user=world.learner, client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://wallet.example/callback")
    token = get_access_token_model().objects.create(
        user=world.learner, application=app, token=secrets.token_urlsafe(32), scope=SCOPES,
        expires=timezone.now() + timedelta(hours=1))
    return {"Authorization": f"Bearer {token.token}"}


@pytest.fixture
def keep_connection() -> Any:
    """As Django's test client does: the WSGI handler's end-of-request connection cleanup would
    close the test's transaction-wrapped connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_connection")
def test_api_conforms_to_its_service_description(bearer: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/ims/ob/v3p0/discovery", application,
                                            environ_base=ENVIRON)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} >= {
        "GET /credentials", "POST /credentials", "GET /profile", "PUT /profile"}
    for operation in operations:

        @settings(max_examples=examples(25), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            case.call_and_validate(headers=bearer, checks=CHECKS, environ_base=ENVIRON)

        call()
