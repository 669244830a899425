"""Payment runs (finance's alone, ADR 24): the runs, one run and its items page by page, a new run up to a date,
marking it sent to the payment system, each item paid or failed (with the reason), reversing (part of) a paid
item's payment, and the run's file for the payment system. Anyone else finds no run (404) and may create none
(403, I-15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from offerdesk.payouts.choices import ItemStatus, RunStatus
from offerdesk.payouts.models import PaymentReversal, PaymentRun, PaymentRunItem
from offerdesk.payouts.selectors import (
    payment_get_for,
    payment_run_get_for,
    payment_run_item_get,
    payment_run_items,
    payment_run_list,
)
from offerdesk.payouts.services import (
    EXPORT_FORMATS,
    payment_reverse,
    payment_run_create,
    payment_run_export,
    payment_run_item_mark_failed,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)

from .auth import caller
from .downloads import download, file_responses
from .lists import ListParams, Page, page_of
from .rates import Rate
from .schemas import Input, Money

router = Router(tags=["payment runs"])


class HeldOut(Schema):
    """A payment the run could not take, and why (no rate in effect on its payable date)."""

    payment: int
    partner: str
    voucher: str
    amount: Money
    currency: str
    payable_on: dt.date
    reason: str


class RunOut(Schema):
    id: int
    up_to: dt.date = Field(description="It holds the payments payable up to this day.")
    status: str = Field(description=f"One of {', '.join(RunStatus.values)}.")
    item_count: int
    paid_count: int
    failed_count: int
    usd_total: Money = Field(description="Its items' USD amounts.")
    held: list[HeldOut] = Field(description="The payments payable by then it could not take, each with why.")
    created_at: dt.datetime
    created_by: str
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def of(run: PaymentRun) -> RunOut:
        held: list[dict[str, Any]] = run.held if isinstance(run.held, list) else []
        return RunOut(
            id=run.pk,
            up_to=run.up_to,
            status=run.status,
            item_count=run.item_count,  # type: ignore[attr-defined]  # payment_run_list annotates these
            paid_count=run.paid_count,  # type: ignore[attr-defined]
            failed_count=run.failed_count,  # type: ignore[attr-defined]
            usd_total=run.usd_total or Decimal(0),  # type: ignore[attr-defined]
            held=[HeldOut(**h) for h in held],
            created_at=run.created_at,
            created_by=run.created_by.username,
            sent_at=run.sent_at,
            closed_at=run.closed_at,
        )


class RunFilters(ListParams):
    status: str = Field("", description=f"One of {', '.join(RunStatus.values)}.")


RUN_ORDERINGS = {"newest": "-id", "oldest": "id", "-up_to": "-up_to", "up_to": "up_to"}


@router.get("/", response=Page[RunOut], operation_id="payment_run_list", summary="Payment runs, newest first")
def payment_run_list_op(request: HttpRequest, filters: Query[RunFilters]) -> Page[RunOut]:
    qs = payment_run_list(user=caller(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    rows, after = page_of(qs, filters, orderings=RUN_ORDERINGS, default="newest")
    return Page[RunOut](items=[RunOut.of(r) for r in rows], next=after)


class RunIn(Input):
    up_to: str = Field(description="Take every payment payable up to this day (YYYY-MM-DD) that no run holds.")


@router.post("/", response={201: RunOut}, operation_id="payment_run_create", summary="Create a payment run")
def payment_run_create_op(request: HttpRequest, body: RunIn) -> Status[RunOut]:
    user = caller(request)
    made = payment_run_create(actor=user, up_to=body.up_to)
    return Status(201, RunOut.of(payment_run_get_for(user=user, key=made.pk)))


@router.get("/{run_id}", response=RunOut, operation_id="payment_run_get", summary="One payment run")
def payment_run_get_op(request: HttpRequest, run_id: int) -> RunOut:
    return RunOut.of(payment_run_get_for(user=caller(request), key=run_id))


@router.post(
    "/{run_id}/send",
    response=RunOut,
    operation_id="payment_run_send",
    summary="Mark a run sent to the payment system (sent twice is sent once)",
)
def payment_run_send_op(request: HttpRequest, run_id: int) -> RunOut:
    user = caller(request)
    done = payment_run_mark_sent(actor=user, run=payment_run_get_for(user=user, key=run_id))
    return RunOut.of(payment_run_get_for(user=user, key=done.pk))


@router.get(
    "/{run_id}/export/{file_format}",
    operation_id="payment_run_export",
    summary="The run's file for the payment system (CSV or XLSX; the export is on the audit trail)",
    openapi_extra=file_responses("The run's items, one a row.", EXPORT_FORMATS),
)
def payment_run_export_op(request: HttpRequest, run_id: int, file_format: Literal["csv", "xlsx"]) -> HttpResponse:
    user = caller(request)
    exported = payment_run_export(actor=user, run=payment_run_get_for(user=user, key=run_id), file_format=file_format)
    return download(exported.content, name=exported.name, content_type=exported.content_type)


# ------------------------------------------------------------------------------------------ a run's items


class ItemOut(Schema):
    id: int
    run: int
    payment: int
    partner: int
    partner_name: str
    voucher: str
    kind: str
    payable_on: dt.date
    amount: Money = Field(description="USD.")
    currency: str
    rate: Rate = Field(description="Fixed when the run was created (I-15).")
    local_amount: Money
    status: str = Field(description=f"One of {', '.join(ItemStatus.values)}.")
    settled_at: dt.datetime | None
    settled_by: str | None
    failure_reason: str
    reversed_usd: Money | None = Field(description="What is reversed of its payment so far (paid items).")

    @staticmethod
    def of(item: PaymentRunItem) -> ItemOut:
        payment = item.payment
        return ItemOut(
            id=item.pk,
            run=item.run_id,
            payment=payment.pk,
            partner=payment.partner_id,
            partner_name=payment.partner.name,
            voucher=payment.voucher.code,
            kind=payment.kind,
            payable_on=payment.payable_on,
            amount=item.amount,
            currency=item.currency,
            rate=item.rate,
            local_amount=item.local_amount,
            status=item.status,
            settled_at=item.settled_at,
            settled_by=item.settled_by.username if item.settled_by else None,
            failure_reason=item.failure_reason,
            reversed_usd=getattr(item, "reversed_usd", None),
        )


def _with_reversed(items: Any) -> Any:
    """The items with what is reversed of each one's payment, in the same query."""
    reversed_ = (
        PaymentReversal.objects.filter(payment=OuterRef("payment"))
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return items.annotate(reversed_usd=Subquery(reversed_))


class ItemFilters(ListParams):
    status: str = Field("", description=f"One of {', '.join(ItemStatus.values)}.")


ITEM_ORDERINGS = {"partner": "payment__partner__name", "id": "id", "payable_on": "payment__payable_on"}


@router.get("/{run_id}/items", response=Page[ItemOut], operation_id="payment_run_item_list", summary="A run's items")
def payment_run_item_list_op(request: HttpRequest, run_id: int, filters: Query[ItemFilters]) -> Page[ItemOut]:
    found = payment_run_get_for(user=caller(request), key=run_id)
    qs = _with_reversed(payment_run_items(run=found))
    if filters.status:
        qs = qs.filter(status=filters.status)
    rows, after = page_of(qs, filters, orderings=ITEM_ORDERINGS, default="partner")
    return Page[ItemOut](items=[ItemOut.of(i) for i in rows], next=after)


def _item(user: Any, run_id: int, item_id: int) -> tuple[PaymentRun, PaymentRunItem]:
    found = payment_run_get_for(user=user, key=run_id)
    return found, payment_run_item_get(run=found, key=item_id)


def _item_out(run: PaymentRun, item_id: int) -> ItemOut:
    return ItemOut.of(_with_reversed(payment_run_items(run=run)).get(pk=item_id))


@router.post(
    "/{run_id}/items/{item_id}/paid",
    response=ItemOut,
    operation_id="payment_run_item_paid",
    summary="The payment system paid an item (said twice, recorded once)",
)
def payment_run_item_paid_op(request: HttpRequest, run_id: int, item_id: int) -> ItemOut:
    user = caller(request)
    found, item = _item(user, run_id, item_id)
    payment_run_item_mark_paid(actor=user, item=item)
    return _item_out(found, item_id)


class FailedIn(Input):
    reason: str = Field(description="Why the payment system could not pay it (required).")


@router.post(
    "/{run_id}/items/{item_id}/failed",
    response=ItemOut,
    operation_id="payment_run_item_failed",
    summary="The payment system could not pay an item: its payment goes to the next run",
)
def payment_run_item_failed_op(request: HttpRequest, run_id: int, item_id: int, body: FailedIn) -> ItemOut:
    user = caller(request)
    found, item = _item(user, run_id, item_id)
    payment_run_item_mark_failed(actor=user, item=item, reason=body.reason)
    return _item_out(found, item_id)


class ReverseIn(Input):
    amount: str = Field(description="USD to take back, a decimal string above zero: 250.00.")
    reason: str = Field(description="Why (required).")


class ReversalOut(Schema):
    id: int
    payment: int
    partner: int
    amount: Money = Field(description="USD.")
    currency: str
    rate: Rate = Field(description="The payment's fixed rate.")
    local_amount: Money
    reason: str
    created_at: dt.datetime
    created_by: str


@router.post(
    "/{run_id}/items/{item_id}/reverse",
    response={201: ReversalOut},
    operation_id="payment_run_item_reverse",
    summary="Reverse (part of) a paid item's payment, with a reason: a new entry",
)
def payment_run_item_reverse_op(
    request: HttpRequest, run_id: int, item_id: int, body: ReverseIn
) -> Status[ReversalOut]:
    user = caller(request)
    _, item = _item(user, run_id, item_id)
    done = payment_reverse(
        actor=user, payment=payment_get_for(user=user, key=item.payment_id), amount=body.amount, reason=body.reason
    )
    return Status(
        201,
        ReversalOut(
            id=done.pk,
            payment=done.payment_id,
            partner=done.partner_id,
            amount=done.amount,
            currency=done.currency,
            rate=done.rate,
            local_amount=done.local_amount,
            reason=done.reason,
            created_at=done.created_at,
            created_by=done.created_by.username,
        ),
    )
