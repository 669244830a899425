"""Exit 0 when the PostgreSQL server of a database URL answers, 1 otherwise."""

import sys

import psycopg

try:
    url = sys.argv[1]
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
        pass
except Exception:
    sys.exit(1)
