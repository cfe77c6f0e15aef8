"""Database triggers that keep the audit table append-only, below the ORM.

An entry is written *pending* (chain fields empty) and chained once by the hasher
(``microcred.audit.services.audit_chain_extend``), so the triggers allow exactly one UPDATE per
row: the one that fills its empty ``sequence``, ``previous_hash`` and ``entry_hash`` with values,
every other column left as it was. Every other UPDATE, every DELETE and (PostgreSQL) TRUNCATE
raise "audit log is append-only". An entry once chained can therefore never change again, and a
pending one can only be chained.

PostgreSQL: PL/pgSQL functions behind ``BEFORE UPDATE OR DELETE`` (row) and ``BEFORE TRUNCATE``
(statement) triggers, and a ``BEFORE INSERT`` trigger that stamps each new row's ``txid`` with
the inserting transaction's id (``pg_current_xact_id()``): the database's own figure, which a
writer cannot choose and which a restore re-stamps with the restoring transaction's id, so the
hasher's commit-safe order always speaks of this cluster's transactions.
SQLite: ``BEFORE UPDATE`` (with the one allowed case as its ``WHEN``) and ``BEFORE DELETE``
triggers that ``RAISE(ABORT, ...)``.

These are the second version, installed by ``audit.0005_chain_after_commit``; the first (no
UPDATE at all, no stamp), installed by ``audit.0004_append_only``, is kept as ``install_v1`` /
``remove_v1`` for that migration. On SQLite, Django rebuilds a table to alter it (create, copy,
drop, rename), which drops its triggers: any later migration that alters ``audit_auditevent``
must run ``RunPython(install, remove)`` again at its end (``tests/audit/test_migrations.py``
checks the triggers are in place after migrating).

``flush`` (``microcred.audit.management.commands.flush``) lifts the guards while it empties
the whole database, the one sanctioned way to remove entries (also how the test suite resets a
database between transactional tests).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGE", "TABLE", "execute", "install", "install_v1", "installed", "remove",
           "remove_v1"]

TABLE = "audit_auditevent"
MESSAGE = "audit log is append-only"

# The columns an entry is written with; the hasher's UPDATE must leave every one of them as is.
_CONTENT = ("id", "actor_id", "action", "target", "data", "created_at", "txid")
_CHAIN = ("sequence", "previous_hash", "entry_hash")


def _fill_only(old: str, new: str, *, same: str) -> str:
    """SQL true exactly for the hasher's fill: chain fields empty before, all set after, and
    the content unchanged (``same`` is the vendor's null-safe equality)."""
    return " AND ".join(
        [f"{old}.{c} IS NULL" for c in _CHAIN] + [f"{new}.{c} IS NOT NULL" for c in _CHAIN]
        + [same.format(old=f"{old}.{c}", new=f"{new}.{c}") for c in _CONTENT])


_PG_RAISE = f"""
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """
_PG_INSTALL = [
    _PG_RAISE,
    f"""
    CREATE OR REPLACE FUNCTION audit_chain_fill_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF {_fill_only("OLD", "NEW", same="{new} IS NOT DISTINCT FROM {old}")} THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION audit_stamp_txid() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.txid := pg_current_xact_id()::text::bigint;
        RETURN NEW;
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_chain_fill_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_stamp_txid ON {TABLE}",
    f"""CREATE TRIGGER audit_stamp_txid BEFORE INSERT ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_stamp_txid()""",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_stamp_txid ON {TABLE}",
]
_SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
        WHEN NOT ({_fill_only("OLD", "NEW", same="{new} IS {old}")})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]

# Version 1 (migration 0004, before entries were chained after commit): no UPDATE at all.
_PG_INSTALL_V1 = [
    _PG_RAISE,
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
_SQLITE_INSTALL_V1 = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_PG_REMOVE_V1 = _PG_REMOVE[:2]


def _statements(vendor: str, *, add: bool, version: int = 2) -> list[str]:
    if vendor == "postgresql":
        if version == 1:
            return _PG_INSTALL_V1 if add else _PG_REMOVE_V1
        return _PG_INSTALL if add else _PG_REMOVE
    if vendor == "sqlite":
        if version == 1:
            return _SQLITE_INSTALL_V1 if add else _SQLITE_REMOVE
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


def install_v1(apps: Any, schema_editor: Any) -> None:
    """``RunPython`` for migration 0004: the first version's triggers (no UPDATE at all)."""
    for sql in _statements(schema_editor.connection.vendor, add=True, version=1):
        schema_editor.execute(sql)


def remove_v1(apps: Any, schema_editor: Any) -> None:
    for sql in _statements(schema_editor.connection.vendor, add=False, version=1):
        schema_editor.execute(sql)


def execute(connection: Any, *, add: bool) -> None:
    """Install or remove the triggers on a connection (outside migrations)."""
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, add=add):
            cursor.execute(sql)


def installed(connection: Any) -> bool:
    """Whether the current version's triggers are all in place."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgrelid = %s::regclass AND (t.tgname, p.proname) IN ("
                "('audit_no_change', 'audit_chain_fill_only'), "
                "('audit_no_truncate', 'audit_append_only'), "
                "('audit_stamp_txid', 'audit_stamp_txid'))", [TABLE])
            return int(cursor.fetchone()[0]) == 3
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = %s", [TABLE])
            triggers = dict(cursor.fetchall())
            return (set(triggers) == {"audit_no_update", "audit_no_delete"}
                    and "entry_hash IS NULL" in triggers["audit_no_update"])
    return False
