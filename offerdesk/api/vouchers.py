"""Vouchers: the list and one voucher (each caller sees its own scope: a partner its partner's, a customer its
own), issuing a FY24 voucher (Microsoft: at a face value of at most the cap, MWS-CAP-09), a FY24 customer choosing
the partner that will redeem its voucher from the approved FRP list (MWS-NOM-04), and an operator's cancellation."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.selectors import offer_get
from offerdesk.core import parsing
from offerdesk.customers.selectors import customer_get_for
from offerdesk.partners.selectors import partner_directory_get_for
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_get_for, voucher_search
from offerdesk.vouchers.services import voucher_cancel, voucher_choose_partner, voucher_issue

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input, Money

router = Router(tags=["vouchers"])


class VoucherOut(Schema):
    code: str = Field(description="The voucher ID.")
    program: str = Field(description="The program's code (CSO, FY24).")
    offer: str = Field(description="The offer's code.")
    variant: str
    family: str
    status: str = Field(description=f"One of {', '.join(VoucherStatus.values)}.")
    customer_tpid: str
    customer_name: str
    partner: int | None = Field(description="The partner's ID, once one is bound.")
    partner_name: str | None
    face_value: Money
    cap_at_issue: Money
    committed_total: Money = Field(description="The payments scheduled against it so far.")
    issue_date: dt.date
    expiry_date: dt.date

    @staticmethod
    def of(voucher: Voucher) -> VoucherOut:
        partner = voucher.partner
        return VoucherOut(
            code=voucher.code,
            program=voucher.offer.program.code,
            offer=voucher.offer.code,
            variant=voucher.variant,
            family=voucher.family,
            status=voucher.status,
            customer_tpid=voucher.customer.tpid,
            customer_name=voucher.customer.name,
            partner=partner.pk if partner else None,
            partner_name=partner.name if partner else None,
            face_value=voucher.face_value,
            cap_at_issue=voucher.cap_at_issue,
            committed_total=voucher.committed_total,
            issue_date=voucher.issue_date,
            expiry_date=voucher.expiry_date,
        )


class VoucherFilters(ListParams):
    q: str = Field("", description="Part of the voucher ID, the customer's TPID or name.")
    status: str = Field("", description="One status.")
    offer: str = Field("", description="One offer code.")


ORDERINGS = {
    "expiry_date": "expiry_date",
    "-expiry_date": "-expiry_date",
    "issue_date": "issue_date",
    "-issue_date": "-issue_date",
    "code": "code",
}


@router.get("/", response=Page[VoucherOut], operation_id="voucher_list", summary="The vouchers you may see")
def voucher_list_op(request: HttpRequest, filters: Query[VoucherFilters]) -> Page[VoucherOut]:
    user = caller(request)
    qs = voucher_search(user=user, text=filters.q, status=filters.status, offer=filters.offer)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="expiry_date")
    return Page[VoucherOut](items=[VoucherOut.of(v) for v in rows], next=after)


@router.get("/{code}", response=VoucherOut, operation_id="voucher_get", summary="One voucher")
def voucher_get_op(request: HttpRequest, code: str) -> VoucherOut:
    return VoucherOut.of(voucher_get_for(user=caller(request), key=code))


class CancelIn(Input):
    reason: str = Field(description="Why the voucher is cancelled (required).")


@router.post("/{code}/cancel", response=VoucherOut, operation_id="voucher_cancel", summary="Cancel a voucher")
def voucher_cancel_op(request: HttpRequest, code: str, body: CancelIn) -> VoucherOut:
    user = caller(request)
    found = voucher_get_for(user=user, key=parsing.parse_name(code, field="voucher code", max_length=32))
    return VoucherOut.of(voucher_cancel(actor=user, voucher=found, reason=body.reason))


class IssueIn(Input):
    tpid: str = Field(description="The customer's TPID (nominated, with a recorded deal).")
    offer: str = Field(description="A FY24 offer's code (a CSO voucher is issued when its partner accepts).")
    face_value: str = Field(description='The face value in USD, a decimal string at most the cap ("75000.00").')
    policy_decision: str = Field(
        "", description="An operator's decision, with its reason, for a deal with an open policy question (AMB-31)."
    )


@router.post("/", response={201: VoucherOut}, operation_id="voucher_issue", summary="Issue a FY24 voucher")
def voucher_issue_op(request: HttpRequest, body: IssueIn) -> Status[VoucherOut]:
    user = caller(request)
    customer = customer_get_for(user=user, key=body.tpid)
    code = parsing.parse_choice(body.offer, field="offer", choices=sorted(get_catalogue().offers_by_code))
    voucher = voucher_issue(
        actor=user,
        customer=customer,
        offer=offer_get(name_or_code=code),
        face_value=body.face_value,
        policy_decision=body.policy_decision,
    )
    return Status(201, VoucherOut.of(voucher))


class ChoosePartnerIn(Input):
    partner: int = Field(description="A partner of the approved FRP list (/partners/directory).")


@router.post(
    "/{code}/partner",
    response=VoucherOut,
    operation_id="voucher_choose_partner",
    summary="Choose the partner that will redeem a FY24 voucher (the customer)",
)
def voucher_choose_partner_op(request: HttpRequest, code: str, body: ChoosePartnerIn) -> VoucherOut:
    user = caller(request)
    found = voucher_get_for(user=user, key=code)
    chosen = partner_directory_get_for(user=user, key=body.partner)
    return VoucherOut.of(voucher_choose_partner(actor=user, voucher=found, partner=chosen))
