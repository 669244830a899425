"""Bulk data for the benchmarks, built set-based in SQL (a million rows in seconds, not through the ORM)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from offerdesk.core import dates


def sequence(n: int) -> str:
    """A FROM item giving the integers 1..n as `seq.i`."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {int(n)}) AS seq(i)"
    return f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)}) SELECT i FROM s) seq"


def customers(n: int, *, prefix: str) -> None:
    """n customers, TPIDs `<prefix>1` … `<prefix>n`."""
    now = dates.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_customer (tpid, name, sector, segment, country, ecif_funded, created_at, "
            f"updated_at) SELECT %s || seq.i, 'Customer ' || seq.i, 'Commercial', 'SMC-C', 'US', false, %s, %s "
            f"FROM {sequence(n)}",
            [prefix, now, now],
        )


def vouchers(
    *, prefix: str, offer_id: int, partner_id: int, issue: dt.date, expiry: dt.date, code: str = "BENCH-"
) -> int:
    """A closed nomination and a live voucher (open or redeeming, alternately) for each `<prefix>` customer,
    every voucher expiring on `expiry`, its code `<code><nomination id>`."""
    now = dates.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO vouchers_nomination (customer_id, offer_id, nominated_at, status, created_at, updated_at) "
            "SELECT id, %s, %s, 'closed', %s, %s FROM customers_customer WHERE tpid LIKE %s",
            [offer_id, now, now, now, f"{prefix}%"],
        )
        cursor.execute(
            "INSERT INTO vouchers_voucher (code, offer_id, variant, family, customer_id, nomination_id, partner_id, "
            "face_value, cap_at_issue, issue_date, expiry_date, status, holds_limit, committed_total, created_at, "
            "updated_at) SELECT %s || n.id, n.offer_id, 'DEP', 'MWSDO', n.customer_id, n.id, %s, 25000, 25000, "
            "%s, %s, CASE WHEN n.id %% 2 = 0 THEN 'open' ELSE 'redeeming' END, true, 0, %s, %s "
            "FROM vouchers_nomination n JOIN customers_customer c ON c.id = n.customer_id WHERE c.tpid LIKE %s",
            [code, partner_id, issue, expiry, now, now, f"{prefix}%"],
        )
        return cursor.rowcount
