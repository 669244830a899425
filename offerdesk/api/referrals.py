"""CSO referrals: the list and one referral (the partner it is presented to, that partner's FPM, Microsoft's staff),
and the partner's answer — accept (the voucher is issued the same day, CSO-ENG-02, -05) or decline with a reason,
no penalty (CSO-ENG-04)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.core import parsing
from offerdesk.vouchers.choices import ReferralStatus
from offerdesk.vouchers.models import Referral
from offerdesk.vouchers.selectors import referral_awaiting_list, referral_get_for, referral_list
from offerdesk.vouchers.services import referral_accept, referral_decline

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input
from .vouchers import VoucherOut

router = Router(tags=["referrals"])


class ReferralOut(Schema):
    id: int
    nomination: int = Field(description="The nomination's ID.")
    customer_tpid: str
    customer_name: str
    program: str
    offer: str = Field(description="The offer's code.")
    partner: int = Field(description="The partner's ID.")
    partner_name: str
    notified_on: dt.date
    respond_by: dt.date = Field(description="The partner answers by this day (CSO-ENG-01).")
    status: str = Field(description=f"One of {', '.join(ReferralStatus.values)}.")
    responded_at: dt.datetime | None

    @staticmethod
    def of(referral: Referral) -> ReferralOut:
        nomination = referral.nomination
        return ReferralOut(
            id=referral.pk,
            nomination=nomination.pk,
            customer_tpid=nomination.customer.tpid,
            customer_name=nomination.customer.name,
            program=nomination.offer.program.code,
            offer=nomination.offer.code,
            partner=referral.partner.pk,
            partner_name=referral.partner.name,
            notified_on=referral.notified_on,
            respond_by=referral.respond_by,
            status=referral.status,
            responded_at=referral.responded_at,
        )


class ReferralFilters(ListParams):
    awaiting: bool = Field(False, description="Only those still waiting for an answer, not past their answer-by day.")
    status: str = Field("", description="One status.")


ORDERINGS = {"respond_by": "respond_by", "-respond_by": "-respond_by", "-notified_on": "-notified_on"}


@router.get("/", response=Page[ReferralOut], operation_id="referral_list", summary="The referrals you may see")
def referral_list_op(request: HttpRequest, filters: Query[ReferralFilters]) -> Page[ReferralOut]:
    user = caller(request)
    qs = referral_awaiting_list(user=user) if filters.awaiting else referral_list(user=user)
    if filters.status:
        qs = qs.filter(status=parsing.parse_choice(filters.status, field="status", choices=ReferralStatus.values))
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="respond_by")
    return Page[ReferralOut](items=[ReferralOut.of(r) for r in rows], next=after)


@router.get("/{referral_id}", response=ReferralOut, operation_id="referral_get", summary="One referral")
def referral_get_op(request: HttpRequest, referral_id: int) -> ReferralOut:
    return ReferralOut.of(referral_get_for(user=caller(request), key=referral_id))


@router.post(
    "/{referral_id}/accept",
    response=VoucherOut,
    operation_id="referral_accept",
    summary="Accept a referral: the CSO voucher is issued",
)
def referral_accept_op(request: HttpRequest, referral_id: int) -> VoucherOut:
    user = caller(request)
    return VoucherOut.of(referral_accept(actor=user, referral=referral_get_for(user=user, key=referral_id)))


class DeclineIn(Input):
    reason: str = Field("", description="Why (optional); Microsoft may map the customer to another partner.")


@router.post(
    "/{referral_id}/decline",
    response=ReferralOut,
    operation_id="referral_decline",
    summary="Decline a referral, with no penalty",
)
def referral_decline_op(request: HttpRequest, referral_id: int, body: DeclineIn) -> ReferralOut:
    user = caller(request)
    found = referral_get_for(user=user, key=referral_id)
    return ReferralOut.of(referral_decline(actor=user, referral=found, reason=body.reason))
