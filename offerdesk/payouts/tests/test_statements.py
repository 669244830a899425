"""A partner's payments page and voucher list read: owed and paid, per voucher and in total, USD and local."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from offerdesk.payouts.selectors import payments_by_partner, voucher_overview_list
from offerdesk.payouts.services import (
    exchange_rate_set,
    payment_run_create,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)
from offerdesk.vouchers.models import Voucher
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    cso_customer,
    cso_poe,
    cso_voucher,
    customer,
    mws_voucher,
    on,
    partner_user,
)
from tests.factories import partner as make_partner


def test_owed_and_paid_per_voucher_and_in_total_in_usd_and_the_payout_currency(cast: Cast) -> None:
    # Given Infosphere, paid in INR, with two CSO vouchers whose POEs are approved ($14,250.00 and $9,000.00)
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    ira = partner_user(indian, "ira")
    vouchers = []
    for n, users in enumerate((950, 600)):
        contoso = cso_customer(cast.operator, tpid=f"T-{n}", name=f"Contoso {n}", paid=8000, in_use=6000)
        voucher = cso_voucher(cast, customer=contoso, partner=indian, partner_user=ira)
        approved_sow(cast, voucher=voucher, partner=indian, submitted="2023-10-02", approved="2023-10-04")
        approve(
            cast, cso_poe(actor=ira, voucher=voucher, partner=indian, when="2024-01-10", users=users), when="2024-01-12"
        )
        vouchers.append(voucher)
    with on("2024-02-01"):
        exchange_rate_set(actor=cast.finance, currency="INR", rate="83.4", effective_from=dt.date(2024, 3, 1))
        # When a payment run takes both payments and the payment system pays the first voucher's
        run = payment_run_create(actor=cast.finance, up_to="2024-12-31")
        payment_run_mark_sent(actor=cast.finance, run=run)
        payment_run_item_mark_paid(actor=cast.finance, item=run.items.get(payment__voucher=vouchers[0]))
    [statement] = payments_by_partner(user=ira)
    # Then the first is paid, the second owed (its amount fixed by the run), each in USD and INR, and the totals
    assert statement.partner == indian
    assert [(v.voucher, v.paid.usd, v.owed.usd) for v in statement.vouchers] == [
        (vouchers[0], Decimal("14250.00"), Decimal("0")),
        (vouchers[1], Decimal("0"), Decimal("9000.00")),
    ]
    assert (statement.paid.usd, statement.paid.local, statement.paid.currency) == (
        Decimal("14250.00"),
        Decimal("1188450.00"),
        "INR",
    )
    assert (statement.owed.usd, statement.owed.local) == (Decimal("9000.00"), Decimal("750600.00"))
    assert statement.total.usd == Decimal("23250.00")
    assert [line.payable_on for line in statement.lines] == [dt.date(2024, 3, 16)] * 2


def test_without_a_rate_the_local_total_is_unknown_not_zero(cast: Cast) -> None:
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    ira = partner_user(indian, "ira")
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator, paid=8000, in_use=6000), partner=indian, partner_user=ira
    )
    approved_sow(cast, voucher=voucher, partner=indian, submitted="2023-10-02", approved="2023-10-04")
    approve(cast, cso_poe(actor=ira, voucher=voucher, partner=indian, when="2024-01-10"), when="2024-01-12")
    [statement] = payments_by_partner(user=ira)
    assert (statement.owed.usd, statement.owed.local) == (Decimal("9000.00"), None)


def test_each_partner_sees_its_own_statement_and_an_fpm_those_it_manages(cast: Cast) -> None:
    for n, firm in enumerate((cast.fabrikam, cast.northwind)):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approved_sow(cast, voucher=voucher, partner=firm, submitted="2023-10-10", approved="2023-10-12", value="75000")
    assert [s.partner for s in payments_by_partner(user=cast.pat)] == [cast.fabrikam]
    assert [s.partner for s in payments_by_partner(user=cast.fran)] == [cast.fabrikam]
    assert [s.partner for s in payments_by_partner(user=cast.finance)] == [cast.fabrikam, cast.northwind]
    assert payments_by_partner(user=cast.seller) == []


@pytest.mark.parametrize("rows", [1, 50])
def test_the_statement_costs_two_queries_with_1_or_50_payments(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    euro = make_partner(cast.operator, "Eurofirm", payout_currency="EUR")
    eva = partner_user(euro, "eva")
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approved_sow(cast, voucher=voucher, partner=euro, submitted="2023-10-10", approved="2023-10-12", value="75000")
    with django_assert_num_queries(2):  # the payments with their vouchers, then the EUR rates
        [statement] = payments_by_partner(user=eva)
        assert len(statement.vouchers) == rows
        assert {v.voucher.customer.name for v in statement.vouchers} >= {"Customer 0"}


@pytest.mark.parametrize("rows", [1, 50])
def test_the_voucher_overview_costs_three_queries_with_1_or_50_vouchers(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approved_sow(
            cast, voucher=voucher, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12", value="60000"
        )
    with django_assert_num_queries(3):  # vouchers, their requests, their payments
        overviews = voucher_overview_list(user=cast.pat)
        assert len(overviews) == rows
        touched = {(o.voucher.offer.program.name, o.voucher.customer.name, o.voucher.partner) for o in overviews}
        assert len(touched) == rows
    first = overviews[0]
    assert [r.kind for r in first.requests] == ["SOW"]
    assert first.approved_usd > 0 and first.paid_usd == 0


def test_the_overview_shows_only_what_the_partner_may_see_of_a_voucher(cast: Cast, dep: Voucher) -> None:
    approved_sow(cast, voucher=dep, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12", value="75000")
    [own] = voucher_overview_list(user=cast.pat)
    assert (own.voucher, own.approved_usd, own.paid_usd) == (dep, Decimal("37500.00"), Decimal("0"))
    assert voucher_overview_list(user=cast.nico) == []
