"""Nominations: the list and one nomination (Microsoft's staff see all, a partner those mapped to it), nominating a
customer for an offer (a Customer Success Offer nomination maps one partner and refers it), and re-mapping the
customer of a declined or lapsed referral to another partner (a new nomination, a new intent window, AMB-14)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.selectors import offer_get
from offerdesk.core import parsing
from offerdesk.customers.selectors import customer_get_for
from offerdesk.partners.selectors import partner_get_for
from offerdesk.vouchers.choices import NominationStatus, ReferralStatus
from offerdesk.vouchers.models import Nomination
from offerdesk.vouchers.selectors import nomination_get_for, nomination_search
from offerdesk.vouchers.services import nomination_create

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Input

router = Router(tags=["nominations"])


class NominationReferralOut(Schema):
    id: int
    status: str = Field(description=f"One of {', '.join(ReferralStatus.values)}.")
    notified_on: dt.date
    respond_by: dt.date = Field(description="The partner answers by this day (CSO-ENG-01).")


class NominationOut(Schema):
    id: int
    customer_tpid: str
    customer_name: str
    program: str = Field(description="The program's code.")
    offer: str = Field(description="The offer's code.")
    partner: int | None = Field(description="The mapped partner's ID (Customer Success Offer); null for FY24.")
    partner_name: str | None
    nominated_at: dt.datetime
    status: str = Field(description=f"One of {', '.join(NominationStatus.values)}.")
    referral: NominationReferralOut | None = Field(description="The CSO referral to the mapped partner, if any.")

    @staticmethod
    def of(nomination: Nomination) -> NominationOut:
        partner = nomination.partner
        referral = getattr(nomination, "referral", None)
        return NominationOut(
            id=nomination.pk,
            customer_tpid=nomination.customer.tpid,
            customer_name=nomination.customer.name,
            program=nomination.offer.program.code,
            offer=nomination.offer.code,
            partner=partner.pk if partner else None,
            partner_name=partner.name if partner else None,
            nominated_at=nomination.nominated_at,
            status=nomination.status,
            referral=NominationReferralOut(
                id=referral.pk,
                status=referral.status,
                notified_on=referral.notified_on,
                respond_by=referral.respond_by,
            )
            if referral is not None
            else None,
        )


class NominationFilters(ListParams):
    status: str = Field("", description="One status.")
    offer: str = Field("", description="One offer code.")


ORDERINGS = {"-nominated_at": "-nominated_at", "nominated_at": "nominated_at", "status": "status"}


@router.get("/", response=Page[NominationOut], operation_id="nomination_list", summary="The nominations you may see")
def nomination_list_op(request: HttpRequest, filters: Query[NominationFilters]) -> Page[NominationOut]:
    qs = nomination_search(user=caller(request), status=filters.status, offer=filters.offer).select_related("referral")
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="-nominated_at")
    return Page[NominationOut](items=[NominationOut.of(n) for n in rows], next=after)


@router.get("/{nomination_id}", response=NominationOut, operation_id="nomination_get", summary="One nomination")
def nomination_get_op(request: HttpRequest, nomination_id: int) -> NominationOut:
    return NominationOut.of(nomination_get_for(user=caller(request), key=nomination_id))


def offer_code(raw: str) -> str:
    """An offer code of the catalogue (anything else refused by field, OD-IN-01)."""
    return parsing.parse_choice(raw, field="offer", choices=sorted(get_catalogue().offers_by_code))


class NominateIn(Input):
    tpid: str = Field(description="The customer's TPID.")
    offer: str = Field(description="The offer's code.")
    partner: int | None = Field(None, description="The partner to map (Customer Success Offer only).")


@router.post(
    "/",
    response={201: NominationOut},
    operation_id="nomination_create",
    summary="Nominate a customer for an offer",
)
def nomination_create_op(request: HttpRequest, body: NominateIn) -> Status[NominationOut]:
    user = caller(request)
    customer = customer_get_for(user=user, key=body.tpid)
    offer = offer_get(name_or_code=offer_code(body.offer))
    partner = partner_get_for(user=user, key=body.partner) if body.partner is not None else None
    return Status(201, NominationOut.of(nomination_create(actor=user, customer=customer, offer=offer, partner=partner)))


class RemapIn(Input):
    partner: int = Field(description="Another partner to map the customer to.")


@router.post(
    "/{nomination_id}/remap",
    response={201: NominationOut},
    operation_id="nomination_remap",
    summary="Map the customer of a declined or lapsed referral to another partner (a new nomination)",
)
def nomination_remap_op(request: HttpRequest, nomination_id: int, body: RemapIn) -> Status[NominationOut]:
    user = caller(request)
    old = nomination_get_for(user=user, key=nomination_id)
    partner = partner_get_for(user=user, key=body.partner)
    new = nomination_create(actor=user, customer=old.customer, offer=old.offer, partner=partner)
    return Status(201, NominationOut.of(new))
