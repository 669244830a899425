"""Payments: the ledger's entries the caller may see (a partner its own, an FPM its partners', staff but sellers
all), one entry, and what each partner is owed and was paid, per voucher, in USD and its payout currency (the
partner's Payments page). A local amount is fixed by a payment run (I-15), an estimate until then."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.payouts.choices import PaymentKind
from offerdesk.payouts.models import Payment, PaymentConversion
from offerdesk.payouts.selectors import (
    Amounts,
    LocalStatus,
    OwedLine,
    PartnerPayments,
    payment_get_for,
    payment_list,
    payments_by_partner,
)

from .auth import caller
from .lists import ListParams, Page, page_of
from .rates import Rate
from .schemas import Money

router = Router(tags=["payments"])


class PaymentOut(Schema):
    id: int
    voucher: str = Field(description="The voucher ID.")
    program: str
    customer_tpid: str
    customer_name: str
    request: int = Field(description="The approved request (SOW or POE) the payment is for.")
    partner: int
    partner_name: str
    kind: str = Field(description=f"One of {', '.join(PaymentKind.values)}.")
    amount: Money = Field(description="USD.")
    payable_on: dt.date
    currency: str = Field(description="The partner's payout currency.")
    fixed_rate: Rate | None = Field(description="Units of the currency per USD, once a payment run fixed it (I-15).")
    fixed_local_amount: Money | None = Field(description="The amount in the currency, once fixed (I-15).")
    created_at: dt.datetime

    @staticmethod
    def of(payment: Payment) -> PaymentOut:
        conversion: PaymentConversion | None = getattr(payment, "conversion", None)
        return PaymentOut(
            id=payment.pk,
            voucher=payment.voucher.code,
            program=payment.voucher.offer.program.code,
            customer_tpid=payment.voucher.customer.tpid,
            customer_name=payment.voucher.customer.name,
            request=payment.request_id,
            partner=payment.partner_id,
            partner_name=payment.partner.name,
            kind=payment.kind,
            amount=payment.amount,
            payable_on=payment.payable_on,
            currency=payment.currency,
            fixed_rate=conversion.rate if conversion else None,
            fixed_local_amount=conversion.local_amount if conversion else None,
            created_at=payment.created_at,
        )


class PaymentFilters(ListParams):
    partner: int | None = Field(None, description="One partner's ID.")
    voucher: str = Field("", description="One voucher ID.")
    kind: str = Field("", description=f"One of {', '.join(PaymentKind.values)}.")


ORDERINGS = {
    "payable_on": "payable_on",
    "-payable_on": "-payable_on",
    "newest": "-created_at",
    "oldest": "created_at",
}


@router.get("/", response=Page[PaymentOut], operation_id="payment_list", summary="The payments you may see")
def payment_list_op(request: HttpRequest, filters: Query[PaymentFilters]) -> Page[PaymentOut]:
    qs = payment_list(user=caller(request)).select_related("voucher__offer__program", "conversion")
    if filters.partner is not None:
        qs = qs.filter(partner_id=filters.partner)
    if filters.voucher:
        qs = qs.filter(voucher__code=filters.voucher)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="payable_on")
    return Page[PaymentOut](items=[PaymentOut.of(p) for p in rows], next=after)


# ------------------------------------------------------------------------------------------ owed and paid


class AmountsOut(Schema):
    usd: Money
    currency: str
    local: Money | None = Field(description="Null while a line's rate is still unknown.")

    @staticmethod
    def of(amounts: Amounts) -> AmountsOut:
        return AmountsOut(usd=amounts.usd, currency=amounts.currency, local=amounts.local)


class OwedLineOut(Schema):
    payment: int
    kind: str
    amount: Money = Field(description="USD.")
    payable_on: dt.date
    currency: str
    rate: Rate | None
    local_amount: Money | None
    local_status: str = Field(description=f"One of {', '.join(LocalStatus)}: fixed by a run, or an estimate.")
    paid: bool = Field(description="Its payment-run item is marked paid.")

    @staticmethod
    def of(line: OwedLine) -> OwedLineOut:
        return OwedLineOut(
            payment=line.payment.pk,
            kind=line.payment.kind,
            amount=line.amount,
            payable_on=line.payable_on,
            currency=line.currency,
            rate=line.rate,
            local_amount=line.local_amount,
            local_status=line.local_status,
            paid=line.paid,
        )


class VoucherPaymentsOut(Schema):
    voucher: str
    owed: AmountsOut
    paid: AmountsOut
    total: AmountsOut
    lines: list[OwedLineOut]


class PartnerPaymentsOut(Schema):
    partner: int
    partner_name: str
    currency: str
    owed: AmountsOut
    paid: AmountsOut
    total: AmountsOut
    vouchers: list[VoucherPaymentsOut]

    @staticmethod
    def of(found: PartnerPayments) -> PartnerPaymentsOut:
        return PartnerPaymentsOut(
            partner=found.partner.pk,
            partner_name=found.partner.name,
            currency=found.currency,
            owed=AmountsOut.of(found.owed),
            paid=AmountsOut.of(found.paid),
            total=AmountsOut.of(found.total),
            vouchers=[
                VoucherPaymentsOut(
                    voucher=v.voucher.code,
                    owed=AmountsOut.of(v.owed),
                    paid=AmountsOut.of(v.paid),
                    total=AmountsOut.of(v.total),
                    lines=[OwedLineOut.of(line) for line in v.lines],
                )
                for v in found.vouchers
            ],
        )


@router.get(
    "/by-partner",
    response=list[PartnerPaymentsOut],
    operation_id="payment_by_partner_list",
    summary="What each partner you may see is owed and was paid, per voucher",
)
def payment_by_partner_op(request: HttpRequest) -> list[PartnerPaymentsOut]:
    return [PartnerPaymentsOut.of(p) for p in payments_by_partner(user=caller(request))]


@router.get("/{payment_id}", response=PaymentOut, operation_id="payment_get", summary="One payment")
def payment_get_op(request: HttpRequest, payment_id: int) -> PaymentOut:
    return PaymentOut.of(payment_get_for(user=caller(request), key=payment_id))
