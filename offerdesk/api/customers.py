"""Customers: the list and one customer as each caller may see them (staff all, a partner the customers whose
vouchers or referrals it holds, a customer itself), and the eligibility quote — for every offer, what the customer
would get if a voucher were issued on a day, and every rule that says no (what the services would decide)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.accounts.access import STAFF_ROLES, access_require_role
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.rules import Quote
from offerdesk.core import dates, parsing
from offerdesk.customers.choices import Sector, Segment
from offerdesk.customers.models import Customer
from offerdesk.customers.selectors import customer_get_for, customer_search
from offerdesk.vouchers.selectors import offers_quote

from .auth import caller
from .lists import ListParams, Page, page_of
from .schemas import Money

router = Router(tags=["customers"])

# The quote reads deals and licences, which are Microsoft's: its staff only (as the portal's Eligibility page).
ELIGIBILITY_ROLES = STAFF_ROLES


class CustomerOut(Schema):
    tpid: str = Field(description="The customer's TPID.")
    name: str
    sector: str = Field(description=f"One of {', '.join(Sector.values)}.")
    segment: str = Field(description=f"One of {', '.join(Segment.values)}.")
    country: str = Field(description="ISO 3166-1 alpha-2.")
    company_group: str | None = Field(description="The company group's name, if any.")
    ecif_funded: bool = Field(description="Whether its deployment is funded by ECIF (CSO-ELIG-07, MWS-ELIG-06).")

    @staticmethod
    def fields_of(customer: Customer) -> dict[str, object]:
        group = customer.company_group
        return {
            "tpid": customer.tpid,
            "name": customer.name,
            "sector": customer.sector,
            "segment": customer.segment,
            "country": customer.country,
            "company_group": group.name if group else None,
            "ecif_funded": customer.ecif_funded,
        }

    @staticmethod
    def of(customer: Customer) -> CustomerOut:
        return CustomerOut(**CustomerOut.fields_of(customer))  # type: ignore[arg-type]


class SeatsOut(Schema):
    sku: str
    paid: int
    in_use: int


class UsageOut(Schema):
    workload: str
    mau: Decimal = Field(description="Monthly active users as a share of paid seats (0 to 1, exact).")


class PriorLicenceOut(Schema):
    sku: str
    quantity: int
    as_of: dt.date


class CustomerDetailOut(CustomerOut):
    seats: list[SeatsOut]
    usage: list[UsageOut]
    prior_licences: list[PriorLicenceOut]


class CustomerFilters(ListParams):
    q: str = Field("", description="Part of the TPID or the name.")
    sector: str = Field("", description="One sector.")
    segment: str = Field("", description="One segment.")
    country: str = Field("", description="One country (ISO 3166-1 alpha-2).")


ORDERINGS = {"name": "name", "-name": "-name", "tpid": "tpid", "-tpid": "-tpid", "country": "country"}


@router.get("/", response=Page[CustomerOut], operation_id="customer_list", summary="The customers you may see")
def customer_list_op(request: HttpRequest, filters: Query[CustomerFilters]) -> Page[CustomerOut]:
    qs = customer_search(
        user=caller(request), text=filters.q, sector=filters.sector, segment=filters.segment, country=filters.country
    )
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="name")
    return Page[CustomerOut](items=[CustomerOut.of(c) for c in rows], next=after)


@router.get(
    "/{tpid}",
    response=CustomerDetailOut,
    operation_id="customer_get",
    summary="One customer, with its licences, usage and prior licences",
)
def customer_get_op(request: HttpRequest, tpid: str) -> CustomerDetailOut:
    found = customer_get_for(user=caller(request), key=tpid)
    return CustomerDetailOut(
        **CustomerOut.fields_of(found),  # type: ignore[arg-type]
        seats=[SeatsOut(sku=s.sku, paid=s.paid, in_use=s.in_use) for s in found.seats.order_by("sku")],
        usage=[UsageOut(workload=u.workload, mau=u.mau) for u in found.usage.order_by("workload")],
        prior_licences=[
            PriorLicenceOut(sku=p.sku, quantity=p.quantity, as_of=p.as_of)
            for p in found.prior_licences.order_by("as_of", "sku")
        ],
    )


class FindingOut(Schema):
    rule: str = Field(description="The rule ID.")
    reason: str


class OfferQuoteOut(Schema):
    offer: str = Field(description="The offer's code.")
    offer_name: str
    program: str = Field(description="The program's code.")
    eligible: bool
    cap: Money | None = Field(description="The highest voucher value if issued on the day; null when not eligible.")
    variant: str | None = Field(description="The variant the cap is under; null when not eligible.")
    failing: list[FindingOut] = Field(description="Every rule that says no, with its reason (empty when eligible).")

    @staticmethod
    def of(name: str, quote: Quote) -> OfferQuoteOut:
        program, offer = get_catalogue().offer(get_catalogue().offer_code_for_name(name))
        return OfferQuoteOut(
            offer=offer.code,
            offer_name=offer.name,
            program=program.code,
            eligible=quote.eligible,
            cap=quote.cap,
            variant=quote.variant,
            failing=[FindingOut(rule=f.rule, reason=f.reason) for f in quote.failures],
        )


class EligibilityOut(Schema):
    tpid: str
    on: dt.date = Field(description="The day a voucher would be issued on.")
    offers: list[OfferQuoteOut]


class EligibilityQuery(Schema):
    on: str = Field("", description="The day a voucher would be issued on (YYYY-MM-DD; empty: today).")


@router.get(
    "/{tpid}/eligibility",
    response=EligibilityOut,
    operation_id="customer_eligibility",
    summary="What this customer would get under every offer, and why not",
)
def customer_eligibility_op(request: HttpRequest, tpid: str, query: Query[EligibilityQuery]) -> EligibilityOut:
    user = caller(request)
    access_require_role(user, ELIGIBILITY_ROLES, action="read a customer's eligibility")
    found = customer_get_for(user=user, key=tpid)
    on = parsing.parse_date(query.on, field="on") if query.on else dates.today()
    quotes = offers_quote(customer=found, on=on)
    return EligibilityOut(tpid=found.tpid, on=on, offers=[OfferQuoteOut.of(n, q) for n, q in quotes.items()])
