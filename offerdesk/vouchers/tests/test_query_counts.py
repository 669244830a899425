"""Reads have a fixed number of queries, whatever the customer holds (pinned)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from offerdesk.catalogue.selectors import offer_get
from offerdesk.payouts.selectors import partner_owed
from offerdesk.vouchers.selectors import offers_quote, voucher_quote
from tests.factories import Cast, approved_sow, customer, mws_voucher


def test_a_quote_costs_the_same_few_queries_however_many_vouchers_are_held(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    adatum = customer(cast.operator, tpid="T-1", name="Adatum")
    mws_voucher(cast, customer=adatum)
    dep = offer_get(name_or_code="M365 Deployment Offer")
    with django_assert_num_queries(7):
        quote = voucher_quote(customer=adatum, offer=dep, on=dt.date(2023, 10, 6))
    assert [f.rule for f in quote.failures] == ["MWS-LIM-01"]
    # A Copilot voucher more changes nothing in the count
    mws_voucher(
        cast,
        customer=adatum,
        offer="M365 Copilot Deployment Offer",
        workloads=["Microsoft 365 Copilot"],
        closed="2023-10-02",
        issued="2023-10-06",
        face_value="50000.00",
    )
    with django_assert_num_queries(7):
        voucher_quote(customer=adatum, offer=dep, on=dt.date(2023, 10, 6))


def test_quoting_every_offer_is_one_quote_per_offer(cast: Cast, django_assert_max_num_queries: Any) -> None:
    adatum = customer(cast.operator, tpid="T-2", name="Adatum")
    with django_assert_max_num_queries(1 + 4 * 7):
        quotes = offers_quote(customer=adatum, on=dt.date(2023, 10, 6))
    assert set(quotes) == {
        "Customer Success Offer",
        "M365 Deployment Offer",
        "M365 Migration & Deployment Offer",
        "M365 Copilot Deployment Offer",
    }


def test_what_a_partner_is_owed_is_read_in_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    for n in range(3):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{10 + n}", name=f"Customer {n}"))
        approved_sow(cast, voucher=voucher, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12")
    with django_assert_num_queries(1):
        lines = partner_owed(user=cast.pat, partner=cast.fabrikam)
    assert len(lines) == 3
