"""Reading the ledger: what a partner is owed, in USD and in its own currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_payment_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core.money import quantize
from offerdesk.partners.models import Partner

from .models import ExchangeRate, Payment


@dataclass(frozen=True)
class OwedLine:
    payment: Payment
    amount: Decimal
    payable_on: dt.date
    currency: str
    rate: Decimal | None
    local_amount: Decimal | None


def exchange_rate_on(*, currency: str, on: dt.date) -> Decimal | None:
    """The rate in effect on a date: the newest one from that date or before."""
    if currency == "USD":
        return Decimal(1)
    row = ExchangeRate.objects.filter(currency=currency, effective_from__lte=on).order_by("-effective_from").first()
    return row.rate if row else None


def partner_owed(*, user: User, partner: Partner) -> list[OwedLine]:
    """The partner's payments the user may see, in order of payable date, each with its local amount at the
    payable date's rate."""
    lines = []
    payments = list(payment_list(user=user).filter(partner=partner).order_by("payable_on", "id"))
    currencies = {p.currency for p in payments} - {"USD"}
    rates = list(ExchangeRate.objects.filter(currency__in=currencies).order_by("-effective_from"))
    for payment in payments:
        if payment.currency == "USD":
            rate: Decimal | None = Decimal(1)
        else:
            rate = next(
                (r.rate for r in rates if r.currency == payment.currency and r.effective_from <= payment.payable_on),
                None,
            )
        local = quantize(payment.amount * rate) if rate is not None else None
        lines.append(
            OwedLine(
                payment=payment,
                amount=payment.amount,
                payable_on=payment.payable_on,
                currency=payment.currency,
                rate=rate,
                local_amount=local,
            )
        )
    return lines


def payment_list(*, user: User) -> QuerySet[Payment]:
    """The ledger entries the user may see, by payable date."""
    return access_scoped(
        Payment.objects.select_related("voucher__customer", "request", "partner"), access_payment_scope(user)
    )


def payment_get_for(*, user: User, key: int) -> Payment:
    """One ledger entry, if the user may see it."""
    return access_get(payment_list(user=user), what="payment", pk=key)
