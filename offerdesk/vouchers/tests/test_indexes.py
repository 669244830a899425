"""The vouchers table keeps only the indexes a query uses, so that an expiry writes few index entries (ADR 18)."""

from __future__ import annotations

import pytest
from django.db import connection

from offerdesk.vouchers.models import Voucher

TABLE = Voucher._meta.db_table


def indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c["columns"] for name, c in constraints.items() if c["index"] or c["unique"] or c["primary_key"]}


@pytest.mark.django_db
def test_no_index_on_columns_no_query_looks_vouchers_up_by() -> None:
    columns = [tuple(cols) for cols in indexes().values()]
    for unused in ("offer_id", "nomination_id", "issued_by_id"):
        assert (unused,) not in columns, unused
    assert ("status", "expiry_date") not in columns
    assert sorted(columns) == sorted(
        [
            ("id",),
            ("code",),
            ("customer_id",),
            ("customer_id", "family"),
            ("expiry_date",),
            ("partner_id",),
            ("deal_id",),
        ]
    )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index definitions")
def test_only_live_vouchers_are_indexed_by_expiry_and_only_set_partners_and_deals() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        definitions = dict(cursor.fetchall())
    assert "WHERE ((status)::text = ANY" in definitions["voucher_live_expiry"]
    assert "'open'" in definitions["voucher_live_expiry"] and "'redeeming'" in definitions["voucher_live_expiry"]
    assert "WHERE (partner_id IS NOT NULL)" in definitions["voucher_partner"]
    assert "WHERE (deal_id IS NOT NULL)" in definitions["voucher_deal"]
    assert not any("_like" in name for name in definitions)  # no LIKE twin of the code's unique index
