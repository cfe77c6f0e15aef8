"""Database triggers that make the audit table append-only, below the ORM.

PostgreSQL: a PL/pgSQL function raising on any row UPDATE or DELETE and on TRUNCATE.
SQLite: ``BEFORE UPDATE`` / ``BEFORE DELETE`` triggers that ``RAISE(ABORT, ...)``.

Both are installed by the migration ``audit.0004_append_only``. On SQLite, Django rebuilds a
table to alter it (create, copy, drop, rename), which drops its triggers: any later migration
that alters ``audit_auditevent`` must run ``RunPython(install, remove)`` again at its end
(``tests/audit/test_guards.py`` fails otherwise).

``flush`` (``microcred.audit.management.commands.flush``) lifts the guards while it empties
the whole database, the one sanctioned way to remove entries (also how the test suite resets a
database between transactional tests).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGE", "TABLE", "execute", "install", "installed", "remove"]

TABLE = "audit_auditevent"
MESSAGE = "audit log is append-only"

_PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]
_SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]


def _statements(vendor: str, *, add: bool) -> list[str]:
    if vendor == "postgresql":
        return _PG_INSTALL if add else _PG_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if add else _SQLITE_REMOVE
    return []  # other databases: the ORM guards only


def install(apps: Any, schema_editor: Any) -> None:
    """A ``RunPython`` function: add the triggers."""
    for sql in _statements(schema_editor.connection.vendor, add=True):
        schema_editor.execute(sql)


def remove(apps: Any, schema_editor: Any) -> None:
    """A ``RunPython`` function: drop the triggers."""
    for sql in _statements(schema_editor.connection.vendor, add=False):
        schema_editor.execute(sql)


def execute(connection: Any, *, add: bool) -> None:
    """Install or remove the triggers on a connection (outside migrations)."""
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, add=add):
            cursor.execute(sql)


def installed(connection: Any) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                           "AND tgname IN ('audit_no_change', 'audit_no_truncate')", [TABLE])
            return int(cursor.fetchone()[0]) == 2
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = %s", [TABLE])
            return int(cursor.fetchone()[0]) == 2
    return False
