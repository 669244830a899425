"""`make bench` (`python -m benchmarks [PART …]`): each part builds its own data in a throw-away database and
prints, per piece of work, the median of at least three runs, its ratio to a raw-SQL baseline of the same work
run in this process, and the peak memory.

PostgreSQL by default (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/offerdesk_bench; the
database is dropped and created afresh), as `make test` asks for it; when it does not answer, SQLite under
var/bench/ with a note (OFFERDESK_REQUIRE_POSTGRES=1 refuses instead). DATABASE_URL, when set, wins.
BENCH_N rows (default 1,000,000), BENCH_RUNS runs (default and at least 3). BENCH_REUSE=1 keeps the database and
the data a previous run built (migrating it first): the same data before and after a migration.

    make bench                                   # every part
    python -m benchmarks daily                   # one part
    BENCH_N=100000 DATABASE_URL=sqlite:///var/bench/b.sqlite3 python -m benchmarks imports
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

from .harness import BASE, RUNS, Bench

# The registry: each part is a module of this package with `run(bench: Bench) -> None`, in the order they run.
PARTS = {
    "quotes": "benchmarks.quotes",  # the full rule book for one customer
    "imports": "benchmarks.imports",  # a million customers with seats and usage from a CSV file
    "daily": "benchmarks.daily",  # the daily run over a million vouchers expiring on one day
    "screening": "benchmarks.screening",  # a million customers against every offer, stored line by line
    "documents": "benchmarks.documents",  # generating, sealing, verifying and reading one SOW
    "api": "benchmarks.api",  # the REST API's voucher reads under 16 connections, as ratios to a hello world
}
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/offerdesk_bench"


def database_url() -> str:
    """DATABASE_URL if set; else the benchmark PostgreSQL database if it answers; else a SQLite file."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES)
    server = url.rsplit("/", 1)[0] + "/postgres"
    answers = subprocess.run([sys.executable, str(BASE / "scripts" / "pg_ready.py"), server], check=False)
    if answers.returncode == 0:
        return url
    if os.environ.get("OFFERDESK_REQUIRE_POSTGRES"):
        sys.exit(f"PostgreSQL does not answer at {server}")
    path = BASE / "var" / "bench" / "bench.sqlite3"
    print(f"PostgreSQL does not answer at {server}: the benchmarks run on SQLite ({path})")
    return f"sqlite:///{path}"


def reusing() -> bool:
    return os.environ.get("BENCH_REUSE", "") not in ("", "0")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offerdesk.config.settings.dev")
    os.environ["DATABASE_URL"] = database_url()
    if os.environ["DATABASE_URL"].startswith("sqlite:///") and not reusing():
        path = BASE / os.environ["DATABASE_URL"].removeprefix("sqlite:///")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # A fresh database rather than a flush: the audit trail and the ledger refuse TRUNCATE (ADR 3). Reusing,
        # the database is kept when it is there, and made when it is not (the first run of a series).
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if exists and not reusing():
                cursor.execute(f"DROP DATABASE {connection.ops.quote_name(name)} WITH (FORCE)")
            if not exists or not reusing():
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    call_command("migrate", "--noinput", verbosity=0)


def main(argv: list[str]) -> None:
    chosen = argv or list(PARTS)
    unknown = [name for name in chosen if name not in PARTS]
    if unknown:
        sys.exit(f"unknown part(s) {', '.join(unknown)}; the parts: {', '.join(PARTS)}")
    setup_django()
    from django.db import connection

    folder = BASE / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    bench = Bench(n=int(os.environ.get("BENCH_N", "1000000")), runs=RUNS, folder=folder)
    print(f"OfferDesk benchmarks on {connection.vendor}, N = {bench.n:,}, median of {bench.runs} runs")
    for name in chosen:
        print(f"\n[{name}]", flush=True)
        importlib.import_module(PARTS[name]).run(bench)


if __name__ == "__main__":
    main(sys.argv[1:])
