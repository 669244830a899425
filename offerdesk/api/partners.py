"""Partners: the list and one partner as each caller may see them (a partner itself, an FPM those it manages, a
customer those bound to its vouchers, staff all), and the approved FRP list a FY24 customer chooses from."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.partners.choices import FrpStatus
from offerdesk.partners.models import Partner
from offerdesk.partners.selectors import (
    partner_directory_countries,
    partner_directory_list,
    partner_get_for,
    partner_search,
)

from .auth import caller
from .lists import ListParams, Page, page_of

router = Router(tags=["partners"])


class PartnerOut(Schema):
    id: int
    name: str
    frp_status: str = Field(description=f"One of {', '.join(FrpStatus.values)}.")
    country: str = Field(description="ISO 3166-1 alpha-2, or empty.")
    company_group: str | None = Field(description="The company group's name, if any.")
    payout_currency: str
    primary_contact: str

    @staticmethod
    def of(partner: Partner) -> PartnerOut:
        group = partner.company_group
        return PartnerOut(
            id=partner.pk,
            name=partner.name,
            frp_status=partner.frp_status,
            country=partner.country,
            company_group=group.name if group else None,
            payout_currency=partner.payout_currency,
            primary_contact=partner.primary_contact,
        )


class DirectoryPartnerOut(Schema):
    """A partner as the approved FRP list shows it: its name and country only."""

    id: int
    name: str
    country: str

    @staticmethod
    def of(partner: Partner) -> DirectoryPartnerOut:
        return DirectoryPartnerOut(id=partner.pk, name=partner.name, country=partner.country)


class PartnerFilters(ListParams):
    q: str = Field("", description="Part of the partner's name.")
    frp_status: str = Field("", description="One FRP status.")


class DirectoryFilters(ListParams):
    name: str = Field("", description="Part of the partner's name.")
    country: str = Field("", description="One country (ISO 3166-1 alpha-2).")


ORDERINGS = {"name": "name", "-name": "-name", "country": "country", "frp_status": "frp_status"}
DIRECTORY_ORDERINGS = {"name": "name", "country": "country"}


@router.get("/", response=Page[PartnerOut], operation_id="partner_list", summary="The partners you may see")
def partner_list_op(request: HttpRequest, filters: Query[PartnerFilters]) -> Page[PartnerOut]:
    qs = partner_search(user=caller(request), text=filters.q, frp_status=filters.frp_status)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="name")
    return Page[PartnerOut](items=[PartnerOut.of(p) for p in rows], next=after)


@router.get(
    "/directory",
    response=Page[DirectoryPartnerOut],
    operation_id="partner_directory_list",
    summary="The approved FRP list a FY24 customer chooses its partner from",
)
def partner_directory_list_op(request: HttpRequest, filters: Query[DirectoryFilters]) -> Page[DirectoryPartnerOut]:
    qs = partner_directory_list(user=caller(request), name=filters.name, country=filters.country)
    rows, after = page_of(qs, filters, orderings=DIRECTORY_ORDERINGS, default="name")
    return Page[DirectoryPartnerOut](items=[DirectoryPartnerOut.of(p) for p in rows], next=after)


@router.get(
    "/directory/countries",
    response=list[str],
    operation_id="partner_directory_countries",
    summary="The countries of the approved FRP list",
)
def partner_directory_countries_op(request: HttpRequest) -> list[str]:
    return partner_directory_countries(user=caller(request))


@router.get("/{partner_id}", response=PartnerOut, operation_id="partner_get", summary="One partner")
def partner_get_op(request: HttpRequest, partner_id: int) -> PartnerOut:
    return PartnerOut.of(partner_get_for(user=caller(request), key=partner_id))
