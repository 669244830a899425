"""Deals: the qualifying purchases Microsoft recorded (its staff see all, a customer its own, a partner none), and
recording one — what it qualifies for is decided when a FY24 voucher is issued against it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.customers.selectors import customer_get_for
from offerdesk.vouchers.choices import PolicyQuestion
from offerdesk.vouchers.models import Deal
from offerdesk.vouchers.selectors import deal_get_for, deal_list
from offerdesk.vouchers.services import deal_record

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input, Money

router = Router(tags=["deals"])


class DealOut(Schema):
    id: int
    customer_tpid: str
    customer_name: str
    value: Money
    close_date: dt.date
    closed_at: dt.datetime | None = Field(description="When known; else only the date counts.")
    workloads: list[str]
    migration_sources: list[str]
    upsell_attested: bool = Field(description="The seller attests an upsell (MWS-ELIG-03).")
    policy_questions: list[str] = Field(description="Open policy questions (AMB-31).")
    recorded_at: dt.datetime

    @staticmethod
    def of(deal: Deal) -> DealOut:
        return DealOut(
            id=deal.pk,
            customer_tpid=deal.customer.tpid,
            customer_name=deal.customer.name,
            value=deal.value,
            close_date=deal.close_date,
            closed_at=deal.closed_at,
            workloads=list(deal.workloads),
            migration_sources=list(deal.migration_sources),
            upsell_attested=deal.upsell_attested,
            policy_questions=list(deal.policy_questions),
            recorded_at=deal.recorded_at,
        )


class DealFilters(ListParams):
    tpid: str = Field("", description="One customer's deals, by its TPID.")


ORDERINGS = {
    "-recorded_at": "-recorded_at",
    "recorded_at": "recorded_at",
    "-close_date": "-close_date",
    "close_date": "close_date",
}


@router.get("/", response=Page[DealOut], operation_id="deal_list", summary="The recorded deals you may see")
def deal_list_op(request: HttpRequest, filters: Query[DealFilters]) -> Page[DealOut]:
    qs = deal_list(user=caller(request))
    if filters.tpid:
        qs = qs.filter(customer__tpid=filters.tpid)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="-recorded_at")
    return Page[DealOut](items=[DealOut.of(d) for d in rows], next=after)


@router.get("/{deal_id}", response=DealOut, operation_id="deal_get", summary="One recorded deal")
def deal_get_op(request: HttpRequest, deal_id: int) -> DealOut:
    return DealOut.of(deal_get_for(user=caller(request), key=deal_id))


class DealIn(Input):
    tpid: str = Field(description="The customer's TPID.")
    value: str = Field(description='The deal value in USD, as a decimal string ("500000.00").')
    close_date: str = Field(description="The day it closed (YYYY-MM-DD).")
    closed_at: dt.datetime | None = Field(None, description="When it closed, if known (ISO 8601 with an offset).")
    workloads: list[str] = Field(description="The licence SKUs bought (at least one; see /catalogue/skus).")
    migration: list[str] = Field([], description="What the deal migrates from (MWS-ELIG-05).")
    upsell_attested: bool = Field(True, description="The seller attests an upsell (MWS-ELIG-03).")
    policy_questions: list[str] = Field(
        [], description=f"Open policy questions (AMB-31): any of {', '.join(PolicyQuestion.values)}."
    )


@router.post("/", response={201: DealOut}, operation_id="deal_record", summary="Record a deal a customer closed")
def deal_record_op(request: HttpRequest, body: DealIn) -> Status[DealOut]:
    user = caller(request)
    customer = customer_get_for(user=user, key=body.tpid)
    deal = deal_record(
        actor=user,
        customer=customer,
        value=body.value,
        close_date=body.close_date,  # type: ignore[arg-type]  # the service parses the text (OD-IN-01)
        closed_at=body.closed_at,
        workloads=body.workloads,
        migration=body.migration,
        upsell_attested=body.upsell_attested,
        policy_questions=body.policy_questions,
    )
    return Status(201, DealOut.of(deal))
