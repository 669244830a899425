"""Eligibility quotes: the full rule book for one customer, against the raw SQL reads of the same facts."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from offerdesk.core import dates

from .harness import Bench, measure

QUOTES = 100


def run(bench: Bench) -> None:
    from offerdesk.accounts.choices import Role
    from offerdesk.accounts.models import User
    from offerdesk.catalogue.selectors import offer_get
    from offerdesk.customers.services import customer_create, customer_set_seats, customer_set_usage
    from offerdesk.vouchers.selectors import voucher_quote

    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"role": Role.OPERATOR})
    with dates.clock_at(dates.local_moment(dt.date(2023, 9, 1))):
        customer = customer_create(
            actor=operator, tpid="BENCH-Q", name="Bench", sector="Commercial", segment="Enterprise", country="US"
        )
        customer_set_seats(actor=operator, customer=customer, sku="Office 365 E3", paid=3000, in_use=500)
        customer_set_usage(actor=operator, customer=customer, usage={"Exchange Online": "30%", "Teams": "40%"})
    cso = offer_get(name_or_code="Customer Success Offer")

    def quotes() -> None:
        for _ in range(QUOTES):
            voucher_quote(customer=customer, offer=cso, on=dt.date(2023, 9, 2))

    def reads() -> None:
        # The rows a quote judges: the customer, its seats, its usage, its nominations and its vouchers
        with connection.cursor() as cursor:
            for _ in range(QUOTES):
                for table in (
                    "customers_seatlicence",
                    "customers_workloadusage",
                    "vouchers_nomination",
                    "vouchers_voucher",
                ):
                    cursor.execute(f"SELECT * FROM {table} WHERE customer_id = %s", [customer.pk])
                    cursor.fetchall()
                cursor.execute("SELECT * FROM customers_customer WHERE id = %s", [customer.pk])
                cursor.fetchall()

    measure(f"{QUOTES} CSO quotes", quotes, baseline=reads, runs=bench.runs, per=QUOTES)
