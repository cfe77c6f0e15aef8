from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.factories import World


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.fixture(autouse=True)
def _fresh_status_list_cache() -> Iterator[None]:
    """The verifier keeps fetched status lists for the process: one test's lists (served by
    its own fake network) are never another's."""
    from microcred.vc.verifier import STATUS_LIST_CACHE

    STATUS_LIST_CACHE.clear()
    yield
    STATUS_LIST_CACHE.clear()
