"""The tests' task backend: a task runs the way the worker would see it.

Production enqueues a task as a database row in the same transaction as the change that asks
for it (``django_tasks_db``), and a ``microcred worker`` runs it after that transaction has
committed, from arguments read back as JSON. Tests run in a transaction that never commits, so
this backend keeps both halves of that contract in process: arguments go through JSON, and the
task runs when the *application's* outermost transaction ends (the moment production would
commit), not while the code that enqueued it is still inside its transaction. A task enqueued
outside any application transaction runs at once, as a worker would pick it up.
(``tests/issuance/test_tasks.py`` runs the real database queue and worker.)
"""

from __future__ import annotations

import json
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.transaction import Atomic
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils.crypto import get_random_string


def _in_application_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether code of the application (not the test harness's wrapping) holds a transaction."""
    return any(not getattr(block, "_from_testcase", False)
               for block in connections[using].atomic_blocks)


class AfterCommitBackend(ImmediateBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        # As the database queue stores them: a task whose arguments are not JSON fails here,
        # as it would in production.
        args, kwargs = json.loads(json.dumps([list(args), dict(kwargs)]))
        result = TaskResult(
            task=task, id=get_random_string(32), status=TaskResultStatus.READY,
            enqueued_at=None, started_at=None, last_attempted_at=None, finished_at=None,
            args=args, kwargs=kwargs, backend=self.alias, errors=[], worker_ids=[])
        if _in_application_transaction():
            transaction.on_commit(lambda: self._execute_task(result))
        else:
            self._execute_task(result)
        return result


_original_exit = Atomic.__exit__


def _exit_and_commit_hooks(self: Atomic, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
    """``Atomic.__exit__``, then, when the application's outermost block ended well inside a
    test's transaction, the on-commit hooks production would run at its commit."""
    outcome = _original_exit(self, exc_type, exc_value, traceback)
    connection = connections[self.using or DEFAULT_DB_ALIAS]
    if (exc_type is None and not getattr(self, "_from_testcase", False)
            and connection.in_atomic_block and not _in_application_transaction(connection.alias)
            and connection.run_on_commit):
        hooks, connection.run_on_commit = connection.run_on_commit, []
        for _savepoints, hook, _robust in hooks:
            hook()
    return outcome


def harness_transaction(using: str = DEFAULT_DB_ALIAS) -> Atomic:
    """A transaction of the test harness's own (one a fixture rolls back at its end), like the
    one pytest-django wraps each test in: the application's transactions inside it commit, as
    far as its tasks and on-commit hooks can tell."""
    block = transaction.atomic(using=using)
    block._from_testcase = True
    return block


def install() -> None:
    """Patch ``Atomic.__exit__`` for the test process (tests/conftest.py calls it once)."""
    Atomic.__exit__ = _exit_and_commit_hooks  # type: ignore[method-assign]
