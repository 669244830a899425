"""Reading the ledger: what a partner is owed, in USD and in its own currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_payment_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core.money import quantize
from offerdesk.partners.models import Partner

from .models import ExchangeRate, Payment, PaymentConversion

USD = "USD"
RATE_ORDER = ("-effective_from", "-created_at", "-id")  # the entry in effect comes first


class LocalStatus(StrEnum):
    """How far a line's local amount is settled (I-15)."""

    FIXED = "fixed"  # a payment run fixed it: it never changes
    ESTIMATED = "estimated"  # at the rate in effect on the payable date, as entered so far
    UNKNOWN = "unknown"  # no rate for the currency on that date yet


@dataclass(frozen=True)
class OwedLine:
    """One payment a partner is owed, in USD and in its own currency, with how settled the local amount is."""

    payment: Payment
    amount: Decimal
    payable_on: dt.date
    currency: str
    rate: Decimal | None
    local_amount: Decimal | None
    local_status: LocalStatus


def exchange_rate_entry_on(*, currency: str, on: dt.date) -> ExchangeRate | None:
    """The entry in effect on a date: the newest date on or before it, and of that date the latest entered."""
    return ExchangeRate.objects.filter(currency=currency, effective_from__lte=on).order_by(*RATE_ORDER).first()


def exchange_rate_on(*, currency: str, on: dt.date) -> Decimal | None:
    """The rate in effect on a date (1 for USD), or None when none is entered yet."""
    if currency == USD:
        return Decimal(1)
    entry = exchange_rate_entry_on(currency=currency, on=on)
    return entry.rate if entry else None


def _line(payment: Payment, rates: list[ExchangeRate]) -> OwedLine:
    conversion: PaymentConversion | None = getattr(payment, "conversion", None)
    rate: Decimal | None
    local: Decimal | None
    if conversion is not None:
        rate, local, status = conversion.rate, conversion.local_amount, LocalStatus.FIXED
    else:
        if payment.currency == USD:
            rate = Decimal(1)
        else:  # `rates` is in RATE_ORDER, so the first that applies is the one in effect
            rate = next(
                (r.rate for r in rates if r.currency == payment.currency and r.effective_from <= payment.payable_on),
                None,
            )
        local = quantize(payment.amount * rate) if rate is not None else None
        status = LocalStatus.ESTIMATED if rate is not None else LocalStatus.UNKNOWN
    return OwedLine(
        payment=payment,
        amount=payment.amount,
        payable_on=payment.payable_on,
        currency=payment.currency,
        rate=rate,
        local_amount=local,
        local_status=status,
    )


def partner_owed(*, user: User, partner: Partner) -> list[OwedLine]:
    """The partner's payments the user may see, by payable date, each with its local amount: fixed, or estimated
    until a payment run fixes it (I-15)."""
    payments = list(
        payment_list(user=user).filter(partner=partner).select_related("conversion").order_by("payable_on", "id")
    )
    currencies = {p.currency for p in payments} - {USD}
    rates = list(ExchangeRate.objects.filter(currency__in=currencies).order_by(*RATE_ORDER))
    return [_line(payment, rates) for payment in payments]


def payment_list(*, user: User) -> QuerySet[Payment]:
    """The ledger entries the user may see, by payable date."""
    return access_scoped(
        Payment.objects.select_related("voucher__customer", "request", "partner"), access_payment_scope(user)
    )


def payment_get_for(*, user: User, key: int) -> Payment:
    """One ledger entry, if the user may see it."""
    return access_get(payment_list(user=user), what="payment", pk=key)
