"""Exchange rates (finance's back office): every entry ever made (never edited: a correction is a new entry, and
the latest entered for a date is the one in effect, ADR 9), the rate in effect on a day, and a new entry. The rate
is units of the currency per USD, as a decimal string in and out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import PlainSerializer

from offerdesk.payouts.models import ExchangeRate
from offerdesk.payouts.selectors import exchange_rate_in_effect, exchange_rate_list
from offerdesk.payouts.services import exchange_rate_set

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input

router = Router(tags=["exchange rates"])

# A rate out: "83.4" or "100", never "83.400000" nor "1E+2" (up to six decimals, exact).
Rate = Annotated[
    Decimal, PlainSerializer(lambda value: format(value.normalize(), "f"), return_type=str, when_used="always")
]


class RateOut(Schema):
    id: int
    currency: str
    rate: Rate = Field(description="Units of the currency one USD buys.")
    effective_from: dt.date
    created_at: dt.datetime = Field(description="When it was entered.")

    @staticmethod
    def of(row: ExchangeRate) -> RateOut:
        return RateOut(
            id=row.pk,
            currency=row.currency,
            rate=row.rate,
            effective_from=row.effective_from,
            created_at=row.created_at,
        )


class RateFilters(ListParams):
    currency: str = Field("", description="One ISO 4217 code.")


ORDERINGS = {
    "-effective_from": "-effective_from",
    "effective_from": "effective_from",
    "newest": "-created_at",
    "oldest": "created_at",
}


@router.get("/", response=Page[RateOut], operation_id="exchange_rate_list", summary="Every exchange rate entered")
def exchange_rate_list_op(request: HttpRequest, filters: Query[RateFilters]) -> Page[RateOut]:
    qs = exchange_rate_list(user=caller(request))
    if filters.currency:
        qs = qs.filter(currency=filters.currency.strip().upper())
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="-effective_from")
    return Page[RateOut](items=[RateOut.of(r) for r in rows], next=after)


class InEffectQuery(Schema):
    currency: str = Field(description="An ISO 4217 code.")
    on: str = Field(description="The day, YYYY-MM-DD.")


class InEffectOut(Schema):
    currency: str
    on: dt.date
    rate: Rate = Field(description="Units of the currency one USD buys on that day (1 for USD).")
    entry: RateOut | None = Field(description="The entry the rate comes from (none for USD).")


@router.get(
    "/in-effect",
    response=InEffectOut,
    operation_id="exchange_rate_in_effect",
    summary="The rate in effect for a currency on a day",
)
def exchange_rate_in_effect_op(request: HttpRequest, query: Query[InEffectQuery]) -> InEffectOut:
    found = exchange_rate_in_effect(user=caller(request), currency=query.currency, on=query.on)
    return InEffectOut(
        currency=found.currency,
        on=found.on,
        rate=found.rate,
        entry=RateOut.of(found.entry) if found.entry else None,
    )


class RateIn(Input):
    currency: str = Field(description="An ISO 4217 code.")
    rate: str = Field(description="Units per USD as a decimal string, above zero, at most six decimals: 83.1234.")
    effective_from: str = Field(description="From this day on, YYYY-MM-DD.")


@router.post("/", response={201: RateOut}, operation_id="exchange_rate_set", summary="Enter an exchange rate")
def exchange_rate_set_op(request: HttpRequest, body: RateIn) -> Status[RateOut]:
    row = exchange_rate_set(
        actor=caller(request),
        currency=body.currency,
        rate=body.rate,
        effective_from=body.effective_from,  # type: ignore[arg-type]  # the service parses it (ADR 12)
    )
    return Status(201, RateOut.of(row))
