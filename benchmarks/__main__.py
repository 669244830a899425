"""Run the benchmarks against a throw-away database: SQLite by default, DATABASE_URL for PostgreSQL.

make bench                      # SQLite file under var/bench/
BENCH_N=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench
"""

from __future__ import annotations

import datetime as dt
import os
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offerdesk.config.settings.dev")
    if "DATABASE_URL" not in os.environ:
        folder = BASE / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # A fresh database rather than a flush: the audit trail and the ledger refuse TRUNCATE (ADR 3)
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
    call_command("migrate", "--noinput", verbosity=0)


def timed(label: str, func: Callable[[], Any], *, per: int | None = None) -> Any:
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    rate = f", {per / elapsed:,.0f}/s" if per else ""
    print(f"  {label:<48} {elapsed:8.3f} s{rate}")
    return result


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from offerdesk.accounts.choices import Role
    from offerdesk.accounts.models import User
    from offerdesk.catalogue.selectors import offer_get
    from offerdesk.core import dates
    from offerdesk.customers.models import Customer
    from offerdesk.customers.services import customer_create, customer_set_seats, customer_set_usage
    from offerdesk.partners.services import partner_create
    from offerdesk.vouchers.models import Nomination, Voucher
    from offerdesk.vouchers.selectors import voucher_quote
    from offerdesk.vouchers.services import vouchers_expire

    n = int(os.environ.get("BENCH_N", "100000"))
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    print(f"OfferDesk benchmarks on {connection.vendor}, N = {n:,}")
    operator = User.objects.create_user(username="bench-operator", role=Role.OPERATOR)
    with dates.clock_at(dt.datetime(2023, 9, 1, 12, tzinfo=tz)):
        partner = partner_create(actor=operator, name="Bench Partner")
        customer = customer_create(
            actor=operator, tpid="BENCH-0", name="Bench", sector="Commercial", segment="Enterprise", country="US"
        )
        customer_set_seats(actor=operator, customer=customer, sku="Office 365 E3", paid=3000, in_use=500)
        customer_set_usage(actor=operator, customer=customer, usage={"Exchange Online": "30%", "Teams": "40%"})
    cso = offer_get(name_or_code="Customer Success Offer")
    dep = offer_get(name_or_code="M365 Deployment Offer")

    quotes = 500
    print("Eligibility quotes (the full rule book, one customer)")
    timed(
        f"{quotes} CSO quotes",
        lambda: [voucher_quote(customer=customer, offer=cso, on=dt.date(2023, 9, 2)) for _ in range(quotes)],
        per=quotes,
    )

    print(f"Set-based expiry of {n:,} vouchers")
    customers = Customer.objects.bulk_create(
        [
            Customer(tpid=f"B-{i}", name=f"Customer {i}", sector="Commercial", segment="SMC-C", country="US")
            for i in range(n)
        ],
        batch_size=10000,
    )
    nominated = dt.datetime(2023, 9, 1, 12, tzinfo=tz)
    nominations = Nomination.objects.bulk_create(
        [Nomination(customer=c, offer=dep, nominated_at=nominated, status="closed") for c in customers],
        batch_size=10000,
    )
    Voucher.objects.bulk_create(
        [
            Voucher(
                code=f"BENCH-{i:09d}",
                offer=dep,
                variant="DEP",
                family="MWSDO",
                customer_id=nom.customer_id,
                nomination=nom,
                face_value=25000,
                cap_at_issue=25000,
                issue_date=dt.date(2023, 10, 5),
                expiry_date=dt.date(2024, 4, 5),
                status="open" if i % 2 else "redeeming",
                partner=partner,
            )
            for i, nom in enumerate(nominations)
        ],
        batch_size=10000,
    )
    with dates.clock_at(dt.datetime(2024, 4, 5, 6, tzinfo=tz)):
        expired = timed(f"vouchers_expire ({n:,} due)", lambda: vouchers_expire(on=dt.date(2024, 4, 5)), per=n)
        again = timed("vouchers_expire again (nothing due)", lambda: vouchers_expire(on=dt.date(2024, 4, 5)))
    print(f"  expired {expired:,}; second run expired {again}")


if __name__ == "__main__":
    main()
