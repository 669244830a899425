"""What approvals earn, when it is payable, the ledger's guards, and exchange rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from hypothesis import given
from hypothesis import strategies as st

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.params import Params, coerce_value
from offerdesk.catalogue.policies import POLICIES
from offerdesk.catalogue.services import parameter_set
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.core.models import AppendOnlyError
from offerdesk.payouts.models import ExchangeRate, Payment
from offerdesk.payouts.selectors import exchange_rate_on, partner_owed
from offerdesk.payouts.services import AMOUNT_CALCULATORS, exchange_rate_set, payable_date
from offerdesk.reviews.services import review_verify_seats
from offerdesk.vouchers.models import Voucher
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    audit_events,
    cso_customer,
    cso_poe,
    cso_voucher,
    customer,
    mws_voucher,
    on,
    partner,
    partner_user,
    snapshot,
    submit,
)

DAYS = st.dates(min_value=dt.date(2023, 7, 1), max_value=dt.date(2026, 12, 31))


def params(program: str = "CSO", **overrides: Any) -> Params:
    loaded = get_catalogue().programs[program]
    values = {s.key: coerce_value(s, s.default) for s in loaded.file.parameters}
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    return Params(program, values)


def owed(p: Any) -> list[tuple[Decimal, dt.date]]:
    return [(line.amount, line.payable_on) for line in partner_owed(user=p.users.order_by("id").first(), partner=p)]


# ===================================================================================== payment dates


@pytest.mark.parametrize(
    ("submitted", "approved", "overrides", "payable"),
    [
        ("2024-01-10", "2024-01-12", {}, "2024-03-16"),  # AT-C21
        ("2024-01-31", "2024-02-02", {}, "2024-03-16"),  # AT-C22
        ("2024-01-31", "2024-02-02", {"pay__anchor": "approval"}, "2024-04-14"),  # AT-C22 alternative
        ("2024-02-27", "2024-02-28", {}, "2024-04-14"),  # AT-C20: a Sunday, not rolled
        ("2024-02-27", "2024-02-28", {"pay__roll": "next_business_day"}, "2024-04-15"),
        ("2023-11-20", "2023-11-22", {}, "2024-01-14"),  # AT-M43
        ("2024-05-31", "2024-06-03", {}, "2024-07-15"),  # AT-M43
        ("2024-01-10", "2024-04-01", {}, "2024-04-01"),  # never before the approval (AMB-13)
    ],
)
def test_payable_date(submitted: str, approved: str, overrides: dict[str, str], payable: str) -> None:
    found = payable_date(
        params(**overrides),
        submitted_on=dt.date.fromisoformat(submitted),
        approved_on=dt.date.fromisoformat(approved),
    )
    assert found == dt.date.fromisoformat(payable)


@given(submitted=DAYS, wait=st.integers(min_value=0, max_value=200))
def test_a_payment_is_never_due_before_its_approval_nor_before_the_lag(submitted: dt.date, wait: int) -> None:
    approved = submitted + dt.timedelta(days=wait)
    found = payable_date(params(), submitted_on=submitted, approved_on=approved)
    assert found >= approved
    assert found >= dates.end_of_month(submitted) + dt.timedelta(days=45)
    assert found == max(dates.end_of_month(submitted) + dt.timedelta(days=45), approved)


# ========================================================================================= CSO payout


def test_cso_pays_for_the_least_of_the_user_figures(cast: Cast) -> None:
    # AT-C15: Tier 2; 8,000 paid, 6,000 in use at issue (2,000 unused); POE 2,600, verified 2,600
    contoso = cso_customer(cast.operator, paid=8000, in_use=6000)
    voucher = cso_voucher(cast, customer=contoso)
    assert voucher.face_value == Decimal("50000.00")
    approved_sow(cast, voucher=voucher, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, when="2024-01-10", users=2600)
    with on("2024-01-11"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=2600)
    approve(cast, poe, when="2024-01-12")
    # Then 2,000 users are paid: $30,000.00, due 2024-03-16, in one payment
    assert owed(cast.fabrikam) == [(Decimal("30000.00"), dt.date(2024, 3, 16))]
    [payment] = Payment.objects.all()
    assert payment.basis["figures"] == {"poe": 2600, "verified": 2600, "paid": 8000, "unused_at_issue": 2000}
    [event] = audit_events("payment.schedule")
    assert (event.actor, event.data["amount"]) == (None, "30000.00")


def test_the_sow_value_does_not_cap_a_cso_payout(cast: Cast) -> None:
    # AT-C25: SOW value $10,000; 1,000 verified users; Tier 1; unused 1,200
    contoso = cso_customer(cast.operator, paid=2000, in_use=800)
    voucher = cso_voucher(cast, customer=contoso)
    approved_sow(cast, voucher=voucher, submitted="2023-10-02", approved="2023-10-04", value="10000")
    poe = cso_poe(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, when="2024-01-10", users=1000)
    approve(cast, poe, when="2024-01-12")
    assert owed(cast.fabrikam) == [(Decimal("15000.00"), dt.date(2024, 3, 16))]


def test_a_cso_payout_is_paid_in_local_currency_at_the_payable_dates_rate(cast: Cast) -> None:
    # AT-C32: Given a partner paid in INR and a $30,000.00 payout
    indian = partner(cast.operator, "Infosphere", payout_currency="INR")
    contoso = cso_customer(cast.operator, paid=8000, in_use=6000)
    voucher = cso_voucher(cast, customer=contoso, partner=indian, partner_user=partner_user(indian, "ira"))
    approved_sow(cast, voucher=voucher, partner=indian, submitted="2023-10-02", approved="2023-10-04")
    ira = indian.users.get()
    poe = cso_poe(actor=ira, voucher=voucher, partner=indian, when="2024-01-10", users=2000)
    approve(cast, poe, when="2024-01-12")  # payable 2024-03-16
    # And rates from 2024-03-01 (83.1234) and from 2024-04-01 (90)
    with on("2024-02-01"):
        exchange_rate_set(actor=cast.finance, currency="inr", rate="83.1234", effective_from=dt.date(2024, 3, 1))
        exchange_rate_set(actor=cast.finance, currency="INR", rate="90", effective_from=dt.date(2024, 4, 1))
    # Then the line is INR 2,493,702.00, at the rate in force on the payable date
    [line] = partner_owed(user=cast.finance, partner=indian)
    assert (line.amount, line.currency, line.rate, line.local_amount) == (
        Decimal("30000.00"),
        "INR",
        Decimal("83.1234"),
        Decimal("2493702.00"),
    )


def test_without_a_rate_the_local_amount_is_unknown(cast: Cast) -> None:
    euro = partner(cast.operator, "Eurotech", payout_currency="EUR")
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator), partner=euro, partner_user=partner_user(euro, "eva")
    )
    approved_sow(cast, voucher=voucher, partner=euro, submitted="2023-10-02", approved="2023-10-04")
    approve(
        cast,
        cso_poe(actor=euro.users.get(), voucher=voucher, partner=euro, when="2024-01-10"),
        when="2024-01-12",
    )
    [line] = partner_owed(user=cast.finance, partner=euro)
    assert (line.rate, line.local_amount) == (None, None)


# ======================================================================================== FY24 payout


def test_the_odd_cent_goes_to_the_final_payment(cast: Cast) -> None:
    # AT-M03: SMC-C MD, D $500,000, V $40,000, S $33,333.33
    litware = customer(cast.operator, tpid="T-601", name="Litware", segment="SMC-C")
    voucher = mws_voucher(
        cast,
        customer=litware,
        offer="M365 Migration & Deployment Offer",
        migration=("competitor",),
        face_value="40000",
    )
    approved_sow(
        cast,
        voucher=voucher,
        partner=cast.fabrikam,
        submitted="2023-10-10",
        approved="2023-10-12",
        value="33333.33",
    )
    poe = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="POE", when="2024-01-15")
    approve(cast, poe, when="2024-01-17")
    assert owed(cast.fabrikam) == [
        (Decimal("16666.66"), dt.date(2023, 12, 15)),
        (Decimal("16666.67"), dt.date(2024, 3, 16)),
    ]
    assert [p.kind for p in Payment.objects.order_by("id")] == ["initial", "final"]


@pytest.mark.parametrize("sector", ["Public Sector", "Education"])
def test_public_sector_and_education_are_paid_once_on_the_poe(cast: Cast, sector: str) -> None:
    # AT-M04, AT-M08: V $75,000, S $70,000
    buyer = customer(cast.operator, tpid="T-602", name="City", sector=sector)
    voucher = mws_voucher(cast, customer=buyer)
    approved_sow(
        cast,
        voucher=voucher,
        partner=cast.fabrikam,
        submitted="2023-10-10",
        approved="2023-10-12",
        value="70000",
    )
    assert not Payment.objects.exists()
    approve(
        cast,
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="POE", when="2024-01-15"),
        when="2024-01-17",
    )
    [payment] = Payment.objects.all()
    assert (payment.amount, payment.kind) == (Decimal("70000.00"), "single")


def test_tax_on_top_is_not_paid(cast: Cast) -> None:
    # AT-M42: V = $75,000; the partner's SOW adds $7,500 of tax
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-603", name="Proseware"))
    approved_sow(
        cast,
        voucher=voucher,
        partner=cast.fabrikam,
        submitted="2023-10-10",
        approved="2023-10-12",
        value="82500",
    )
    approve(
        cast,
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="POE", when="2024-01-15"),
        when="2024-01-17",
    )
    assert sum(p.amount for p in Payment.objects.all()) == Decimal("75000.00")
    voucher.refresh_from_db()
    assert voucher.committed_total == voucher.face_value


@pytest.mark.parametrize(("apply_to_md", "each"), [(True, "37500.00"), (False, "50000.00")])
def test_a_copilot_voucher_caps_the_deployment_payout(cast: Cast, apply_to_md: bool, each: str) -> None:
    # AT-M31: Enterprise MD, D $600,000 closed 2023-11-01, V = S = $100,000; the TPID also holds Copilot
    if not apply_to_md:
        with on("2023-08-01"):
            parameter_set(actor=cast.operator, key="mws.combo_caps_apply_to_MD", value="false")
    adatum = customer(cast.operator, tpid="T-604", name="Adatum")
    md = mws_voucher(
        cast,
        customer=adatum,
        offer="M365 Migration & Deployment Offer",
        closed="2023-11-01",
        value="600000",
        migration=("Office on-premises",),
        issued="2023-11-03",
        face_value="100000",
    )
    mws_voucher(
        cast,
        customer=adatum,
        offer="M365 Copilot Deployment Offer",
        nominated="2023-11-05",
        closed="2023-11-10",
        workloads=("Microsoft 365 Copilot",),
        issued="2023-11-12",
        face_value="50000",
    )
    approved_sow(cast, voucher=md, partner=cast.fabrikam, submitted="2023-11-20", approved="2023-11-22", value="100000")
    approve(
        cast,
        submit(actor=cast.pat, voucher=md, partner=cast.fabrikam, kind="POE", when="2024-01-15"),
        when="2024-01-17",
    )
    assert [p.amount for p in Payment.objects.order_by("id")] == [Decimal(each), Decimal(each)]


# ===================================================================================== ledger guards


@pytest.fixture
def paid_voucher(cast: Cast) -> Voucher:
    """Adatum's DEP voucher with its $30,000 initial payment scheduled."""
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-605", name="Adatum"))
    approved_sow(
        cast,
        voucher=voucher,
        partner=cast.fabrikam,
        submitted="2023-10-10",
        approved="2023-10-12",
        value="60000",
    )
    voucher.refresh_from_db()
    return voucher


def test_a_ledger_entry_is_never_changed(paid_voucher: Voucher) -> None:
    payment = Payment.objects.get()
    payment.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError, match="ledger entries are never changed"):
        payment.save()
    payment.refresh_from_db()
    assert payment.amount == Decimal("30000.00")


def test_the_database_refuses_payments_beyond_the_face_value(paid_voucher: Voucher) -> None:
    # Given $30,000 committed on a $75,000 voucher; When the committed total is pushed past the face value
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=paid_voucher.pk).update(committed_total=Decimal("75000.01"))
    paid_voucher.refresh_from_db()
    assert paid_voucher.committed_total == Decimal("30000.00")


def test_the_database_refuses_a_zero_payment_and_a_second_payment_for_a_request(
    cast: Cast, paid_voucher: Voucher
) -> None:
    payment = Payment.objects.get()
    fields = {
        "voucher": paid_voucher,
        "partner": payment.partner,
        "kind": "final",
        "payable_on": dt.date(2024, 1, 1),
        "currency": "USD",
        "created_at": payment.created_at,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(request=payment.request, amount=Decimal("1.00"), **fields)
    with pytest.raises(AppendOnlyError):
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("0.00"))
    # Past the append-only manager, the database itself refuses to change a ledger entry
    with pytest.raises(IntegrityError), transaction.atomic():
        QuerySet(Payment).filter(pk=payment.pk).update(amount=Decimal("0.00"))
    # and refuses a zero amount for a request that has no payment yet
    poe = submit(actor=cast.pat, voucher=paid_voucher, partner=cast.fabrikam, kind="POE", when="2024-01-15")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(request=poe, amount=Decimal("0.00"), **fields)
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("30000.00")]


# ==================================================================================== exchange rates


def test_finance_sets_a_rate_and_it_is_audited(cast: Cast) -> None:
    with on("2024-02-01"):
        row = exchange_rate_set(
            actor=cast.finance, currency=" inr ", rate="83.1234", effective_from=dt.date(2024, 3, 1)
        )
        # Setting the same day again adds a correction; the first entry stays as it was (I-22)
        correction = exchange_rate_set(
            actor=cast.finance, currency="INR", rate="83.5", effective_from=dt.date(2024, 3, 1)
        )
    row.refresh_from_db()
    assert (row.currency, row.rate) == ("INR", Decimal("83.123400"))
    assert list(ExchangeRate.objects.order_by("id")) == [row, correction]
    assert exchange_rate_on(currency="INR", on=dt.date(2024, 2, 29)) is None
    assert exchange_rate_on(currency="INR", on=dt.date(2024, 3, 1)) == Decimal("83.5")
    assert exchange_rate_on(currency="USD", on=dt.date(2020, 1, 1)) == Decimal(1)
    assert [e.data["rate"] for e in audit_events("exchange_rate.set", "done")] == ["83.1234", "83.5"]


@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("RUPEE", "83", "not an ISO 4217 currency code"),
        ("I1R", "83", "not an ISO 4217 currency code"),
        ("INR", "-83", "above zero"),
        ("INR", "0", "above zero"),
        ("INR", "-0.5", "above zero"),
        ("VND", "1000000.000001", "at most 1,000,000 units per USD"),
        ("VND", "25,000,000", "at most 1,000,000 units per USD"),
        ("INR", "NaN", "not a rate"),
        ("INR", "lots", "not a rate"),
        ("INR", "83.1234567", "at most six decimals"),
    ],
)
def test_a_bad_rate_is_refused_and_nothing_is_written(cast: Cast, currency: str, rate: str, message: str) -> None:
    before = snapshot()
    with on("2024-02-01"), pytest.raises(InvalidInput, match=message) as refused:
        exchange_rate_set(actor=cast.finance, currency=currency, rate=rate, effective_from=dt.date(2024, 3, 1))
    assert refused.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    assert len(audit_events("exchange_rate.set", "refused")) == 1


def test_a_decimal_comma_in_a_rate_is_refused_not_misread(cast: Cast) -> None:
    # Given finance types a euro rate with a decimal comma, as written in much of Europe
    # When it is recorded; Then it is refused as ambiguous, rather than read as 92 euros per dollar
    with on("2024-02-01"), pytest.raises(InvalidInput):
        exchange_rate_set(actor=cast.finance, currency="EUR", rate="0,92", effective_from=dt.date(2024, 3, 1))
    assert not ExchangeRate.objects.exists()


def test_only_finance_and_operators_set_rates(cast: Cast) -> None:
    for actor in (cast.seller, cast.reviewer, cast.pat):
        with on("2024-02-01"), pytest.raises(PermissionDenied):
            exchange_rate_set(actor=actor, currency="INR", rate="83", effective_from=dt.date(2024, 3, 1))
    assert not ExchangeRate.objects.exists()
    assert len(audit_events("exchange_rate.set", "denied")) == 3


def test_every_rule_books_payout_computation_is_implemented() -> None:
    # A new kind of program names its computation in its policy; payouts must know it before it pays anything
    assert {policy.payout_calculator for policy in POLICIES.values()} <= set(AMOUNT_CALCULATORS)
