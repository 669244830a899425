"""Races need one database that several connections share, with the locking the product relies on.

PostgreSQL is that already. SQLite's test database is in memory in shared-cache mode, where a writer that
finds the database busy fails at once with "database table is locked" (SQLITE_LOCKED) instead of waiting
out the busy timeout, and `BEGIN IMMEDIATE` cannot queue writers: that is not how OfferDesk runs on SQLite
(a file, `var/offerdesk.sqlite3`). So, on an in-memory test database, each race test gets a file copy of it
for its duration: every connection opened meanwhile, in any thread, goes to the file, with the project's own
options (busy timeout, IMMEDIATE transactions). The in-memory database is left untouched and comes back after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper


@pytest.fixture(autouse=True)
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """Run the test on a file copy of an in-memory SQLite test database; any other database as it is."""
    in_memory = connections[DEFAULT_DB_ALIAS]
    if not isinstance(in_memory, SQLiteWrapper) or not in_memory.is_in_memory_db():
        yield
        return

    # Given a file holding everything the in-memory test database holds (schema, migrations' data, catalogue)
    path = tmp_path / "races.sqlite3"
    in_memory.ensure_connection()
    with sqlite3.connect(path) as copy:
        in_memory.connection.backup(copy)
    copy.close()

    # When every new connection, in any thread, is made from settings that name the file. The in-memory
    # wrapper keeps its own settings and its open connection, which is what keeps that database alive.
    memory_settings = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = {**memory_settings, "NAME": str(path)}
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections.settings[DEFAULT_DB_ALIAS] = memory_settings
        connections[DEFAULT_DB_ALIAS] = in_memory
