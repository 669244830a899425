"""Screenings (Microsoft's operators and sellers): the stored screenings of the whole customer base, one with its
summary by offer and rule, its lines page by page (each customer under every offer: a candidate's cap and variant,
or the rule IDs that keep it out), and nominating a line's customer for one of the screening's offers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.core.errors import NotFound
from offerdesk.partners.selectors import partner_get_for
from offerdesk.screening.models import OfferResult, Screening, ScreeningLine
from offerdesk.screening.selectors import screening_get_for, screening_lines, screening_list, screening_summary
from offerdesk.screening.services import screening_line_nominate

from .auth import caller
from .lists import ListParams, Page, page_of
from .nominations import NominationOut
from .schemas import Input, Money

router = Router(tags=["screenings"])


class ScreeningOut(Schema):
    id: int
    on: dt.date = Field(description="The day the rules were evaluated for (a voucher issued on it).")
    offers: list[str] = Field(description="The offer codes screened.")
    customers: int
    candidates: int = Field(description="Customer × offer pairs on which every rule passes.")
    created_at: dt.datetime
    created_by: str | None = Field(description="Who ran it (null: the daily job or a command).")

    @staticmethod
    def fields_of(screening: Screening) -> dict[str, object]:
        return {
            "id": screening.pk,
            "on": screening.on,
            "offers": list(screening.offers),
            "customers": screening.customers,
            "candidates": screening.candidates,
            "created_at": screening.created_at,
            "created_by": screening.created_by.username if screening.created_by else None,
        }

    @staticmethod
    def of(screening: Screening) -> ScreeningOut:
        return ScreeningOut(**ScreeningOut.fields_of(screening))  # type: ignore[arg-type]


class OfferSummaryOut(Schema):
    offer: str
    customers: int
    candidates: int
    total_cap: Money = Field(description="The candidates' highest voucher values, summed.")
    held_out_by: dict[str, int] = Field(description="Per rule ID, how many customers it keeps out.")


class ScreeningDetailOut(ScreeningOut):
    summary: list[OfferSummaryOut]


ORDERINGS = {"-created_at": "-created_at", "created_at": "created_at", "-on": "-on", "on": "on"}


@router.get("/", response=Page[ScreeningOut], operation_id="screening_list", summary="The stored screenings")
def screening_list_op(request: HttpRequest, params: Query[ListParams]) -> Page[ScreeningOut]:
    rows, after = page_of(screening_list(user=caller(request)), params, orderings=ORDERINGS, default="-created_at")
    return Page[ScreeningOut](items=[ScreeningOut.of(s) for s in rows], next=after)


@router.get(
    "/{screening_id}",
    response=ScreeningDetailOut,
    operation_id="screening_get",
    summary="One screening, with its summary by offer and rule",
)
def screening_get_op(request: HttpRequest, screening_id: int) -> ScreeningDetailOut:
    found = screening_get_for(user=caller(request), key=screening_id)
    summary = [
        OfferSummaryOut(
            offer=s.code,
            customers=s.customers,
            candidates=s.candidates,
            total_cap=s.total_cap,
            held_out_by=dict(sorted(s.held_out_by.items())),
        )
        for s in screening_summary(screening=found)
    ]
    return ScreeningDetailOut(**ScreeningOut.fields_of(found), summary=summary)  # type: ignore[arg-type]


class OfferResultOut(Schema):
    offer: str
    eligible: bool
    cap: Money | None = Field(description="A candidate's highest voucher value; null for the rest.")
    variant: str | None = Field(description="A candidate's variant; null for the rest.")
    failing: list[str] = Field(description="The rule IDs that keep the customer out, in ID order.")

    @staticmethod
    def of(result: OfferResult) -> OfferResultOut:
        return OfferResultOut(
            offer=result.offer,
            eligible=result.eligible,
            cap=result.cap,
            variant=result.variant or None,
            failing=list(result.rule_ids),
        )


class LineOut(Schema):
    id: int = Field(description="The line's ID (to nominate from it).")
    customer_tpid: str
    customer_name: str
    results: list[OfferResultOut] = Field(description="Under each offer of the screening, in its order.")

    @staticmethod
    def of(line: ScreeningLine) -> LineOut:
        return LineOut(
            id=line.pk,
            customer_tpid=line.customer.tpid,
            customer_name=line.customer.name,
            results=[OfferResultOut.of(r) for r in line.results()],
        )


class LineFilters(ListParams):
    offer: str | None = Field(None, description="With `eligible`: one offer code of the screening.")
    eligible: bool | None = Field(None, description="With `offer`: its candidates (true) or the rest (false).")


LINE_ORDERINGS = {"tpid": "customer__tpid"}


@router.get(
    "/{screening_id}/lines",
    response=Page[LineOut],
    operation_id="screening_line_list",
    summary="A screening's lines, by TPID",
)
def screening_line_list_op(request: HttpRequest, screening_id: int, filters: Query[LineFilters]) -> Page[LineOut]:
    found = screening_get_for(user=caller(request), key=screening_id)
    qs = screening_lines(screening=found, offer_code=filters.offer, eligible=filters.eligible)
    rows, after = page_of(qs, filters, orderings=LINE_ORDERINGS, default="tpid")
    return Page[LineOut](items=[LineOut.of(line) for line in rows], next=after)


class LineNominateIn(Input):
    offer_code: str = Field(description="One offer code of the screening.")
    partner: int | None = Field(None, description="The partner to map (Customer Success Offer only).")


@router.post(
    "/{screening_id}/lines/{line_id}/nominate",
    response={201: NominationOut},
    operation_id="screening_line_nominate",
    summary="Nominate a line's customer for one of the screening's offers",
)
def screening_line_nominate_op(
    request: HttpRequest, screening_id: int, line_id: int, body: LineNominateIn
) -> Status[NominationOut]:
    user = caller(request)
    found = screening_get_for(user=user, key=screening_id)
    if not screening_lines(screening=found).filter(pk=line_id).exists():
        raise NotFound(f"no line {line_id} in screening #{found.pk}")
    partner = partner_get_for(user=user, key=body.partner) if body.partner is not None else None
    nomination = screening_line_nominate(actor=user, line_id=line_id, offer_code=body.offer_code, partner=partner)
    return Status(201, NominationOut.of(nomination))
