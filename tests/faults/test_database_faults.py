"""The database connection lost in the middle of a request (issue 8, "nothing lost"): the
learner is told in the error shape that the service is briefly unavailable and what they
saved is safe, the half-done write is rolled back, and the next request works."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from microcred.earning import views as earning_views
from microcred.earning.models import Answer, Attempt
from microcred.earning.services import attempt_start
from microcred.learner import attempt_views
from tests.factories import World, micro_credential

pytestmark = pytest.mark.django_db

MESSAGE = "temporarily unavailable"


@contextmanager
def connection_lost(error: type[Exception] = OperationalError,
                    when: Callable[[str], bool] = lambda sql: True) -> Iterator[list[str]]:
    """Every statement matching ``when`` fails as a dropped connection does (Django wraps the
    driver's error in ``django.db.OperationalError``/``InterfaceError``)."""
    seen: list[str] = []

    def fail(execute: Callable[..., Any], sql: str, params: Any, many: bool,
             context: Any) -> Any:
        if when(sql):
            seen.append(sql)
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield seen


def _writes(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("UPDATE", "INSERT"))


def _during(monkeypatch: pytest.MonkeyPatch, name: str, views: Any = earning_views,
            **lost: Any) -> list[str]:
    """The connection drops once the view (in the module ``views``) reaches the service
    ``name``."""
    real = getattr(views, name)
    seen: list[str] = []

    def broken(**kwargs: Any) -> Any:
        with connection_lost(**lost) as failed:
            try:
                return real(**kwargs)
            finally:
                seen.extend(failed)

    monkeypatch.setattr(views, name, broken)
    return seen


@pytest.fixture
def learner_client(world: World) -> tuple[Client, Attempt, str]:
    client = Client()
    client.force_login(world.learner)
    mc = micro_credential(org=world.org, author=world.author, file_prompt=False)
    attempt = attempt_start(learner=world.learner, micro_credential=mc)
    prompt = mc.prompts.filter(kind="text", required=True).first()
    return client, attempt, f"prompt_{prompt.pk}"


def _stored(attempt: Attempt) -> str:
    answer = Answer.objects.filter(attempt=attempt, prompt__kind="text",
                                   prompt__required=True).first()
    return answer.text if answer else ""


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_autosave_during_a_dropped_connection(learner_client: tuple[Client, Attempt, str],
                                              monkeypatch: pytest.MonkeyPatch,
                                              error: type[Exception]) -> None:
    client, attempt, field = learner_client
    url = reverse("earning:autosave", args=[attempt.public_id])
    assert client.post(url, {field: "First words."}, HTTP_HX_REQUEST="true").status_code == 200

    failed = _during(monkeypatch, "attempt_save_draft", error=error, when=_writes)
    response = client.post(url, {field: "First words, then more."}, HTTP_HX_REQUEST="true")
    assert failed, "the connection never dropped"
    # htmx: a short sentence for the autosave status line, never a page or a traceback.
    assert response.status_code == 503
    assert response["Retry-After"]
    text = response.content.decode()
    assert MESSAGE in text and "saved before is safe" in text
    assert "<html" not in text and "Traceback" not in text
    # The half-done write was rolled back; the draft saved before survives.
    assert _stored(attempt) == "First words."

    monkeypatch.undo()  # the database is back: the next request works
    response = client.post(url, {field: "First words, then more."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    assert _stored(attempt) == "First words, then more."


def test_autosave_json_client_gets_the_json_error_shape(
        learner_client: tuple[Client, Attempt, str], monkeypatch: pytest.MonkeyPatch) -> None:
    client, attempt, field = learner_client
    _during(monkeypatch, "attempt_save_draft")
    response = client.post(reverse("earning:autosave", args=[attempt.public_id]),
                           {field: "Words."}, HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "temporarily_unavailable"
    assert MESSAGE in body["error"]["message"]


def test_submit_during_a_dropped_connection(learner_client: tuple[Client, Attempt, str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    client, attempt, field = learner_client
    url = reverse("learner:attempt", args=[attempt.public_id])
    form = {field: "My whole answer.", "integrity": "on"}
    assert client.post(url, form).status_code == 302  # "Save draft"

    failed = _during(monkeypatch, "attempt_submit", attempt_views, when=_writes)
    response = client.post(url, {**form, "action": "submit"})
    assert failed
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "Error 503 (temporarily_unavailable)" in html
    assert "Traceback" not in html
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.DRAFT  # nothing half-submitted
    assert _stored(attempt) == "My whole answer."

    monkeypatch.undo()
    assert client.post(url, {**form, "action": "submit"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.DRAFT


def test_connection_lost_before_the_view(learner_client: tuple[Client, Attempt, str]) -> None:
    """The first query of a request (the session, in a middleware) fails: the same 503, through
    the 500 handler, rather than the generic "something went wrong"."""
    client, attempt, _field = learner_client
    client.raise_request_exception = False
    with connection_lost():
        response = client.get(reverse("learner:attempt", args=[attempt.public_id]))
        json_response = client.get(reverse("learner:attempt", args=[attempt.public_id]),
                                   HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert json_response.status_code == 503
    assert json_response.json()["error"]["code"] == "temporarily_unavailable"
    assert client.get(reverse("learner:attempt", args=[attempt.public_id])).status_code == 200
