"""Every list and detail page of the seller's and operator's area costs the same number of queries with 1 row as
with 50 (pinned: a change in either number is a decision, not an accident)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import Cast, cso_customer, cso_nominate, customer, deal, mws_voucher

from .test_partner_query_counts import EVERY_PAGE, assert_page_costs

TABLE = 2  # a table's count and its rows
PINNED = {
    "customers": EVERY_PAGE + TABLE,
    # the customer (scoped), again with its group, its seats, usage, prior licences and contacts; deals,
    # nominations and vouchers; the partners and offers of the nominate form
    "customer": EVERY_PAGE + 11,
    # the customer and the offers, then per offer (four) the facts its rules read: the quote the services use,
    # never a copy of it; as many with 50 deals as with 1
    "eligibility": EVERY_PAGE + 31,
    "nominations": EVERY_PAGE + TABLE + 1,  # + the offers of the filter's list
    "nomination": EVERY_PAGE + 3,  # the nomination with its referral, its vouchers, the re-map form's partners
    "vouchers": EVERY_PAGE + TABLE + 1,
    "voucher": EVERY_PAGE + 2,  # voucher_history: the voucher with its nomination, its requests (none here)
    "partners": EVERY_PAGE + TABLE,
    "partner": EVERY_PAGE + 4,
}


def _vouchers(cast: Cast, rows: int) -> list[Any]:
    made = []
    for n in range(rows):
        made.append(mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")))
    return made


def _busy_customer(cast: Cast, rows: int) -> str:
    found = cso_customer(cast.operator, tpid="T-1", name="Contoso")
    for n in range(rows):
        deal(cast, customer=found, closed="2023-10-01", value=f"{1000 + n}.00")
    cso_nominate(cast, customer=found, partner=cast.fabrikam)
    return found.tpid


PAGES: dict[str, Callable[[Cast, int], str]] = {
    "customers": lambda cast, rows: (_vouchers(cast, rows), reverse("portal:staff-customers"))[1],
    "customer": lambda cast, rows: reverse("portal:staff-customer", args=[_busy_customer(cast, rows)]),
    "eligibility": lambda cast, rows: reverse("portal:staff-customer-eligibility", args=[_busy_customer(cast, rows)]),
    "nominations": lambda cast, rows: (_vouchers(cast, rows), reverse("portal:staff-nominations"))[1],
    "nomination": lambda cast, rows: reverse("portal:staff-nomination", args=[_vouchers(cast, rows)[0].nomination_id]),
    "vouchers": lambda cast, rows: (_vouchers(cast, rows), reverse("portal:staff-vouchers"))[1],
    "voucher": lambda cast, rows: reverse("portal:staff-voucher", args=[_vouchers(cast, rows)[0].code]),
    "partners": lambda cast, rows: (_vouchers(cast, rows), reverse("portal:staff-partners"))[1],
    "partner": lambda cast, rows: (_vouchers(cast, rows), reverse("portal:staff-partner", args=[cast.fabrikam.pk]))[1],
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_costs_the_same_queries_with_1_or_50_rows(
    cast: Cast, page: str, rows: int, django_assert_num_queries: Any
) -> None:
    assert_page_costs(
        PAGES[page](cast, rows), user=cast.operator, queries=PINNED[page], check=django_assert_num_queries
    )
