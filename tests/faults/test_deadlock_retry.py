"""A transaction PostgreSQL picks as a deadlock victim is rolled back whole; the request runs
once more instead of failing (the load test met one: a scoring waiting on the audit chain)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from microcred.web.middleware import MicrocredErrorMiddleware


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _raising(sqlstate: str) -> OperationalError:
    try:
        raise OperationalError("deadlock detected") from _PgError(sqlstate)
    except OperationalError as exc:
        return exc


def _request(view: Any) -> HttpRequest:
    request = RequestFactory().post("/anything/", {"a": "1"})
    request.resolver_match = ResolverMatch(view, (), {})
    return request


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_victim_runs_once_more(sqlstate: str) -> None:
    calls = []

    def view(request: HttpRequest) -> HttpResponse:  # the run after the failed one
        calls.append(request.POST["a"])
        return HttpResponse("done")

    request = _request(view)
    middleware = MicrocredErrorMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, _raising(sqlstate))
    assert response is not None and response.content == b"done"
    assert calls == ["1"]  # the failed run is the exception passed in; one more run


@pytest.mark.django_db(transaction=True)
def test_a_second_failure_is_answered_with_503_not_retried_forever() -> None:
    calls = []

    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        raise _raising("40P01")

    request = _request(view)
    middleware = MicrocredErrorMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, _raising("40P01"))
    assert response is not None and response.status_code == 503
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        raise AssertionError("must not run again")

    response = MicrocredErrorMiddleware(lambda r: HttpResponse()).process_exception(
        _request(view), _raising("08006"))  # connection failure: answered 503 at once
    assert response is not None and response.status_code == 503
