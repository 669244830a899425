"""The customer's portal (issue 6, point 4): My vouchers — a FY24 customer chooses its partner from the
approved FRP list — and Documents to sign: the SOWs and POEs its partners prepared, read in the page, signed
with the signer's typed name and title, or declined with a reason. Thin over the selectors and services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.policies import policy_for
from offerdesk.core import dates
from offerdesk.partners.models import Partner
from offerdesk.partners.selectors import partner_directory_countries, partner_directory_get_for, partner_directory_list
from offerdesk.portal.errors import portal_view, refusals_on, render_form
from offerdesk.portal.forms.customer import PartnerChoiceForm, PartnerSearchForm
from offerdesk.portal.templatetags.portal import user_locale
from offerdesk.vouchers.choices import LIVE_VOUCHER_STATUSES, VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_get_for, voucher_list
from offerdesk.vouchers.services import voucher_choose_partner

CUSTOMER_ROLES = frozenset({Role.CUSTOMER})
DIRECTORY_ROWS = 50  # a search shows this many partners at most; a narrower search finds the others


def _htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware says so): it gets the part of the page it swaps."""
    return bool(getattr(request, "htmx", False))


def _customer(request: HttpRequest) -> User:
    """The signed-in customer user (the customer's pages are no one else's: a page, not an object, so 403)."""
    user = request.user
    assert isinstance(user, User)
    access_require_role(user, CUSTOMER_ROLES, action="open a customer's pages")
    return user


# ------------------------------------------------------------------------------------------ My vouchers


@dataclass(frozen=True)
class VoucherRow:
    """A voucher as the customer's list shows it: days left while it is live, whether a partner may be chosen."""

    voucher: Voucher
    days_left: int | None
    may_choose: bool

    @classmethod
    def of(cls, voucher: Voucher, today: dt.date) -> VoucherRow:
        live = voucher.status in LIVE_VOUCHER_STATUSES
        return cls(
            voucher=voucher,
            days_left=(voucher.expiry_date - today).days if live else None,
            may_choose=voucher.status == VoucherStatus.OPEN
            and policy_for(voucher.offer.program).customer_chooses_partner,
        )


@require_safe
@login_required
@portal_view
def vouchers(request: HttpRequest) -> HttpResponse:
    """My vouchers: value, expiry and days left, status, partner; FY24: choose the partner."""
    user = _customer(request)
    today = dates.today()
    rows = [VoucherRow.of(voucher, today) for voucher in voucher_list(user=user)]
    return TemplateResponse(request, "portal/customer/vouchers.html", {"rows": rows})


def _country_choices(user: User) -> list[tuple[str, str]]:
    """The approved list's countries, named in the user's language, by name."""
    names = user_locale().territories
    return sorted(
        ((code, names.get(code, code)) for code in partner_directory_countries(user=user)), key=lambda c: c[1]
    )


@login_required
@portal_view
def voucher_partner(request: HttpRequest, code: str) -> HttpResponse:
    """Choose partner (FY24): search the approved FRP list by name and country (htmx: the results alone),
    then choose one; the service refuses a partner of the customer's own company group (MWS-LIM-06)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    user = _customer(request)
    voucher = voucher_get_for(user=user, key=code)
    countries = _country_choices(user)
    search = PartnerSearchForm(request.GET, countries=countries)
    found: list[Partner] = []
    with refusals_on(search):
        found = list(
            partner_directory_list(user=user, name=request.GET.get("name", ""), country=request.GET.get("country", ""))[
                : DIRECTORY_ROWS + 1
            ]
        )
    choice = PartnerChoiceForm(request.POST or None)
    if request.method == "POST":
        chosen = partner_directory_get_for(user=user, key=request.POST.get("partner", ""))
        with refusals_on(choice):
            voucher_choose_partner(actor=user, voucher=voucher, partner=chosen)
            messages.success(
                request,
                f"{chosen.name} will redeem voucher {voucher.code}: we have e-mailed them, and they see it now.",
            )
            return redirect("portal:customer-vouchers")
    context = {
        "voucher": voucher,
        "search": search,
        "choice": choice,
        "partners": [
            (partner, dict(countries).get(partner.country, partner.country)) for partner in found[:DIRECTORY_ROWS]
        ],
        "more": len(found) > DIRECTORY_ROWS,
        "may_choose": VoucherRow.of(voucher, dates.today()).may_choose,
        "query": request.GET.urlencode(),
    }
    if _htmx(request) and request.method != "POST":
        return render_form(request, "portal/customer/voucher_partner.html#results", context, form_key="search")
    return render_form(
        request, "portal/customer/voucher_partner.html", context, form_key="choice" if choice.errors else "search"
    )
