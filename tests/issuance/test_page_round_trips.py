"""The public page's state query is also the connection's health check (one round trip, not
two), and a connection that died between requests is still replaced without an error."""

from __future__ import annotations

import pytest
from django.db import connections

from microcred.issuance import page_cache
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db(transaction=True)


def _issued(world: World):  # type: ignore[no-untyped-def]
    from microcred.issuance.models import Credential

    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


@pytest.fixture
def connection():  # type: ignore[no-untyped-def]
    """The default connection as Django leaves a kept one at the start of a request, with
    health checks on (as settings turn them on)."""
    db = connections["default"]
    db.ensure_connection()
    enabled = db.health_check_enabled
    db.health_check_enabled = True
    db.health_check_done = False
    yield db
    db.health_check_enabled = enabled


def test_a_kept_connection_is_not_checked_separately(  # type: ignore[no-untyped-def]
    world: World, monkeypatch: pytest.MonkeyPatch, connection
) -> None:
    credential = _issued(world)
    expected = page_cache.revision(credential.public_id)
    connection.health_check_done = False

    def no_separate_check() -> bool:
        raise AssertionError("a separate SELECT 1 was made")

    monkeypatch.setattr(connection, "is_usable", no_separate_check)
    assert page_cache.revision(credential.public_id) == expected
    assert connection.health_check_done  # Django does not check it again in this request


def test_a_connection_that_died_is_replaced(world: World, connection) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a server that can drop the connection")
    credential = _issued(world)
    expected = page_cache.revision(credential.public_id)
    connection.health_check_done = False
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    assert page_cache.revision(credential.public_id) == expected
    assert connection.connection.info.backend_pid != pid
