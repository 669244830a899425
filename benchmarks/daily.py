"""The daily run over N vouchers all expiring on one day (the worst day), against the raw SQL of its expiry."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction

from offerdesk.core import dates

from . import data
from .harness import Bench, measure

ISSUE, EXPIRY = dt.date(2023, 10, 5), dt.date(2024, 4, 5)


def run(bench: Bench) -> None:
    from offerdesk.accounts.choices import Role
    from offerdesk.accounts.models import User
    from offerdesk.catalogue.selectors import offer_get
    from offerdesk.jobs.services import daily_run
    from offerdesk.partners.services import partner_create
    from offerdesk.vouchers.models import Voucher

    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"role": Role.OPERATOR})
    made = Voucher.objects.filter(code__startswith="BENCH-").count()
    if made != bench.n:  # else built by an earlier run (BENCH_REUSE)
        assert made == 0, f"{made:,} vouchers from another BENCH_N: drop the database"
        with dates.clock_at(dates.local_moment(dt.date(2023, 9, 1))):
            partner = partner_create(actor=operator, name="Bench Daily Partner")
            data.customers(bench.n, prefix="D-")
            made = data.vouchers(
                prefix="D-",
                offer_id=offer_get(name_or_code="M365 Deployment Offer").pk,
                partner_id=partner.pk,
                issue=ISSUE,
                expiry=EXPIRY,
            )
    _revive()
    print(f"  {made:,} vouchers expiring on {EXPIRY} (half open, half redeeming); {_indexes()} indexes on vouchers")
    with dates.clock_at(dates.local_moment(EXPIRY, "06:00")):
        summary = measure(
            f"daily run ({made:,} vouchers due)",
            lambda: daily_run(on=EXPIRY),
            baseline=_raw_expiry,
            reset=_revive,
            runs=bench.runs,
            per=made,
        )
        print(f"  the daily run's summary: {summary}")
        measure("daily run again (nothing due)", lambda: daily_run(on=EXPIRY), runs=bench.runs)


def _raw_expiry() -> int:
    """The same expiry written by hand: one UPDATE … RETURNING feeding the audit rows."""
    now = dates.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(
                "UPDATE vouchers_voucher SET status = 'expired', updated_at = %s "
                "WHERE status IN ('open', 'redeeming') AND expiry_date <= %s RETURNING id",
                [now, EXPIRY],
            )
            ids = [row[0] for row in cursor.fetchall()]
            cursor.executemany(
                "INSERT INTO audit_auditevent (occurred_at, actor_label, action, outcome, object_type, object_id, "
                "source, data) VALUES (%s, 'system', 'voucher.expire', 'done', 'vouchers.voucher', %s, 'daily', %s)",
                [(now, str(i), json.dumps({"on": EXPIRY.isoformat()})) for i in ids],
            )
            return len(ids)
        cursor.execute(
            "WITH expired AS (UPDATE vouchers_voucher SET status = 'expired', updated_at = %s "
            "WHERE status IN ('open', 'redeeming') AND expiry_date <= %s RETURNING id) "
            "INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, action, outcome, object_type, "
            "object_id, source, data) SELECT %s, NULL, 'system', 'voucher.expire', 'done', 'vouchers.voucher', "
            "CAST(id AS varchar), 'daily', %s::jsonb FROM expired",
            [now, EXPIRY, now, json.dumps({"on": EXPIRY.isoformat()})],
        )
        return cursor.rowcount


def _revive() -> None:
    """Untimed: the vouchers live again, as built, and the table vacuumed, so every run starts alike."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE vouchers_voucher SET status = CASE WHEN nomination_id %% 2 = 0 THEN 'open' ELSE 'redeeming' END "
            "WHERE code LIKE 'BENCH-%%'",
            [],
        )
    _vacuum()


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE vouchers_voucher" if connection.vendor == "postgresql" else "ANALYZE")


def _indexes() -> str:
    """The vouchers table's indexes, as the database lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'vouchers_voucher' ORDER BY 1")
        else:
            cursor.execute("SELECT name FROM pragma_index_list('vouchers_voucher') ORDER BY 1")
        names = [row[0] for row in cursor.fetchall()]
    return f"{len(names)} ({', '.join(names)})"
