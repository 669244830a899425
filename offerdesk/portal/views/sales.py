"""The seller's and operator's pages: Customers (with their Eligibility), Nominations, Vouchers and Partners.

Thin: each view reads through a scoped selector or calls one service, then renders. Every back-office role reads
them (an FPM only its partners' part, through the scoped selectors); what a role may do is the services' to say."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from offerdesk.accounts.access import MICROSOFT_ROLES, PAYMENT_ROLES, STAFF_ROLES, access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.models import Offer
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.selectors import catalogue_skus, offer_get
from offerdesk.core import dates, parsing
from offerdesk.customers.models import Customer
from offerdesk.customers.selectors import customer_get_for, customer_search
from offerdesk.partners.selectors import partner_get_for, partner_search
from offerdesk.payouts.selectors import payment_list
from offerdesk.portal.errors import form_status, portal_view, refusals_on, signed_in_user
from offerdesk.portal.forms.sales import (
    CancelForm,
    CustomerFilterForm,
    DealForm,
    EligibilityForm,
    IssueForm,
    NominateForm,
    NominationFilterForm,
    PartnerFilterForm,
    RemapForm,
    VoucherFilterForm,
)
from offerdesk.portal.tables import Column, Table, table_response
from offerdesk.reviews.selectors import voucher_history
from offerdesk.vouchers.choices import NominationStatus, ReferralStatus
from offerdesk.vouchers.selectors import (
    deal_list,
    nomination_get_for,
    nomination_list,
    nomination_search,
    offers_quote,
    voucher_list,
    voucher_search,
)
from offerdesk.vouchers.services import deal_record, nomination_create, voucher_cancel, voucher_issue

# Every back-office role reads these pages; an FPM sees only what concerns its partners (the selectors' scopes).
READERS = STAFF_ROLES | {Role.FPM}
# Eligibility reads deals and licences, which are Microsoft's: its staff only.
ELIGIBILITY_ROLES = STAFF_ROLES
CUSTOMER, ELIGIBILITY = "portal/sales/customer.html", "portal/sales/eligibility.html"


def _reader(request: HttpRequest, roles: frozenset[str] = READERS) -> User:
    user = signed_in_user(request)
    access_require_role(user, roles, action="open the back office")
    return user


def _page(*methods: str) -> Any:
    def decorate(view: Any) -> Any:
        return require_http_methods(list(methods))(login_required(portal_view(view)))

    return decorate


@dataclass(frozen=True)
class Listing:
    """A list page: its title, the filter form, the scoped search it feeds (GET parameter → the selector's
    keyword), and the table's columns and default order."""

    title: str
    name: str
    form: type[forms.Form]
    search: Callable[..., QuerySet[Any]]
    params: Mapping[str, str]
    columns: tuple[Column, ...]
    default_sort: str
    xlsx: bool = False


def _listing(request: HttpRequest, listing: Listing) -> HttpResponse | StreamingHttpResponse:
    """The list as the filters and the sort ask (a filter value the selector refuses lands on the form, and
    nothing is listed), or its export."""
    user = _reader(request)
    form = listing.form(request.GET)
    form.is_valid()
    found: QuerySet[Any] | None = None
    with refusals_on(form):
        found = listing.search(user=user, **{kw: request.GET.get(name, "") for name, kw in listing.params.items()})
    qs = found if found is not None else listing.search(user=user).none()
    table = Table(
        request,
        qs,
        listing.columns,
        default_sort=listing.default_sort,
        name=listing.name,
        caption=listing.title,
        xlsx=listing.xlsx,
    )
    context = {"table": table, "form": form, "title": listing.title}
    return table_response(request, "portal/sales/list.html", context, status=form_status(form))


# ------------------------------------------------------------------------------------------ customers

CUSTOMER_COLUMNS = (
    Column("tpid", "TPID", "tpid", order_by="tpid", link=lambda c: reverse("portal:staff-customer", args=[c.tpid])),
    Column("name", "Name", "name", order_by="name"),
    Column("sector", "Sector", "sector", order_by="sector"),
    Column("segment", "Segment", "segment", order_by="segment"),
    Column("country", "Country", "country", order_by="country"),
    Column("group", "Company group", "company_group.name", order_by="company_group__name"),
)


CUSTOMERS_LIST = Listing(
    "Customers",
    "customers",
    CustomerFilterForm,
    customer_search,
    {"q": "text", "sector": "sector", "segment": "segment", "country": "country"},
    CUSTOMER_COLUMNS,
    default_sort="name",
)


@_page("GET")
def customers(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Find a customer by TPID or name, sector, segment and country."""
    return _listing(request, CUSTOMERS_LIST)


def _customer_context(user: User, customer: Customer) -> dict[str, Any]:
    """What a customer's page shows: its facts, licences and usage, and its deals, nominations and vouchers as the
    user may see them (a fixed number of queries)."""
    customer = (
        Customer.objects.filter(pk=customer.pk)
        .select_related("company_group")
        .prefetch_related("seats", "usage", "prior_licences", "contacts")
        .get()
    )
    return {
        "customer": customer,
        "deals": list(deal_list(user=user).filter(customer=customer).order_by("-recorded_at", "-id")),
        "nominations": list(
            nomination_list(user=user)
            .filter(customer=customer)
            .select_related("referral__partner")
            .order_by("-nominated_at", "-id")
        ),
        "vouchers": list(voucher_list(user=user).filter(customer=customer).order_by("-issue_date", "-id")),
        "may_act": user.is_superuser or user.role in MICROSOFT_ROLES,
    }


@_page("GET")
def customer(request: HttpRequest, tpid: str) -> HttpResponse:
    """A customer's page: licences, usage, prior licences, deals, nominations and vouchers, and what to do next."""
    user = _reader(request)
    found = customer_get_for(user=user, key=tpid)
    context = _customer_context(user, found) | {"nominate_form": NominateForm()}
    return TemplateResponse(request, CUSTOMER, context)


@_page("POST")
def customer_nominate(request: HttpRequest, tpid: str) -> HttpResponse:
    """Nominate the customer for an offer (a Customer Success Offer nomination maps its partner and refers it)."""
    user = _reader(request)
    found = customer_get_for(user=user, key=tpid)
    form = NominateForm(request.POST)
    nomination = None
    if form.is_valid():
        with refusals_on(form):
            offer = offer_get(name_or_code=_offer_code(form.cleaned_data["offer"]))
            raw_partner = form.cleaned_data["partner"]
            partner = (
                partner_get_for(user=user, key=parsing.parse_whole(raw_partner, field="partner"))
                if raw_partner
                else None
            )
            nomination = nomination_create(actor=user, customer=found, offer=offer, partner=partner)
    if nomination is not None:
        messages.success(request, f"Nominated {found.name} for the {nomination.offer.name}.")
        return redirect("portal:staff-customer", tpid=found.tpid)
    context = _customer_context(user, found) | {"nominate_form": form}
    return TemplateResponse(request, CUSTOMER, context, status=form_status(form))


def _offer_code(raw: str) -> str:
    """An offer code from a form's list (a forged one is refused by field, OD-IN-01)."""
    return parsing.parse_choice(raw, field="offer", choices=sorted(get_catalogue().offers_by_code))


@_page("GET")
def eligibility(request: HttpRequest, tpid: str) -> HttpResponse:
    """For every offer: eligible or not, the highest voucher value if issued today (or on the chosen day), and
    each failing rule's ID and reason — what the services would decide (`offers_quote`)."""
    user = _reader(request, ELIGIBILITY_ROLES)
    found = customer_get_for(user=user, key=tpid)
    form = EligibilityForm(request.GET)
    quotes = None
    on = dates.today()
    if form.is_valid():
        with refusals_on(form):
            raw = form.cleaned_data["on"]
            on = parsing.parse_date(raw, field="on") if raw else on
            quotes = offers_quote(customer=found, on=on)
    context = {"customer": found, "form": form, "quotes": quotes, "on": on}
    return TemplateResponse(request, ELIGIBILITY, context, status=form_status(form))


def _migration_sources() -> list[str]:
    return sorted({s for _, offer in get_catalogue().offers_by_code.values() for s in offer.requires_migration})


def _deal_form(data: Any = None) -> DealForm:
    return DealForm(
        data, workloads=sorted(catalogue_skus()), sources=_migration_sources(), initial={"upsell_attested": True}
    )


@_page("GET", "POST")
def customer_deal(request: HttpRequest, tpid: str) -> HttpResponse:
    """Record a deal the customer closed (the FY24 offers' basis for the cap)."""
    user = _reader(request)
    found = customer_get_for(user=user, key=tpid)
    form = _deal_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deal = None
        with refusals_on(form):
            deal = deal_record(
                actor=user,
                customer=found,
                value=data["value"],
                close_date=data["close_date"],
                workloads=data["workloads"],
                migration=data["migration"],
                upsell_attested=data["upsell_attested"],
                policy_questions=data["policy_questions"],
            )
        if deal is not None:
            messages.success(request, f"Recorded a deal of {deal.value} USD closed on {deal.close_date}.")
            return redirect("portal:staff-customer", tpid=found.tpid)
    return TemplateResponse(
        request, "portal/sales/deal.html", {"customer": found, "form": form}, status=form_status(form)
    )


def _fy24_quotes(customer: Customer) -> list[tuple[Any, Any]]:
    """The offers a voucher is issued for by Microsoft (FY24: not the referred CSO), each with today's quote."""
    offers = list(Offer.objects.select_related("program").order_by("program__code", "code"))
    quotes = offers_quote(customer=customer)
    return [(o, quotes[o.name]) for o in offers if not policy_for(o.program).refers_nomination]


@_page("GET", "POST")
def customer_issue(request: HttpRequest, tpid: str) -> HttpResponse:
    """Issue a FY24 voucher at a face value of at most the cap shown (MWS-CAP-09)."""
    user = _reader(request)
    found = customer_get_for(user=user, key=tpid)
    quotes = _fy24_quotes(found)
    choices = [(o.code, o.name) for o, _ in quotes]
    form = IssueForm(request.POST if request.method == "POST" else None, offers=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        voucher = None
        with refusals_on(form, rule_fields={"MWS-CAP-09": "face_value"}):
            offer = offer_get(
                name_or_code=parsing.parse_choice(data["offer"], field="offer", choices=[c for c, _ in choices])
            )
            voucher = voucher_issue(
                actor=user,
                customer=found,
                offer=offer,
                face_value=data["face_value"],
                policy_decision=data["policy_decision"],
            )
        if voucher is not None:
            messages.success(request, f"Issued voucher {voucher.code} for {voucher.face_value} USD.")
            return redirect("portal:staff-voucher", code=voucher.code)
    return TemplateResponse(
        request,
        "portal/sales/issue.html",
        {"customer": found, "form": form, "quotes": quotes},
        status=form_status(form),
    )


# ------------------------------------------------------------------------------------------ nominations

NOMINATION_COLUMNS = (
    Column(
        "id",
        "Nomination",
        lambda n: f"#{n.pk}",
        order_by="pk",
        link=lambda n: reverse("portal:staff-nomination", args=[n.pk]),
    ),
    Column("customer", "Customer", "customer.name", order_by="customer__name"),
    Column("tpid", "TPID", "customer.tpid", order_by="customer__tpid"),
    Column("offer", "Offer", "offer.name", order_by="offer__code"),
    Column("partner", "Partner", "partner.name", order_by="partner__name"),
    Column("nominated", "Nominated", "nominated_at", order_by="nominated_at"),
    Column("status", "Status", lambda n: n.get_status_display(), order_by="status"),
)


NOMINATIONS_LIST = Listing(
    "Nominations",
    "nominations",
    NominationFilterForm,
    nomination_search,
    {"status": "status", "offer": "offer"},
    NOMINATION_COLUMNS,
    default_sort="-nominated",
)


@_page("GET")
def nominations(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every nomination the user may see, newest first, by status and offer."""
    return _listing(request, NOMINATIONS_LIST)


def _nomination_context(user: User, pk: int, remap_form: RemapForm | None = None) -> dict[str, Any]:
    nomination = nomination_get_for(user=user, key=pk)
    referral = getattr(nomination, "referral", None)
    remappable = (
        referral is not None
        and referral.status in (ReferralStatus.DECLINED, ReferralStatus.LAPSED)
        and nomination.status == NominationStatus.CLOSED
        and (user.is_superuser or user.role in MICROSOFT_ROLES)
    )
    return {
        "nomination": nomination,
        "referral": referral,
        "vouchers": list(voucher_list(user=user).filter(nomination=nomination)),
        "remap_form": remap_form or (RemapForm(exclude=nomination.partner_id) if remappable else None),
    }


@_page("GET")
def nomination(request: HttpRequest, pk: int) -> HttpResponse:
    """A nomination: its customer, offer, partner and referral; a declined or lapsed referral may be re-mapped."""
    user = _reader(request)
    return TemplateResponse(request, "portal/sales/nomination.html", _nomination_context(user, pk))


@_page("POST")
def nomination_remap(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the customer of a declined referral to another partner: a new nomination, a new intent window (AMB-14)."""
    user = _reader(request)
    old = nomination_get_for(user=user, key=pk)
    form = RemapForm(request.POST, exclude=old.partner_id)
    new = None
    if form.is_valid():
        with refusals_on(form):
            partner = partner_get_for(user=user, key=parsing.parse_whole(form.cleaned_data["partner"], field="partner"))
            new = nomination_create(actor=user, customer=old.customer, offer=old.offer, partner=partner)
    if new is not None:
        messages.success(request, f"{old.customer.name} is re-mapped to {new.partner.name if new.partner else ''}.")
        return redirect("portal:staff-nomination", pk=new.pk)
    context = _nomination_context(user, pk, remap_form=form)
    return TemplateResponse(request, "portal/sales/nomination.html", context, status=form_status(form))


# ------------------------------------------------------------------------------------------ vouchers

VOUCHER_COLUMNS = (
    Column("code", "Voucher", "code", order_by="code", link=lambda v: reverse("portal:staff-voucher", args=[v.code])),
    Column("customer", "Customer", "customer.name", order_by="customer__name"),
    Column("offer", "Offer", "offer.name", order_by="offer__code"),
    Column("partner", "Partner", "partner.name", order_by="partner__name"),
    Column("face", "Face value (USD)", "face_value", order_by="face_value", numeric=True),
    Column("issued", "Issued", "issue_date", order_by="issue_date"),
    Column("expires", "Expires", "expiry_date", order_by="expiry_date"),
    Column("status", "Status", lambda v: v.get_status_display(), order_by="status"),
)


VOUCHERS_LIST = Listing(
    "Vouchers",
    "vouchers",
    VoucherFilterForm,
    voucher_search,
    {"q": "text", "status": "status", "offer": "offer"},
    VOUCHER_COLUMNS,
    default_sort="expires",
    xlsx=True,
)


@_page("GET")
def vouchers(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every voucher the user may see, soonest expiry first, by ID, customer, status and offer."""
    return _listing(request, VOUCHERS_LIST)


def _voucher_context(user: User, code: str, cancel_form: CancelForm | None = None) -> dict[str, Any]:
    history = voucher_history(user=user, key=code)
    return {
        "history": history,
        "cancel_form": cancel_form or CancelForm(),
        "may_cancel": (user.is_superuser or user.role == Role.OPERATOR) and history.voucher.holds_limit,
    }


@_page("GET")
def voucher(request: HttpRequest, code: str) -> HttpResponse:
    """A voucher: its facts, its whole history as the user may see it, and (for an operator) cancelling it."""
    user = _reader(request)
    return TemplateResponse(request, "portal/sales/voucher.html", _voucher_context(user, code))


@_page("POST")
def voucher_cancel_view(request: HttpRequest, code: str) -> HttpResponse:
    """Cancel a voucher with a reason (operators): it no longer counts against the TPID's limit."""
    user = _reader(request)
    found = voucher_history(user=user, key=code).voucher
    form = CancelForm(request.POST)
    cancelled = None
    if form.is_valid():
        with refusals_on(form):
            cancelled = voucher_cancel(actor=user, voucher=found, reason=form.cleaned_data["reason"])
    if cancelled is not None:
        messages.success(request, f"Voucher {cancelled.code} is cancelled.")
        return redirect("portal:staff-voucher", code=cancelled.code)
    context = _voucher_context(user, code, cancel_form=form)
    return TemplateResponse(request, "portal/sales/voucher.html", context, status=form_status(form))


# ------------------------------------------------------------------------------------------ partners

PARTNER_COLUMNS = (
    Column("name", "Partner", "name", order_by="name", link=lambda p: reverse("portal:staff-partner", args=[p.pk])),
    Column("frp", "FRP status", lambda p: p.get_frp_status_display(), order_by="frp_status"),
    Column("country", "Country", "country", order_by="country"),
    Column("group", "Company group", "company_group.name", order_by="company_group__name"),
    Column("currency", "Payout currency", "payout_currency", order_by="payout_currency"),
    Column("contact", "Primary contact", "primary_contact"),
)


PARTNERS_LIST = Listing(
    "Partners",
    "partners",
    PartnerFilterForm,
    partner_search,
    {"q": "text", "frp_status": "frp_status"},
    PARTNER_COLUMNS,
    default_sort="name",
)


@_page("GET")
def partners(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every partner the user may see (an FPM: those it manages), by name and FRP status."""
    return _listing(request, PARTNERS_LIST)


@_page("GET")
def partner(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner: FRP status, company group, contacts, FPMs, payout currency; its vouchers and payments."""
    user = _reader(request)
    found = partner_get_for(user=user, key=pk)
    sees_payments = user.is_superuser or user.role in PAYMENT_ROLES or user.role == Role.FPM
    context = {
        "partner": found,
        "fpms": list(found.fpm_users.order_by("username")),
        "vouchers": list(voucher_list(user=user).filter(partner=found).order_by("-issue_date", "-id")[:200]),
        "payments": list(payment_list(user=user).filter(partner=found).order_by("-payable_on", "-id")[:200])
        if sees_payments
        else None,
    }
    return TemplateResponse(request, "portal/sales/partner.html", context)
