"""The vouchers table keeps only the indexes a query uses, so that an expiry writes few index entries (ADR 18)."""

from __future__ import annotations

import pytest
from django.db import connection

from offerdesk.core import dates
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.services import vouchers_expire
from tests.factories import Cast, customer, mws_voucher

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
            ("expiry_date", "id"),
            ("partner_id",),
            ("deal_id",),
        ]
    )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index definitions and storage options")
def test_no_index_names_status_and_pages_keep_room_so_a_change_of_status_is_a_hot_update() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        definitions = dict(cursor.fetchall())
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TABLE])
        (options,) = cursor.fetchone()
    assert not [name for name, definition in definitions.items() if "status" in definition]
    assert definitions["voucher_expiry"].endswith("USING btree (expiry_date, id)")
    assert options == ["fillfactor=50"]
    assert "WHERE (partner_id IS NOT NULL)" in definitions["voucher_partner"]
    assert "WHERE (deal_id IS NOT NULL)" in definitions["voucher_deal"]
    assert not any("_like" in name for name in definitions)  # no LIKE twin of the code's unique index


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics of HOT updates")
def test_the_daily_expiry_is_a_hot_update(cast: Cast) -> None:
    vouchers = [
        mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")) for n in range(60)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {TABLE}")  # the rows as a deployment's are between two days: settled
    before = _updates()
    on = max(v.expiry_date for v in vouchers)
    with dates.clock_at(dates.local_moment(on, "06:00")):
        assert vouchers_expire(on=on) == len(vouchers)
    updated, hot = (after - first for after, first in zip(_updates(), before, strict=True))
    assert (updated, hot) == (len(vouchers), len(vouchers))


def _updates() -> tuple[int, int]:
    """The table's row updates and HOT updates so far, as PostgreSQL counts them (flushed first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s", [TABLE])
        upd, hot = cursor.fetchone()
    return int(upd), int(hot)
