from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

import tests.profiles  # noqa: F401  (loads the Hypothesis profile before any test module)
from tests import tasks_backend
from tests.factories import World

tasks_backend.install()

# Under pytest-xdist (`make test` runs one worker per core) each worker gets its own Redis
# database, counting down from the one MICROCRED_TEST_REDIS_URL names, so that one worker's
# flush is never another's data. Set here, before any test module reads the variable.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and os.environ.get("MICROCRED_TEST_REDIS_URL"):
    _url = os.environ["MICROCRED_TEST_REDIS_URL"]
    _match = re.search(r"/(\d+)$", _url)
    _base = int(_match.group(1)) if _match else 15
    os.environ["MICROCRED_TEST_REDIS_URL"] = (
        (_url[: _match.start()] if _match else _url.rstrip("/"))
        + f"/{max(_base - int(_WORKER[2:]), 0)}"
    )


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
