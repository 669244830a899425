"""Computing what a partner earns on an approval, scheduling it, and exchange rates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.db import IntegrityError, transaction

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audit_record_many, audited_refusals
from offerdesk.catalogue.params import Params
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import cso
from offerdesk.catalogue.rules.deployment import combination_cap
from offerdesk.catalogue.rules.redemption import payment_flow
from offerdesk.catalogue.selectors import offer_spec
from offerdesk.core import dates, exports, parsing
from offerdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from offerdesk.core.money import ZERO, format_local, format_usd, quantize, split_half
from offerdesk.core.transitions import transition_apply
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import notice_queue
from offerdesk.partners.models import Partner
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.services import voucher_commit_payment

from .choices import ITEM_TRANSITIONS, RUN_TRANSITIONS, ItemStatus, PaymentKind, RunStatus
from .events import payment_paid, payment_scheduled, statement_published
from .lock_objects import payment_lock, payment_run_item_lock, payment_run_lock, payments_lock
from .models import ExchangeRate, Payment, PaymentConversion, PaymentReversal, PaymentRun, PaymentRunItem, Statement
from .selectors import (
    PAYMENT_RUN_EXPORT_HEADER,
    RATE_ORDER,
    USD,
    exchange_rate_entry_on,
    payment_run_export_rows,
    payments_waiting,
)
from .statements import month_start, statements_for

RATE_LIMIT = Decimal(1_000_000)  # units per USD: above it a rate is absurd (the weakest currency is ~100,000)
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
    payment_scheduled(payment)
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
    if text.startswith("-") and RATE_RE.match(text[1:]):
        raise InvalidInput(f"an exchange rate must be above zero, not {text}", rules=(parsing.RULE,))
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
    if value > RATE_LIMIT:
        raise InvalidInput(
            f"an exchange rate is at most {RATE_LIMIT:,} units per USD, not {value:,}", rules=(parsing.RULE,)
        )
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


# ================================================================================================ payment runs


def _require_finance(actor: User | None, action: str) -> User:
    """Payment runs and reversals are a person's, from finance (I-15): never the system's, nor another role's."""
    if actor is None:
        raise PermissionDenied(f"only a person from finance may {action}", rules=["I-15"])
    access_require_role(actor, {Role.FINANCE}, action=action, rules=("I-15",))
    return actor


def _rate_for(payment: Payment, rates: list[ExchangeRate]) -> ExchangeRate | None:
    """Of the currency's entries in RATE_ORDER, the first in effect on the payable date."""
    return next((r for r in rates if r.currency == payment.currency and r.effective_from <= payment.payable_on), None)


def _held(payment: Payment, reason: str) -> dict[str, Any]:
    return {
        "payment": payment.pk,
        "partner": payment.partner.name,
        "voucher": payment.voucher.code,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "payable_on": payment.payable_on.isoformat(),
        "reason": reason,
    }


@audited_refusals("payment_run.create")
@transaction.atomic
def payment_run_create(*, actor: User | None, up_to: dt.date | str) -> PaymentRun:
    """Finance takes every payment payable up to a date that no run holds (never in a run, or its last item
    failed), fixing each one's local amount at the rate in effect on its payable date (I-15) or keeping the one
    already fixed. A payment without a rate is held back, and the run says so. Two runs created at the same
    moment share no payment: the payments' vouchers are locked, then the payments read again (ADR 24)."""
    actor = _require_finance(actor, "create payment runs")
    up_to = parsing.parse_date(up_to, field="up to")
    seen = list(payments_waiting(up_to=up_to).values_list("pk", flat=True))
    payments_lock(payment_ids=seen)
    # Read again under the locks: a run that committed while this one waited has taken its payments
    payments = list(
        payments_waiting(up_to=up_to)
        .filter(pk__in=seen)
        .select_related("conversion", "partner", "voucher")
        .order_by("payable_on", "pk")
    )
    currencies = {p.currency for p in payments} - {USD}
    rates = list(ExchangeRate.objects.filter(currency__in=currencies).order_by(*RATE_ORDER)) if currencies else []
    now = dates.now()
    taken: list[tuple[Payment, PaymentConversion]] = []
    fresh: list[PaymentConversion] = []
    held: list[dict[str, Any]] = []
    for payment in payments:
        conversion: PaymentConversion | None = getattr(payment, "conversion", None)
        if conversion is None:
            entry = None if payment.currency == USD else _rate_for(payment, rates)
            if payment.currency != USD and entry is None:
                held.append(_held(payment, f"no {payment.currency} rate is in effect on {payment.payable_on}"))
                continue
            rate = Decimal(1) if entry is None else entry.rate
            conversion = PaymentConversion(
                payment=payment,
                currency=payment.currency,
                rate=rate,
                exchange_rate=entry,
                local_amount=quantize(payment.amount * rate),
                fixed_at=now,
                fixed_by=actor,
            )
            fresh.append(conversion)
        taken.append((payment, conversion))
    if not taken:
        why = "; ".join(f"payment {h['payment']}: {h['reason']}" for h in held)
        raise InvalidInput(
            f"no payment payable up to {up_to} is waiting for a run" + (f" that can be paid ({why})" if why else ""),
            rules=["I-15"],
        )
    run = PaymentRun.objects.create(up_to=up_to, created_by=actor, held=held)
    try:
        with transaction.atomic():  # the partial unique index is the backstop against a run the locks missed
            PaymentConversion.objects.bulk_create(fresh)
            items = PaymentRunItem.objects.bulk_create(
                PaymentRunItem(
                    run=run,
                    payment=payment,
                    conversion=conversion,
                    amount=payment.amount,
                    currency=conversion.currency,
                    rate=conversion.rate,
                    local_amount=conversion.local_amount,
                )
                for payment, conversion in taken
            )
    except IntegrityError as exc:
        raise InvalidInput(
            "another payment run took some of these payments at the same moment: create this one again",
            rules=["I-15"],
        ) from exc
    audit_record_many(
        actor=actor,
        action="payment.fix_local_amount",
        targets=[("payouts.payment", c.payment_id) for c in fresh],
        data={"run": run.pk},
    )
    audit_record(
        actor=actor,
        action="payment_run.create",
        target=run,
        data={
            "up_to": up_to,
            "items": len(items),
            "amount": str(sum((i.amount for i in items), ZERO)),
            "fixed": len(fresh),
            "held": [h["payment"] for h in held],
        },
    )
    return run


@audited_refusals("payment_run.mark_sent")
@transaction.atomic
def payment_run_mark_sent(*, actor: User | None, run: PaymentRun) -> PaymentRun:
    """Finance records that the run's export went to the payment system; its items wait for the answer."""
    actor = _require_finance(actor, "send payment runs")
    run = payment_run_lock(run_id=run.pk)
    if run.status == RunStatus.SENT:
        return run  # sent twice is sent once
    run.sent_at, run.sent_by = dates.now(), actor
    transition_apply(run, RUN_TRANSITIONS, RunStatus.SENT, what="payment run", extra_fields=("sent_at", "sent_by"))
    audit_record(actor=actor, action="payment_run.mark_sent", target=run, data={"items": run.items.count()})
    return run


def _settle(actor: User, item: PaymentRunItem, new: ItemStatus, *, reason: str = "") -> PaymentRunItem:
    item = payment_run_item_lock(item_id=item.pk)
    if item.status == new:
        return item  # the same answer again changes nothing
    if item.run.status != RunStatus.SENT:
        raise IllegalTransition(
            f"payment run {item.run_id} is {item.run.status}: its items are settled once it is sent, and only then"
        )
    item.settled_at, item.settled_by, item.failure_reason = dates.now(), actor, reason
    settled = ("settled_at", "settled_by", "failure_reason")
    transition_apply(item, ITEM_TRANSITIONS, new, what="payment run item", extra_fields=settled)
    audit_record(
        actor=actor,
        action=f"payment_run_item.mark_{new}",
        target=item,
        data={
            "run": item.run_id,
            "payment": item.payment_id,
            "amount": str(item.amount),
            "currency": item.currency,
            "local_amount": str(item.local_amount),
            **({"reason": reason} if reason else {}),
        },
    )
    if new == ItemStatus.PAID:
        payment_paid(item)
    run = item.run
    if not run.items.filter(status=ItemStatus.PENDING).exists():
        run.closed_at = dates.now()
        transition_apply(run, RUN_TRANSITIONS, RunStatus.CLOSED, what="payment run", extra_fields=("closed_at",))
        audit_record(actor=actor, action="payment_run.close", target=run)
    return item


@audited_refusals("payment_run_item.mark_paid")
@transaction.atomic
def payment_run_item_mark_paid(*, actor: User | None, item: PaymentRunItem) -> PaymentRunItem:
    """The payment system paid the item: recorded once, however often it is said (idempotent)."""
    return _settle(_require_finance(actor, "mark payments paid"), item, ItemStatus.PAID)


@audited_refusals("payment_run_item.mark_failed")
@transaction.atomic
def payment_run_item_mark_failed(*, actor: User | None, item: PaymentRunItem, reason: str) -> PaymentRunItem:
    """The payment system could not pay the item: its payment goes to the next run (its local amount stays)."""
    actor = _require_finance(actor, "mark payments failed")
    reason = parsing.parse_text(reason, field="reason", max_length=500)
    return _settle(actor, item, ItemStatus.FAILED, reason=reason)


@audited_refusals("payment.reverse")
@transaction.atomic
def payment_reverse(*, actor: User | None, payment: Payment, amount: Decimal | str, reason: str) -> PaymentReversal:
    """Finance corrects a paid payment by a new reversing entry with a reason, at the payment's fixed rate; the
    paid entry never changes, and a payment's reversals never add up to more than was paid (ADR 24)."""
    actor = _require_finance(actor, "reverse payments")
    value = parsing.parse_money(amount, field="amount")
    reason = parsing.parse_text(reason, field="reason", max_length=500)
    if value <= 0:
        raise parsing.refuse("amount", f"a reversal is above zero, not {value}")
    payment = payment_lock(payment_id=payment.pk)
    paid = PaymentRunItem.objects.filter(payment=payment, status=ItemStatus.PAID).first()
    if paid is None:
        raise InvalidInput(f"payment {payment.pk} is not paid: only a paid payment is reversed", rules=["I-15"])
    already = sum((r.amount for r in PaymentReversal.objects.filter(payment=payment)), ZERO)
    left = payment.amount - already
    if value > left:
        raise InvalidInput(
            f"payment {payment.pk} paid {format_usd(payment.amount)}, of which {format_usd(already)} is reversed "
            f"already: at most {format_usd(left)} may be reversed, not {format_usd(value)}",
            rules=["I-15"],
        )
    reversal = PaymentReversal.objects.create(
        payment=payment,
        partner_id=payment.partner_id,
        amount=value,
        currency=paid.currency,
        rate=paid.rate,
        local_amount=quantize(value * paid.rate),
        reason=reason,
        created_by=actor,
        created_at=dates.now(),
    )
    audit_record(
        actor=actor,
        action="payment.reverse",
        target=payment,
        data={
            "reversal": reversal.pk,
            "amount": str(value),
            "local_amount": str(reversal.local_amount),
            "currency": reversal.currency,
            "reason": reason,
        },
    )
    return reversal


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    """A file for the payment system: its name, its type and its bytes."""

    name: str
    content_type: str
    content: bytes


@audited_refusals("payment_run.export")
@transaction.atomic
def payment_run_export(*, actor: User | None, run: PaymentRun, file_format: str) -> ExportFile:
    """A run's items for the payment system, as CSV or XLSX (every text cell safe from formula injection);
    finance's, and audited: what left for the payment system is on the trail."""
    actor = _require_finance(actor, "export payment runs")
    file_format = parsing.parse_choice(file_format, field="format", choices=EXPORT_FORMATS)
    rows = payment_run_export_rows(run=run)
    if file_format == "csv":
        content = exports.csv_text(PAYMENT_RUN_EXPORT_HEADER, rows).encode("utf-8")
    else:
        content = exports.xlsx_bytes(PAYMENT_RUN_EXPORT_HEADER, rows, sheet=f"Payment run {run.pk}")
    audit_record(actor=actor, action="payment_run.export", target=run, data={"format": file_format, "items": len(rows)})
    return ExportFile(
        name=f"payment-run-{run.pk}-{run.up_to:%Y%m%d}.{file_format}",
        content_type=EXPORT_FORMATS[file_format],
        content=content,
    )


# ================================================================================================ statements

STATEMENT_DAYS = 7  # the first days of a month, when the daily run publishes the month before (caught up if missed)


@transaction.atomic
def statements_publish(*, on: dt.date | str) -> dict[str, int]:
    """On the first days of a month, publish last month's statement of every partner with a payment payable by
    then, once per partner and month (a `Statement` row, unique), and e-mail each partner's primary contact
    through the outbox (CSO-STM-01: "published to the FRP primary contacts"). Any other day, nothing."""
    day = parsing.parse_date(on, field="on")
    if day.day > STATEMENT_DAYS:
        return {"statements": 0}
    month = month_start(day - dt.timedelta(days=day.day))
    done = Statement.objects.filter(month=month).values("partner_id")
    partners = list(
        Partner.objects.filter(payments__payable_on__lte=dates.end_of_month(month))
        .exclude(pk__in=done)
        .distinct()
        .order_by("name")
    )
    published = []
    for statement in statements_for(partners=partners, month=month):
        partner = statement.partner
        try:
            with transaction.atomic():
                row = Statement.objects.create(
                    partner=partner,
                    month=month,
                    published_at=dates.now(),
                    emailed_to=partner.primary_contact,
                    figures=statement.figures(),
                )
        except IntegrityError:  # published by a run that got there first
            continue
        closing = statement.closing
        notice_queue(
            kind=NoticeKind.STATEMENT_PUBLISHED,
            to=[partner.primary_contact],
            context={
                "partner_name": partner.name,
                "period": statement.period,
                "closing_usd": format_usd(closing.usd),
                "closing_local": None
                if closing.local is None
                else format_local(closing.local, partner.payout_currency),
                "paid_usd": format_usd(statement.paid.usd),
            },
            target=row,
        )
        statement_published(row)
        published.append(row)
    if published:
        audit_record_many(
            actor=None,
            action="statement.publish",
            targets=[("payouts.statement", row.pk) for row in published],
            data={"month": month.isoformat()},
        )
    return {"statements": len(published)}
