"""The database half of the append-only guard: triggers that refuse to rewrite or remove rows behind the ORM.

Migrations call these, so they must keep working for every migration that already uses them: change the SQL
only by adding a new migration. PostgreSQL refuses UPDATE and DELETE row by row and TRUNCATE per statement;
SQLite (which has no TRUNCATE) refuses UPDATE and DELETE row by row. The database owner can still drop a
trigger: that is what the application's own role cannot do (ADR 8)."""

from __future__ import annotations

from typing import Any

FUNCTION = "offerdesk_append_only"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on %: rows are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _postgres(table: str) -> dict[str, str]:
    """Trigger name → its CREATE statement."""
    return {
        f"{table}_append_only": f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"{table}_no_truncate": f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
    }


def _sqlite(table: str) -> dict[str, str]:
    return {
        f"{table}_append_only": f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {table}: rows are append-only'); END",
        f"{table}_no_delete": f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'DELETE on {table}: rows are append-only'); END",
    }


def trigger_names(vendor: str, table: str) -> set[str]:
    """The triggers `guard` gives a table on this backend."""
    return set(_triggers(vendor, table))


def _triggers(vendor: str, table: str) -> dict[str, str]:
    if vendor == "postgresql":
        return _postgres(table)
    if vendor == "sqlite":
        return _sqlite(table)
    return {}


def _drop(vendor: str, table: str, name: str) -> str:
    return f"DROP TRIGGER IF EXISTS {name} ON {table}" if vendor == "postgresql" else f"DROP TRIGGER IF EXISTS {name}"


def guard(schema_editor: Any, *tables: str, only: tuple[str, ...] = ()) -> None:
    """(Re)create the append-only triggers of tables; `only` limits it to the triggers with those suffixes."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
    for table in tables:
        for name, create in _triggers(vendor, table).items():
            if not only or name.endswith(only):
                schema_editor.execute(_drop(vendor, table, name))
                schema_editor.execute(create)


def unguard(schema_editor: Any, *tables: str, only: tuple[str, ...] = ()) -> None:
    """Drop what `guard` created (the shared function stays: other tables use it)."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        for name in _triggers(vendor, table):
            if not only or name.endswith(only):
                schema_editor.execute(_drop(vendor, table, name))
