"""Reading the ledger: what a partner is owed, in USD and in its own currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from offerdesk.accounts.access import access_finance_scope, access_get, access_payment_scope, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import parsing
from offerdesk.core.errors import NotFound
from offerdesk.core.money import quantize
from offerdesk.partners.models import Partner
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.selectors import request_list
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_list

from .choices import LIVE_ITEM_STATUSES, ItemStatus
from .models import ExchangeRate, Payment, PaymentConversion, PaymentRun, PaymentRunItem

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
    paid: bool = False  # its payment-run item is marked paid (ADR 24); a fixed amount alone is not a payment


def exchange_rate_entry_on(*, currency: str, on: dt.date) -> ExchangeRate | None:
    """The entry in effect on a date: the newest date on or before it, and of that date the latest entered."""
    return ExchangeRate.objects.filter(currency=currency, effective_from__lte=on).order_by(*RATE_ORDER).first()


def exchange_rate_list(*, user: User) -> QuerySet[ExchangeRate]:
    """Every rate entry ever made, the one in effect first for each currency and date: finance's back office."""
    return ExchangeRate.objects.filter(access_finance_scope(user)).order_by("currency", *RATE_ORDER)


@dataclass(frozen=True)
class RateInEffect:
    """A currency's rate on a day, and the entry it comes from (none for USD: always 1)."""

    currency: str
    on: dt.date
    rate: Decimal
    entry: ExchangeRate | None


def exchange_rate_in_effect(*, user: User, currency: Any, on: Any) -> RateInEffect:
    """The rate in effect for a currency on a day, if the user may read rates; none entered yet is not found.
    A bad currency or day is refused by its field (OD-IN-01)."""
    code = parsing.parse_choice(
        currency.upper() if isinstance(currency, str) else currency, field="currency", choices=parsing.currencies()
    )
    day = parsing.parse_date(on, field="on")
    if code == USD:
        return RateInEffect(code, day, Decimal(1), None)
    entry = exchange_rate_list(user=user).filter(currency=code, effective_from__lte=day).order_by(*RATE_ORDER).first()
    if entry is None:
        raise NotFound(f"no {code} rate is in effect on {day}")
    return RateInEffect(code, day, entry.rate, entry)


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
        paid=bool(getattr(payment, "is_paid", False)),
    )


def _owed_lines(payments: QuerySet[Payment]) -> list[OwedLine]:
    """Each payment with its local amount, in two queries at most (the payments, then their currencies' rates)."""
    paid = PaymentRunItem.objects.filter(payment=OuterRef("pk"), status=ItemStatus.PAID)
    rows = list(payments.select_related("conversion").annotate(is_paid=Exists(paid)).order_by("payable_on", "id"))
    currencies = {p.currency for p in rows} - {USD}
    rates = list(ExchangeRate.objects.filter(currency__in=currencies).order_by(*RATE_ORDER)) if currencies else []
    return [_line(payment, rates) for payment in rows]


def partner_owed(*, user: User, partner: Partner) -> list[OwedLine]:
    """The partner's payments the user may see, by payable date, each with its local amount: fixed, or estimated
    until a payment run fixes it (I-15)."""
    return _owed_lines(payment_list(user=user).filter(partner=partner))


@dataclass(frozen=True)
class Amounts:
    """A sum in USD and in the payout currency; the local sum is None while a line's rate is still unknown."""

    usd: Decimal
    currency: str
    local: Decimal | None

    @classmethod
    def of(cls, lines: list[OwedLine], currency: str) -> Amounts:
        """The lines' sum; in the local currency only when every line has its local amount in that currency."""
        local: Decimal | None = Decimal(0)
        for line in lines:
            local = local + line.local_amount if local is not None and line.local_amount is not None else None
            if line.currency != currency:
                local = None
        return cls(usd=sum((line.amount for line in lines), Decimal(0)), currency=currency, local=local)


@dataclass(frozen=True)
class PaymentGroup:
    """What one partner is owed and was paid: each line, and the sums. A line is paid once finance marked its
    payment-run item paid (ADR 24); until then it is owed, its local amount an estimate until a run fixes it (I-15)."""

    lines: list[OwedLine]
    currency: str

    @property
    def owed(self) -> Amounts:
        return Amounts.of([line for line in self.lines if not line.paid], self.currency)

    @property
    def paid(self) -> Amounts:
        return Amounts.of([line for line in self.lines if line.paid], self.currency)

    @property
    def total(self) -> Amounts:
        return Amounts.of(self.lines, self.currency)


@dataclass(frozen=True)
class VoucherPayments(PaymentGroup):
    """The payments against one voucher."""

    voucher: Voucher


@dataclass(frozen=True)
class PartnerPayments(PaymentGroup):
    """One partner's whole statement: per voucher (by the first payable date), and in total."""

    partner: Partner
    vouchers: list[VoucherPayments]


def payments_by_partner(*, user: User) -> list[PartnerPayments]:
    """The payments the user may see, per partner (a partner user has one; an FPM one per managed partner),
    each per voucher and in total, in USD and the partner's payout currency; two queries whatever the size."""
    lines = _owed_lines(payment_list(user=user))
    by_partner: dict[int, list[OwedLine]] = {}
    for line in lines:
        by_partner.setdefault(line.payment.partner_id, []).append(line)
    statements = []
    for partner_lines in by_partner.values():
        partner = partner_lines[0].payment.partner
        by_voucher: dict[int, list[OwedLine]] = {}
        for line in partner_lines:
            by_voucher.setdefault(line.payment.voucher_id, []).append(line)
        currency = partner.payout_currency
        statements.append(
            PartnerPayments(
                lines=partner_lines,
                currency=currency,
                partner=partner,
                vouchers=[
                    VoucherPayments(lines=group, currency=currency, voucher=group[0].payment.voucher)
                    for group in by_voucher.values()
                ],
            )
        )
    return sorted(statements, key=lambda s: s.partner.name)


def payment_list(*, user: User) -> QuerySet[Payment]:
    """The ledger entries the user may see, by payable date."""
    return access_scoped(
        Payment.objects.select_related("voucher__customer", "voucher__offer", "request", "partner"),
        access_payment_scope(user),
    )


def payment_get_for(*, user: User, key: int) -> Payment:
    """One ledger entry, if the user may see it."""
    return access_get(payment_list(user=user), what="payment", pk=key)


@dataclass(frozen=True)
class VoucherOverview:
    """A voucher as its partner's list shows it: the requests the user may see against it, and what its
    payments come to in USD, scheduled (approved) and paid (in a payment run)."""

    voucher: Voucher
    requests: list[RedemptionRequest]
    approved_usd: Decimal
    paid_usd: Decimal


def voucher_overview_list(*, user: User, statuses: tuple[str, ...] | None = None) -> list[VoucherOverview]:
    """The vouchers the user may see (soonest expiry first), each with its requests and payments: three
    queries whatever the number of vouchers."""
    vouchers = voucher_list(user=user, statuses=statuses).prefetch_related(
        Prefetch("requests", queryset=request_list(user=user).order_by("submitted_at", "id"), to_attr="seen_requests"),
        Prefetch("payments", queryset=payment_list(user=user).select_related("conversion"), to_attr="seen_payments"),
    )
    overviews = []
    for voucher in vouchers:
        payments: list[Payment] = voucher.seen_payments  # type: ignore[attr-defined]
        overviews.append(
            VoucherOverview(
                voucher=voucher,
                requests=voucher.seen_requests,  # type: ignore[attr-defined]
                approved_usd=sum((p.amount for p in payments), Decimal(0)),
                paid_usd=sum((p.amount for p in payments if hasattr(p, "conversion")), Decimal(0)),
            )
        )
    return overviews


# ================================================================================================ payment runs


def payments_waiting(*, up_to: dt.date) -> QuerySet[Payment]:
    """The payments payable up to a date that no run holds: never in one, or their last item failed (ADR 24)."""
    live = PaymentRunItem.objects.filter(payment=OuterRef("pk"), status__in=LIVE_ITEM_STATUSES)
    return Payment.objects.filter(payable_on__lte=up_to).exclude(Exists(live))


def payment_run_list(*, user: User) -> QuerySet[PaymentRun]:
    """Payment runs, newest first, each with its item count, USD total and how many are paid, failed, pending;
    finance's alone: one query."""
    runs = PaymentRun.objects.filter(access_finance_scope(user)).select_related("created_by")
    return runs.annotate(
        item_count=Count("items"),
        usd_total=Sum("items__amount"),
        paid_count=Count("items", filter=Q(items__status=ItemStatus.PAID)),
        failed_count=Count("items", filter=Q(items__status=ItemStatus.FAILED)),
    )


def payment_run_get_for(*, user: User, key: int | str) -> PaymentRun:
    """One payment run, if the user may see runs."""
    return access_get(payment_run_list(user=user), what="payment run", pk=key)


def payment_run_items(*, run: PaymentRun) -> QuerySet[PaymentRunItem]:
    """A run's items with their partner and voucher, by partner then payment."""
    return (
        PaymentRunItem.objects.filter(run=run)
        .select_related("payment__partner", "payment__voucher", "settled_by")
        .order_by("payment__partner__name", "payment_id")
    )


def payment_run_item_get(*, run: PaymentRun, key: int | str) -> PaymentRunItem:
    """One item of a run (another run's is not found)."""
    return access_get(payment_run_items(run=run), what="payment run item", pk=key)


PAYMENT_RUN_EXPORT_HEADER = (
    "run",
    "item",
    "partner",
    "partner_country",
    "voucher",
    "payment",
    "kind",
    "payable_on",
    "amount_usd",
    "currency",
    "rate",
    "local_amount",
    "status",
)


def payment_run_export_rows(*, run: PaymentRun) -> list[tuple[object, ...]]:
    """A run's items as the payment system reads them, one query: amounts as Decimals, dates as dates."""
    return [
        (
            run.pk,
            item.pk,
            item.payment.partner.name,
            item.payment.partner.country,
            item.payment.voucher.code,
            item.payment_id,
            item.payment.kind,
            item.payment.payable_on,
            item.amount,
            item.currency,
            item.rate,
            item.local_amount,
            item.status,
        )
        for item in payment_run_items(run=run)
    ]
