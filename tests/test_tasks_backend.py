"""The tests' task backend runs a task where the worker would: after the enqueuing transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.tasks import task

RAN: list[object] = []


@task()
def remember(value: object) -> None:
    RAN.append(value)


@pytest.fixture(autouse=True)
def _nothing_ran() -> None:
    RAN.clear()


@pytest.mark.django_db
def test_a_task_waits_for_the_enqueuing_transaction_to_end() -> None:
    with transaction.atomic():
        remember.enqueue("inside")
        with transaction.atomic():  # a savepoint ending is no commit
            remember.enqueue("nested")
        assert RAN == []
    assert RAN == ["inside", "nested"]


@pytest.mark.django_db
def test_a_rolled_back_transaction_runs_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        remember.enqueue("lost")
        raise RuntimeError
    assert RAN == []
    remember.enqueue("outside")  # no transaction of the application's: as a worker would
    assert RAN == ["outside"]


@pytest.mark.django_db
def test_arguments_travel_as_json() -> None:
    with transaction.atomic():
        remember.enqueue((1, 2))
    assert RAN == [[1, 2]]  # a tuple comes back a list, as from the database queue
    with pytest.raises(TypeError):
        remember.enqueue({1, 2})
