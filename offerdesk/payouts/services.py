"""Computing what a partner earns on an approval, scheduling it, and exchange rates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.db import IntegrityError, transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.params import Params
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import cso
from offerdesk.catalogue.rules.deployment import combination_cap
from offerdesk.catalogue.rules.redemption import payment_flow
from offerdesk.catalogue.selectors import offer_spec
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.core.money import ZERO, quantize, split_half
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.services import voucher_commit_payment

from .choices import PaymentKind
from .models import ExchangeRate, Payment, PaymentConversion
from .selectors import USD, exchange_rate_entry_on

RATE_LIMIT = Decimal(10**12)
RATE_RE = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")


def payable_date(params: Params, *, submitted_on: dt.date, approved_on: dt.date) -> dt.date:
    """End of the anchor month + lag days, never before the approval (CSO-PAY-07, AMB-13, AMB-28)."""
    anchor = submitted_on if params["pay.anchor"] == "submission" else approved_on
    day = max(dates.end_of_month(anchor) + dt.timedelta(days=params["pay.lag_days"]), approved_on)
    if params["pay.roll"] == "next_business_day":
        while not dates.is_business_day(day, params["business_day_calendar"]):
            day += dt.timedelta(days=1)
    return day


def _per_user_amount(
    *, request: RedemptionRequest, voucher: Voucher, params: Params, already: Decimal
) -> tuple[Decimal, str, dict[str, Any]]:
    """CSO: nothing on the SOW; on the POE, the eligible users times the rate, up to the voucher (CSO-PAY-02)."""
    if request.kind == RequestKind.SOW:
        return ZERO, PaymentKind.SINGLE, {"rule": "CSO-PAY-04", "note": "SOW approval pays nothing"}
    _, spec = offer_spec(offer=voucher.offer)
    paid_now = sum(s.paid for s in voucher.customer.seats.all() if s.sku in spec.seat_skus)
    users, figures = cso.eligible_users(
        params,
        poe=request.users_deployed or 0,
        verified=request.verified_users,
        paid=paid_now,
        unused_at_issue=voucher.unused_at_issue,
    )
    amount = cso.payout(params, users=users, voucher_max=voucher.face_value)
    return (
        amount,
        PaymentKind.SINGLE,
        {
            "rules": ["CSO-USR-04", "CSO-PAY-02", "CSO-PAY-04"],
            "users": users,
            "figures": figures,
            "voucher_max": str(voucher.face_value),
        },
    )


def _face_value_split_amount(
    *, request: RedemptionRequest, voucher: Voucher, params: Params, already: Decimal
) -> tuple[Decimal, str, dict[str, Any]]:
    """FY24: the least of face value, SOW value and combination cap; half on the SOW when commercial (MWS-PAY)."""
    sow = voucher.requests.filter(kind=RequestKind.SOW, status=RequestStatus.APPROVED).first()
    if request.kind == RequestKind.SOW:
        sow = request
    sow_value = sow.value if sow is not None and sow.value is not None else voucher.face_value
    base = min(voucher.face_value, sow_value)
    basis: dict[str, Any] = {
        "face_value": str(voucher.face_value),
        "sow_value": str(sow_value),
        "rules": ["MWS-PAY-01"],
    }
    program, spec = offer_spec(offer=voucher.offer)
    applies = spec.combination_partner_family and (not spec.combination_param or params[spec.combination_param])
    if (
        applies
        and voucher.deal is not None
        and Voucher.objects.filter(
            customer_id=voucher.customer_id, family=spec.combination_partner_family, holds_limit=True
        )
        .exclude(status=VoucherStatus.CANCELLED)
        .exists()
    ):
        cap = combination_cap(
            program.file.combination_caps,
            segment=voucher.customer.segment,
            close=voucher.deal.close_date,
            params=params,
        )
        if cap is not None and cap < base:
            base = cap
            basis["rules"].append("MWS-CMB-03")
            basis["combination_cap"] = str(cap)
    flow = payment_flow(voucher.customer.sector, params)
    basis["flow"] = flow
    basis["rules"].append("MWS-PAY-02" if flow == "commercial" else "MWS-PAY-03")
    if request.kind == RequestKind.SOW:
        rounding = ROUND_HALF_UP if params["pay.split_rounding"] == "initial_half_up" else ROUND_DOWN
        amount = split_half(base, first_rounding=rounding)[0] if flow == "commercial" else ZERO
        return amount, PaymentKind.INITIAL, basis
    return (
        max(quantize(base) - already, ZERO),
        PaymentKind.FINAL if flow == "commercial" else PaymentKind.SINGLE,
        basis,
    )


class AmountCalculator(Protocol):
    """How much an approval earns, as which kind of payment, and the basis of the computation."""

    def __call__(
        self, *, request: RedemptionRequest, voucher: Voucher, params: Params, already: Decimal
    ) -> tuple[Decimal, str, dict[str, Any]]: ...


# Keyed by the policies' `payout_calculator`: the catalogue names the computation, payouts implements it.
AMOUNT_CALCULATORS: dict[str, AmountCalculator] = {
    "per_user": _per_user_amount,
    "face_value_split": _face_value_split_amount,
}


def payment_for_approval(
    *, request: RedemptionRequest, voucher: Voucher, params: Params, approved_on: dt.date
) -> Payment | None:
    """Schedule what the approval earns; the voucher must already be locked by the caller."""
    already = sum((p.amount for p in voucher.payments.all()), ZERO)
    calculate = AMOUNT_CALCULATORS[policy_for(voucher.offer.program).payout_calculator]
    amount, kind, basis = calculate(request=request, voucher=voucher, params=params, already=already)
    amount = min(amount, voucher.face_value - already)  # never above the voucher, whatever happened before
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                voucher=voucher,
                request=request,
                partner=request.partner,
                kind=kind,
                amount=amount,
                payable_on=payable_date(params, submitted_on=request.submitted_on, approved_on=approved_on),
                currency=request.partner.payout_currency,
                basis=basis,
                created_at=dates.now(),
            )
    except IntegrityError as exc:  # the voucher lock makes this unreachable; the constraint is the backstop
        raise InvalidInput("this request has already been paid") from exc
    voucher_commit_payment(voucher=voucher, amount=amount)
    audit_record(
        actor=None,
        action="payment.schedule",
        target=payment,
        data={"amount": str(amount), "payable_on": payment.payable_on, **basis},
    )
    return payment


def exchange_rate_parse(*, currency: Any, rate: Any, effective_from: Any) -> tuple[str, Decimal, dt.date]:
    """A new rate entry's currency, rate and date, read as `exchange_rate_set` and the admin form both read them."""
    code = currency.strip().upper() if isinstance(currency, str) else None
    if code not in parsing.currencies():  # the real list: nothing else, NUL and odd types included, gets past
        raise InvalidInput(f"not an ISO 4217 currency code: {parsing.shown(currency)}", rules=(parsing.RULE,))
    effective_from = parsing.parse_date(effective_from, field="effective from")
    if isinstance(rate, bool) or not isinstance(rate, str | Decimal | int):
        raise InvalidInput(f"not a rate: {parsing.shown(rate)} (text, a Decimal or an int)", rules=(parsing.RULE,))
    text = str(rate).strip()
    if len(text) > 30 or not RATE_RE.match(text):
        raise InvalidInput(
            f"not a rate: {rate!r} (write 83.1234; commas only between thousands)", rules=(parsing.RULE,)
        )
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise InvalidInput(f"not a rate: {rate!r}", rules=(parsing.RULE,)) from exc
    if not value.is_finite() or value <= 0:
        raise InvalidInput("an exchange rate must be above zero", rules=(parsing.RULE,))
    if value >= RATE_LIMIT:
        raise InvalidInput(f"an exchange rate is below {RATE_LIMIT:,}", rules=(parsing.RULE,))
    if value != value.quantize(Decimal("0.000001")):
        raise InvalidInput("an exchange rate has at most six decimals", rules=(parsing.RULE,))
    return code, value, effective_from


@audited_refusals("exchange_rate.set")
@transaction.atomic
def exchange_rate_set(
    *, actor: User | None, currency: str, rate: Decimal | str, effective_from: dt.date
) -> ExchangeRate:
    """Finance records how many units of a currency one USD buys from a date on, as a new entry (AMB-29, I-22)."""
    access_require_role(actor, {Role.FINANCE, Role.OPERATOR}, action="set exchange rates")
    code, value, effective_from = exchange_rate_parse(currency=currency, rate=rate, effective_from=effective_from)
    # Never an update: a correction is a new entry, and the latest entered for a date is the one in effect
    row = ExchangeRate.objects.create(currency=code, rate=value, effective_from=effective_from, created_at=dates.now())
    audit_record(
        actor=actor,
        action="exchange_rate.set",
        target=row,
        data={"currency": code, "rate": str(value), "effective_from": effective_from},
    )
    return row


def _already_fixed(payment: Payment) -> InvalidInput:
    return InvalidInput(f"payment {payment.pk} already has its local amount fixed, for good", rules=["I-15"])


@audited_refusals("payment.fix_local_amount")
@transaction.atomic
def payment_fix_local_amount(*, actor: User | None, payment: Payment) -> PaymentConversion:
    """Finance fixes a payment's local amount at the rate in effect on its payable date, for good (I-15)."""
    if actor is None:
        raise PermissionDenied("a payment's local amount is fixed by a person from finance", rules=["I-15"])
    access_require_role(actor, {Role.FINANCE}, action="fix local amounts", rules=("I-15",))
    if PaymentConversion.objects.filter(payment=payment).exists():
        raise _already_fixed(payment)
    if payment.currency == USD:
        entry, rate = None, Decimal(1)
    else:
        entry = exchange_rate_entry_on(currency=payment.currency, on=payment.payable_on)
        if entry is None:
            raise InvalidInput(
                f"no {payment.currency} rate is in effect on {payment.payable_on}: enter one first", rules=["I-15"]
            )
        rate = entry.rate
    try:
        with transaction.atomic():  # the one-to-one is the backstop against a concurrent second fix
            conversion = PaymentConversion.objects.create(
                payment=payment,
                currency=payment.currency,
                rate=rate,
                exchange_rate=entry,
                local_amount=quantize(payment.amount * rate),
                fixed_at=dates.now(),
                fixed_by=actor,
            )
    except IntegrityError as exc:
        raise InvalidInput(
            f"payment {payment.pk} already has its local amount fixed, for good", rules=["I-15"]
        ) from exc
    audit_record(
        actor=actor,
        action="payment.fix_local_amount",
        target=payment,
        data={
            "currency": conversion.currency,
            "rate": str(rate),
            "exchange_rate": entry.pk if entry else None,
            "amount": str(payment.amount),
            "local_amount": str(conversion.local_amount),
        },
    )
    return conversion
