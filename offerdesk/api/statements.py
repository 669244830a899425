"""Partners' monthly statements (ADR 25), as published: the list (a partner its own, its FPM its partners', staff
but sellers every partner's), one statement computed with its lines, and its PDF or CSV. Statements are published
by the daily run on the first days of a month (CSO-STM-01), not by anyone's call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from offerdesk.payouts.models import Statement
from offerdesk.payouts.statements import (
    MonthStatement,
    statement_csv,
    statement_filename,
    statement_get_for,
    statement_list,
    statement_pdf,
)
from offerdesk.payouts.statements import Sum as StatementSum

from .auth import caller
from .downloads import download, file_responses
from .lists import ListParams, Page, page_of
from .schemas import Money

router = Router(tags=["statements"])
FILE_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
TOTALS = ("opening", "scheduled", "paid", "reversed", "closing")


class TotalOut(Schema):
    usd: Money
    local: Money | None = Field(description="In the payout currency; null while a line's rate is unknown.")


def _total(figures: dict[str, Any], name: str) -> TotalOut:
    local = figures.get(f"{name}_local")
    return TotalOut(usd=Decimal(figures.get(f"{name}_usd") or 0), local=None if local is None else Decimal(local))


class StatementOut(Schema):
    id: int
    partner: int
    partner_name: str
    month: dt.date = Field(description="The month's first day.")
    currency: str = Field(description="The partner's payout currency.")
    published_at: dt.datetime
    emailed_to: str = Field(description="The partner's primary contact it was e-mailed to.")
    opening: TotalOut
    scheduled: TotalOut
    paid: TotalOut
    reversed: TotalOut
    closing: TotalOut

    @staticmethod
    def of(row: Statement) -> StatementOut:
        figures: dict[str, Any] = row.figures if isinstance(row.figures, dict) else {}
        return StatementOut(
            id=row.pk,
            partner=row.partner_id,
            partner_name=row.partner.name,
            month=row.month,
            currency=str(figures.get("currency") or row.partner.payout_currency),
            published_at=row.published_at,
            emailed_to=row.emailed_to,
            **{name: _total(figures, name) for name in TOTALS},
        )


class StatementFilters(ListParams):
    partner: int | None = Field(None, description="One partner's ID.")


ORDERINGS = {"-month": "-month", "month": "month", "newest": "-published_at"}


@router.get("/", response=Page[StatementOut], operation_id="statement_list", summary="Published statements")
def statement_list_op(request: HttpRequest, filters: Query[StatementFilters]) -> Page[StatementOut]:
    qs = statement_list(user=caller(request))
    if filters.partner is not None:
        qs = qs.filter(partner_id=filters.partner)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="-month")
    return Page[StatementOut](items=[StatementOut.of(s) for s in rows], next=after)


class LineOut(Schema):
    day: dt.date
    entry: str = Field(description="scheduled, paid or reversed.")
    payment: int
    voucher: str
    usd: Money
    local: Money | None
    estimated: bool = Field(description="A scheduled line whose local amount no run has fixed yet.")
    note: str


class StatementDetailOut(Schema):
    id: int
    partner: int
    partner_name: str
    month: dt.date
    period: str = Field(description="March 2024.")
    currency: str
    opening: TotalOut
    scheduled: TotalOut
    paid: TotalOut
    reversed: TotalOut
    closing: TotalOut
    lines: list[LineOut]

    @staticmethod
    def of(key: int, statement: MonthStatement) -> StatementDetailOut:
        def total(amount: StatementSum) -> TotalOut:
            return TotalOut(usd=amount.usd, local=amount.local)

        return StatementDetailOut(
            id=key,
            partner=statement.partner.pk,
            partner_name=statement.partner.name,
            month=statement.month,
            period=statement.period,
            currency=statement.currency,
            **{name: total(getattr(statement, name)) for name in TOTALS},
            lines=[
                LineOut(
                    day=line.day,
                    entry=line.what,
                    payment=line.payment_id,
                    voucher=line.voucher,
                    usd=line.usd,
                    local=line.local,
                    estimated=line.estimated,
                    note=line.note,
                )
                for line in statement.lines
            ],
        )


@router.get(
    "/{statement_id}",
    response=StatementDetailOut,
    operation_id="statement_get",
    summary="One statement: its totals and each entry of the month",
)
def statement_get_op(request: HttpRequest, statement_id: int) -> StatementDetailOut:
    return StatementDetailOut.of(statement_id, statement_get_for(user=caller(request), key=statement_id))


@router.get(
    "/{statement_id}/file/{file_format}",
    operation_id="statement_file",
    summary="One statement as PDF or CSV",
    openapi_extra=file_responses("The statement.", FILE_TYPES),
)
def statement_file_op(request: HttpRequest, statement_id: int, file_format: Literal["pdf", "csv"]) -> HttpResponse:
    statement = statement_get_for(user=caller(request), key=statement_id)
    content = statement_pdf(statement) if file_format == "pdf" else statement_csv(statement)
    name = statement_filename(statement, file_format)
    return download(content, name=name, content_type=FILE_TYPES[file_format])
