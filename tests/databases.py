"""Throwaway databases for transactional tests: each one runs in a copy of the test database, dropped after.

A transactional test commits for real, so something must reset the database after it. Django's answer is
to flush every table (DELETE on SQLite, TRUNCATE on PostgreSQL), which the append-only triggers on the audit
trail and the ledger refuse, as they should. So the test gets a copy instead, and the copy is thrown away:
nothing is ever flushed, and the guard stays on.

- PostgreSQL: `CREATE DATABASE <copy> TEMPLATE <test database>`, `DROP DATABASE` after.
- SQLite: the in-memory test database is backed up to a file. In memory (shared cache), a writer that finds
  the database busy fails at once with "database table is locked" instead of waiting out the busy timeout,
  and `BEGIN IMMEDIATE` cannot queue writers: that is not how OfferDesk runs on SQLite (a file). On the file,
  every connection, in any thread, uses the project's own options (busy timeout, IMMEDIATE transactions).

Every connection opened meanwhile, in any thread, goes to the copy; the test database is left untouched and
comes back after.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def connected_to(settings: dict[str, Any], alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every connection opened meanwhile, in any thread, is made from these settings."""
    previous_settings, previous = connections.settings[alias], connections[alias]
    connections.settings[alias] = settings
    connections[alias] = connections.create_connection(alias)
    try:
        yield
    finally:
        connections[alias].close()
        connections.settings[alias] = previous_settings
        connections[alias] = previous


@contextmanager
def _postgres_copy(alias: str) -> Iterator[dict[str, Any]]:
    source = connections[alias]
    name = source.settings_dict["NAME"]
    copy = f"{name}_throwaway"
    quote = source.ops.quote_name
    # A template must have no other session: this thread's is the only one left open between tests
    source.close()
    with source._nodb_cursor() as cursor:  # Django's own way to reach the server without a database
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(copy)}")  # left by a run that was killed
        cursor.execute(f"CREATE DATABASE {quote(copy)} TEMPLATE {quote(name)}")
    try:
        yield {**connections.settings[alias], "NAME": copy}
    finally:
        with source._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(copy)} WITH (FORCE)")


@contextmanager
def _sqlite_copy(alias: str) -> Iterator[dict[str, Any]]:
    source = connections[alias]
    with tempfile.TemporaryDirectory(prefix="offerdesk-test-") as folder:
        path = Path(folder) / "throwaway.sqlite3"
        source.ensure_connection()
        with sqlite3.connect(path) as copy:
            source.connection.backup(copy)
        copy.close()
        # The source keeps its open connection: that is what keeps an in-memory database alive
        yield {**connections.settings[alias], "NAME": str(path)}


@contextmanager
def throwaway_database(alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Run the body in a copy of the test database, dropped after; yields the copy's name."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        make_copy = _postgres_copy
    elif vendor == "sqlite":
        make_copy = _sqlite_copy
    else:
        raise NotImplementedError(f"no throwaway databases on {vendor}")
    with make_copy(alias) as settings, connected_to(settings, alias):
        yield settings["NAME"]
