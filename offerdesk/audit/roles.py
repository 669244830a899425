"""The PostgreSQL role the application connects as: it reads and appends to the append-only tables, and can
neither rewrite, delete, truncate nor un-trigger them; migrations run as the tables' owner (ADR 8)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core.errors import InvalidInput
from offerdesk.core.models import AppendOnlyModel
from offerdesk.core.parsing import parse_text, refuse

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
NORMAL = sql.SQL("SELECT, INSERT, UPDATE, DELETE")


@dataclass(frozen=True)
class RoleGrants:
    """What `db_role_grant` did."""

    role: str
    created: bool
    append_only: tuple[str, ...]
    read_only: tuple[str, ...]


def append_only_tables() -> tuple[str, ...]:
    """The tables of every append-only model."""
    return tuple(sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel)))


def read_only_tables() -> tuple[str, ...]:
    """Tables the application reads and never writes: which migrations ran is the owner's business."""
    return (MigrationRecorder.Migration._meta.db_table,)


@audited_refusals("db_roles.grant")
@transaction.atomic
def db_role_grant(*, role: str, password: str | None = None) -> RoleGrants:
    """Create the application's role if missing and give it exactly its rights, on every table and sequence
    now and (by default privileges) to come. Run as the owner; safe to run again, e.g. after each migrate."""
    if connection.vendor != "postgresql":
        raise InvalidInput(f"database roles apply to PostgreSQL only; this database is {connection.vendor}")
    if not isinstance(role, str) or not ROLE_NAME.match(role):
        raise refuse("app role", f"not a role name: {role!r} (lower-case letters, digits and _, at most 63)")
    if password is not None:
        password = parse_text(password, field="password", max_length=200)
    name = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema_name = cursor.fetchone()
        if role == owner:
            raise InvalidInput(f"{role} owns the tables: the application needs a role of its own")
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found and any(found):
            raise InvalidInput(f"{role} is a superuser (or bypasses row security): it could disable the triggers")
        create = sql.SQL("ALTER ROLE {} WITH LOGIN NOSUPERUSER" if found else "CREATE ROLE {} WITH LOGIN NOSUPERUSER")
        statement = create.format(name)
        if password is not None:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        schema = sql.Identifier(schema_name)
        statements = [
            statement,
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), name),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name),
            # From a clean slate, so that running again also takes back what should not be there
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, name),
            sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(NORMAL, schema, name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, name),
            *(
                sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), name)
                for table in append_only_tables()
            ),
            *(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), name)
                for table in read_only_tables()
            ),
            # Tables a later migration creates: normal rights until this runs again and narrows them (the
            # triggers refuse rewrites meanwhile, and only the owner can touch those)
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
                sql.Identifier(owner), schema, NORMAL, name
            ),
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
                sql.Identifier(owner), schema, name
            ),
        ]
        for each in statements:
            cursor.execute(each)
    grants = RoleGrants(role=role, created=not found, append_only=append_only_tables(), read_only=read_only_tables())
    audit_record(
        actor=None,
        action="db_role.grant",
        source=f"database owner {owner}",
        data={"role": role, "created": grants.created, "append_only": grants.append_only},
    )
    return grants
