"""Housekeeping for the embedded database."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics() -> None:
    """Give SQLite's query planner fresh table statistics (``ANALYZE``).

    Without them SQLite guesses, and with thousands of micro-credentials it guesses wrong (it
    walks the catalog in title order instead of looking up a stack's few members by index).
    PostgreSQL's autovacuum keeps its own statistics, so this does nothing there. Run after
    migrating, after a bulk import, and by the periodic sweep.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
