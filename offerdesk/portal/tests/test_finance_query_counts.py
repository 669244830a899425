"""Every list and detail page of finance's area, and the partner's Statements, costs the same number of queries
with 1 row as with many (pinned: a change in either number is a decision, not an accident). Rows built through
the whole approval flow are costly, so "many" is 50 exchange rates and 6 payments, runs or months."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.payouts.models import PaymentRunItem, Statement
from offerdesk.payouts.services import (
    payment_run_create,
    payment_run_item_mark_failed,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
    statements_publish,
)
from offerdesk.payouts.tests.ledger import rate, scheduled_payment
from tests.factories import Cast, on

from .test_partner_query_counts import EVERY_PAGE, assert_page_costs

TABLE = 2  # a table's count and its rows
PINNED = {
    "rates": EVERY_PAGE + TABLE,
    "runs": EVERY_PAGE + TABLE,  # the runs with their counts and creators in one query
    "run": EVERY_PAGE + 3,  # the run with its counts, its items with partner, voucher and who settled, reversals
    "statements": EVERY_PAGE + TABLE,
    # the statement (scoped), then statements_for: payments with their fixed amounts, paid items, reversals (USD:
    # no rates to read)
    "statement": EVERY_PAGE + 4,
    "partner-statements": EVERY_PAGE + TABLE,
    "partner-statement": EVERY_PAGE + 4,
}


def _rates(cast: Cast, rows: int) -> str:
    for n in range(rows):
        rate(cast, "INR", f"{80 + n}.5", effective_from=f"2024-0{1 + n % 9}-01")
    return reverse("portal:finance-rates")


def _paid(cast: Cast, rows: int) -> PaymentRunItem:
    """`rows` payments of Fabrikam's in one run, sent and paid on 2024-04-25; the first item."""
    payments = [scheduled_payment(cast, cast.fabrikam, n=n) for n in range(rows)]
    with on("2024-04-20"):
        run = payment_run_create(actor=cast.finance, up_to="2024-03-31")
        payment_run_mark_sent(actor=cast.finance, run=run)
    with on("2024-04-25"):
        for item in PaymentRunItem.objects.filter(run=run):
            payment_run_item_mark_paid(actor=cast.finance, item=item)
    return PaymentRunItem.objects.get(payment=payments[0])


def _runs(cast: Cast, rows: int) -> str:
    """`rows` runs: each one's item failed, so the next run takes it again."""
    scheduled_payment(cast, cast.fabrikam, n=1)
    for n in range(rows):
        with on(f"2024-04-{10 + n}"):
            run = payment_run_create(actor=cast.finance, up_to="2024-03-31")
            payment_run_mark_sent(actor=cast.finance, run=run)
            payment_run_item_mark_failed(actor=cast.finance, item=run.items.get(), reason="refused")
    return reverse("portal:finance-runs")


def _statement(cast: Cast, rows: int) -> Statement:
    """April's statement with `rows` payments paid in it."""
    _paid(cast, rows)
    with on("2024-05-02"):
        statements_publish(on="2024-05-02")
    return Statement.objects.get()


def _months(cast: Cast, rows: int, url_name: str) -> str:
    """`rows` monthly statements of Fabrikam's, from March 2024; the list's address."""
    scheduled_payment(cast, cast.fabrikam, n=1)
    for n in range(rows):
        day = f"2024-{4 + n:02d}-02"
        with on(day):
            statements_publish(on=day)
    return reverse(url_name)


PAGES: dict[str, Callable[[Cast, int], str]] = {
    "rates": _rates,
    "runs": _runs,
    "run": lambda cast, rows: reverse("portal:finance-run", args=[_paid(cast, rows).run_id]),
    "statements": lambda cast, rows: _months(cast, rows, "portal:finance-statements"),
    "statement": lambda cast, rows: reverse("portal:finance-statement", args=[_statement(cast, rows).pk]),
    "partner-statements": lambda cast, rows: _months(cast, rows, "portal:partner-statements"),
    "partner-statement": lambda cast, rows: reverse("portal:partner-statement", args=[_statement(cast, rows).pk]),
}


def _reader(cast: Cast, page: str) -> User:
    return cast.pat if page.startswith("partner-") else cast.finance


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("rows", [1, 6])
def test_a_page_costs_the_same_queries_with_1_or_many_rows(
    cast: Cast, page: str, rows: int, django_assert_num_queries: Any
) -> None:
    many = 50 if page == "rates" and rows > 1 else rows
    url = PAGES[page](cast, many)
    assert_page_costs(
        url, user=_reader(cast, page), queries=PINNED[page], check=django_assert_num_queries, day="2024-06-10"
    )
