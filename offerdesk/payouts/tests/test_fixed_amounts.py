"""Local amounts (rule book §3.2, I-15, I-22): an estimate at the rate in effect on the payable date until a
payment run fixes it, never changed after; rates are never edited, a correction is a new entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.payouts.models import ExchangeRate, Payment, PaymentConversion
from offerdesk.payouts.selectors import LocalStatus, exchange_rate_on, partner_owed
from offerdesk.payouts.services import exchange_rate_set, payment_fix_local_amount
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    audit_events,
    cso_customer,
    cso_poe,
    cso_voucher,
    on,
    partner,
    partner_user,
    snapshot,
)

MARCH = dt.date(2024, 3, 1)


def rate(cast: Cast, value: str, *, effective_from: dt.date = MARCH, entered: str = "2024-02-01") -> ExchangeRate:
    with on(entered):
        return exchange_rate_set(actor=cast.finance, currency="INR", rate=value, effective_from=effective_from)


def local(cast: Cast, payment: Payment) -> tuple[Decimal | None, Decimal | None, LocalStatus]:
    [line] = partner_owed(user=cast.finance, partner=payment.partner)
    return line.rate, line.local_amount, line.local_status


def ledger() -> list[tuple[Any, ...]]:
    return list(Payment.objects.order_by("pk").values_list())


@pytest.fixture
def inr_payment(cast: Cast) -> Payment:
    """Infosphere, paid in INR, is owed $14,250.00 (950 users), payable 2024-03-16; INR 83.4 from 2024-03-01."""
    indian = partner(cast.operator, "Infosphere", payout_currency="INR")
    contoso = cso_customer(cast.operator, paid=8000, in_use=6000)
    voucher = cso_voucher(cast, customer=contoso, partner=indian, partner_user=partner_user(indian, "ira"))
    approved_sow(cast, voucher=voucher, partner=indian, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=indian.users.get(), voucher=voucher, partner=indian, when="2024-01-10", users=950)
    approve(cast, poe, when="2024-01-12")
    rate(cast, "83.4")
    payment = Payment.objects.get()
    assert (payment.amount, payment.payable_on) == (Decimal("14250.00"), dt.date(2024, 3, 16))
    return payment


def test_until_fixed_the_estimate_follows_the_latest_entry_in_effect(cast: Cast, inr_payment: Payment) -> None:
    assert local(cast, inr_payment) == (Decimal("83.4"), Decimal("1188450.00"), LocalStatus.ESTIMATED)
    # When finance corrects the rate of 2024-03-01: a new entry for the same date, entered later
    first = ExchangeRate.objects.get()
    rate(cast, "84", entered="2024-02-20")
    # and enters rates that do not apply: an older date, and one after the payable date
    rate(cast, "70", effective_from=dt.date(2024, 2, 1), entered="2024-02-21")
    rate(cast, "90", effective_from=dt.date(2024, 4, 1), entered="2024-02-21")
    # Then the estimate is at the correction, and the first entry is still there as it was
    assert local(cast, inr_payment) == (Decimal("84"), Decimal("1197000.00"), LocalStatus.ESTIMATED)
    assert exchange_rate_on(currency="INR", on=dt.date(2024, 3, 16)) == Decimal("84")
    assert ExchangeRate.objects.get(pk=first.pk).rate == Decimal("83.4")
    assert ExchangeRate.objects.count() == 4


def test_of_two_entries_entered_at_the_same_moment_the_later_one_wins(cast: Cast, inr_payment: Payment) -> None:
    rate(cast, "85")  # same date, same frozen clock: the one entered last (the higher id) is in effect
    assert local(cast, inr_payment)[:2] == (Decimal("85"), Decimal("1211250.00"))


def test_a_payment_run_fixes_the_local_amount_for_good(cast: Cast, inr_payment: Payment) -> None:
    before = ledger()
    # When finance fixes the payment in a payment run
    with on("2024-03-10"):
        conversion = payment_fix_local_amount(actor=cast.finance, payment=inr_payment)
    assert (conversion.currency, conversion.rate, conversion.local_amount) == (
        "INR",
        Decimal("83.4"),
        Decimal("1188450.00"),
    )
    assert (conversion.exchange_rate, conversion.fixed_by) == (ExchangeRate.objects.get(), cast.finance)
    assert local(cast, inr_payment) == (Decimal("83.4"), Decimal("1188450.00"), LocalStatus.FIXED)
    # And the rate is then "corrected" to 1 (today's admin slip that made it INR 14,250.00), and again to 84
    rate(cast, "1", entered="2024-03-11")
    rate(cast, "84", entered="2024-03-12")
    # Then the fixed amount stands, and the ledger is as it was
    assert local(cast, inr_payment) == (Decimal("83.4"), Decimal("1188450.00"), LocalStatus.FIXED)
    assert PaymentConversion.objects.get().local_amount == Decimal("1188450.00")
    assert ledger() == before
    [event] = audit_events("payment.fix_local_amount", "done")
    assert (event.actor, event.object_id, event.data["local_amount"]) == (
        cast.finance,
        str(inr_payment.pk),
        "1188450.00",
    )


def test_a_second_fix_is_refused(cast: Cast, inr_payment: Payment) -> None:
    with on("2024-03-10"):
        payment_fix_local_amount(actor=cast.finance, payment=inr_payment)
    rate(cast, "84", entered="2024-03-11")
    with on("2024-03-12"), pytest.raises(InvalidInput, match="already has its local amount fixed") as refused:
        payment_fix_local_amount(actor=cast.finance, payment=inr_payment)
    assert refused.value.rules == ("I-15",)
    assert PaymentConversion.objects.get().rate == Decimal("83.4")
    assert len(audit_events("payment.fix_local_amount", "refused")) == 1


def test_without_a_rate_in_effect_nothing_is_fixed(cast: Cast, inr_payment: Payment) -> None:
    other = ExchangeRate.objects.get()
    assert other.effective_from == MARCH
    # Given the only INR rate starts after the payable date of a payment made earlier
    later = ExchangeRate.objects.filter(effective_from__gt=inr_payment.payable_on)
    assert not later.exists()
    eur = partner(cast.operator, "Eurotech", payout_currency="EUR")
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-101"), partner=eur, partner_user=partner_user(eur, "eva")
    )
    approved_sow(cast, voucher=voucher, partner=eur, submitted="2023-10-02", approved="2023-10-04")
    approve(cast, cso_poe(actor=eur.users.get(), voucher=voucher, partner=eur, when="2024-01-10"), when="2024-01-12")
    euro_payment = Payment.objects.get(partner=eur)
    before = snapshot()
    with on("2024-03-10"), pytest.raises(InvalidInput, match="no EUR rate is in effect on 2024-03-16"):
        payment_fix_local_amount(actor=cast.finance, payment=euro_payment)
    assert snapshot() == before
    assert local(cast, euro_payment) == (None, None, LocalStatus.UNKNOWN)


def test_only_finance_fixes_a_local_amount(cast: Cast, inr_payment: Payment) -> None:
    for actor in (cast.operator, cast.reviewer, cast.seller, inr_payment.partner.users.get(), None):
        with on("2024-03-10"), pytest.raises(PermissionDenied):
            payment_fix_local_amount(actor=actor, payment=inr_payment)
    assert not PaymentConversion.objects.exists()
    assert len(audit_events("payment.fix_local_amount", "denied")) == 5


def test_a_usd_payment_is_fixed_at_one(cast: Cast, inr_payment: Payment) -> None:
    usd = partner(cast.operator, "Dollarco")
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-102"), partner=usd, partner_user=partner_user(usd, "dan")
    )
    approved_sow(cast, voucher=voucher, partner=usd, submitted="2023-10-02", approved="2023-10-04")
    approve(cast, cso_poe(actor=usd.users.get(), voucher=voucher, partner=usd, when="2024-01-10"), when="2024-01-12")
    payment = Payment.objects.get(partner=usd)
    with on("2024-03-10"):
        conversion = payment_fix_local_amount(actor=cast.finance, payment=payment)
    assert (conversion.rate, conversion.local_amount, conversion.exchange_rate) == (1, payment.amount, None)


def test_the_admin_adds_rates_and_never_changes_or_deletes_one(
    admin_client: Any, cast: Cast, inr_payment: Payment
) -> None:
    entry = ExchangeRate.objects.get()
    change = reverse("admin:payouts_exchangerate_change", args=[entry.pk])
    delete = reverse("admin:payouts_exchangerate_delete", args=[entry.pk])
    # The change page shows the entry, read-only; saving or deleting it is forbidden
    page = admin_client.get(change)
    assert page.status_code == 200 and page.context["adminform"].form.fields == {}
    edit = {"currency": "INR", "rate": "1", "effective_from": "2024-03-01"}  # today's slip: INR 14,250.00
    assert admin_client.post(change, edit).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ExchangeRate.objects.get().rate == Decimal("83.4")
    # A correction is added as a new entry, and the estimate follows it
    added = admin_client.post(
        reverse("admin:payouts_exchangerate_add"), {"currency": "inr", "rate": "84", "effective_from": "2024-03-01"}
    )
    assert added.status_code == 302
    assert ExchangeRate.objects.count() == 2
    assert local(cast, inr_payment)[:2] == (Decimal("84"), Decimal("1197000.00"))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"currency": "XYZ", "rate": "84", "effective_from": "2024-03-01"}, "not an ISO 4217 currency code: 'XYZ'"),
        ({"currency": "INR", "rate": "84", "effective_from": "1900-03-01"}, "must be a date from 2000-01-01"),
        ({"currency": "INR", "rate": "0", "effective_from": "2024-03-01"}, "must be above zero"),
        ({"currency": "INR", "rate": "84.1234567", "effective_from": "2024-03-01"}, None),  # the field's own check
    ],
)
def test_the_admin_refuses_a_rate_the_service_would_refuse(
    admin_client: Any, cast: Cast, inr_payment: Payment, entry: dict[str, str], message: str | None
) -> None:
    # An invented currency or a date outside 2000–2100 once got past the admin's own looser checks
    page = admin_client.post(reverse("admin:payouts_exchangerate_add"), entry)
    errors = page.context["adminform"].form.errors
    assert page.status_code == 200 and errors
    if message is not None:
        assert any(message in error for field in errors.values() for error in field)
    assert ExchangeRate.objects.count() == 1
    assert local(cast, inr_payment)[:2] == (Decimal("83.4"), Decimal("1188450.00"))
