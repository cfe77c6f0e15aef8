"""Django's ``flush``, lifting the audit log's append-only triggers while it empties the
database (and putting them back whatever happens)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from microcred.audit import db_guards


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        db_guards.execute(connection, add=False)
        try:
            super().handle(**options)
        finally:
            db_guards.execute(connection, add=True)
