"""`offerdesk import customers`: N customers with a seat licence and two usage shares each, from one CSV file,
against the raw SQL of the same load (COPY and INSERT … SELECT, no checks)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

from .harness import Bench, measure

HEADER = [
    "tpid",
    "name",
    "sector",
    "segment",
    "country",
    "sku",
    "paid",
    "in_use",
    "usage: Exchange Online",
    "usage: Teams",
]
PREFIX = "I-"


def customers_file(bench: Bench) -> Path:
    """The CSV, written once per N: every row a new customer with seats and usage."""
    path = bench.folder / f"customers-{bench.n}.csv"
    if not path.exists():
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for i in range(1, bench.n + 1):
                paid = 500 + i % 5000
                writer.writerow(
                    [
                        f"{PREFIX}{i}",
                        f"Customer {i}",
                        "Commercial",
                        "SMC-C" if i % 3 else "Enterprise",
                        "US",
                        "Office 365 E3",
                        f"{paid:,}",
                        paid // 2,
                        f"{i % 100}%",
                        f"0.{i % 97:02d}",
                    ]
                )
    return path


def run(bench: Bench) -> None:
    from offerdesk.accounts.choices import Role
    from offerdesk.accounts.models import User
    from offerdesk.imports.services import import_file

    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"role": Role.OPERATOR})
    path = customers_file(bench)
    print(f"  {path.name}: {path.stat().st_size / 2**20:,.0f} MiB, {bench.n:,} rows")
    result = measure(
        f"import customers ({bench.n:,} rows, seats, usage)",
        lambda: import_file(actor=operator, kind="customers", path=path),
        baseline=lambda: _raw_load(path),
        reset=_forget,
        runs=bench.runs,
        per=bench.n,
    )
    print(f"  engine {result.engine}: {result.counts}")
    again = measure(
        "the same file again (nothing changes)",
        lambda: import_file(actor=operator, kind="customers", path=path),
        runs=bench.runs,
        per=bench.n,
    )
    print(f"  {again.counts}")


def _forget() -> None:
    """Untimed: the imported customers, seats and usage deleted, so that every run creates them anew."""
    with connection.cursor() as cursor:
        mine = f"SELECT id FROM customers_customer WHERE tpid LIKE '{PREFIX}%%'"
        for table in ("customers_workloadusage", "customers_seatlicence"):
            cursor.execute(f"DELETE FROM {table} WHERE customer_id IN ({mine})", [])
        cursor.execute(f"DELETE FROM customers_customer WHERE tpid LIKE '{PREFIX}%%'", [])
        if connection.vendor == "postgresql":
            for table in ("customers_customer", "customers_seatlicence", "customers_workloadusage"):
                cursor.execute(f"VACUUM ANALYZE {table}")


@transaction.atomic
def _raw_load(path: Path) -> None:
    """The same rows loaded by hand, trusting the file: COPY into a staging table, then INSERT … SELECT."""
    if connection.vendor != "postgresql":
        return _raw_load_sqlite(path)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cells = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        cursor.execute(f"CREATE TEMP TABLE raw_stage ({cells}) ON COMMIT DROP")
        with path.open("rb") as handle, cursor.copy("COPY raw_stage FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        cursor.execute(
            "INSERT INTO customers_customer (tpid, name, sector, segment, country, ecif_funded, created_at, "
            "updated_at) SELECT c0, c1, c2, c3, c4, false, now(), now() FROM raw_stage"
        )
        cursor.execute(
            "INSERT INTO customers_seatlicence (customer_id, sku, paid, in_use, created_at, updated_at) "
            "SELECT c.id, s.c5, CAST(replace(s.c6, ',', '') AS integer), CAST(s.c7 AS integer), now(), now() "
            "FROM raw_stage s JOIN customers_customer c ON c.tpid = s.c0"
        )
        cursor.execute(
            "INSERT INTO customers_workloadusage (customer_id, workload, mau, created_at, updated_at) "
            "SELECT c.id, v.w, CASE WHEN strpos(v.raw, chr(37)) > 0 THEN CAST(replace(v.raw, chr(37), '') AS numeric) "
            "/ 100 ELSE CAST(v.raw AS numeric) END, now(), now() FROM raw_stage s JOIN customers_customer c "
            "ON c.tpid = s.c0 CROSS JOIN LATERAL (VALUES ('Exchange Online', s.c8), ('Teams', s.c9)) AS v(w, raw)"
        )
    return None


def _share(raw: str) -> str:
    return str(Decimal(raw[:-1]) / 100) if raw.endswith("%") else raw


def _raw_load_sqlite(path: Path) -> None:
    from offerdesk.core import dates

    now = connection.ops.adapt_datetimefield_value(dates.now())
    with path.open(newline="", encoding="utf-8") as handle, connection.cursor() as cursor:
        rows = list(csv.reader(handle))[1:]
        cursor.executemany(
            "INSERT INTO customers_customer (tpid, name, sector, segment, country, ecif_funded, created_at, "
            "updated_at) VALUES (%s, %s, %s, %s, %s, 0, %s, %s)",
            [(r[0], r[1], r[2], r[3], r[4], now, now) for r in rows],
        )
        cursor.execute(f"SELECT tpid, id FROM customers_customer WHERE tpid LIKE '{PREFIX}%%'", [])
        ids = dict(cursor.fetchall())
        cursor.executemany(
            "INSERT INTO customers_seatlicence (customer_id, sku, paid, in_use, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(ids[r[0]], r[5], int(r[6].replace(",", "")), int(r[7]), now, now) for r in rows],
        )
        cursor.executemany(
            "INSERT INTO customers_workloadusage (customer_id, workload, mau, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (ids[r[0]], w, _share(raw), now, now)
                for r in rows
                for w, raw in (("Exchange Online", r[8]), ("Teams", r[9]))
            ],
        )
