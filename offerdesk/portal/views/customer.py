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
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.catalogue.policies import policy_for
from offerdesk.core import dates
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.reading import pdf_read
from offerdesk.documents.selectors import document_file, document_get_for, document_list
from offerdesk.documents.services import document_decline, document_sign
from offerdesk.partners.models import Partner
from offerdesk.partners.selectors import partner_directory_countries, partner_directory_get_for, partner_directory_list
from offerdesk.portal.errors import portal_view, refusals_on, render_form
from offerdesk.portal.forms.customer import DeclineForm, PartnerChoiceForm, PartnerSearchForm, SignForm
from offerdesk.portal.templatetags.portal import user_locale
from offerdesk.redemptions.choices import SignatureParty
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


# ------------------------------------------------------------------------------------- Documents to sign


@require_safe
@login_required
@portal_view
def documents(request: HttpRequest) -> HttpResponse:
    """Documents to sign: the SOWs and POEs the customer's partners prepared, those waiting for it first."""
    user = _customer(request)
    rows = sorted(document_list(user=user), key=lambda d: d.status != DocumentStatus.AWAITING_CUSTOMER)
    return TemplateResponse(request, "portal/customer/documents.html", {"documents": rows})


def _document_text(user: User, document: Document) -> str:
    """The words of the PDF the page shows, for readers whose browser shows no PDF (and for screen readers)."""
    _, data = document_file(user=user, key=document.key)
    return pdf_read(data, field="document").text


def _document_page(
    request: HttpRequest, document: Document, *, sign: SignForm | None = None, decline: DeclineForm | None = None
) -> HttpResponse:
    """The document in the page, what was signed so far, and the customer's Sign and Decline forms."""
    sign = sign or SignForm(initial={"shown": document.sha256})
    decline = decline or DeclineForm()
    refused = sign if sign.errors else decline
    context = {
        "document": document,
        "text": "" if _htmx(request) else _document_text(_customer(request), document),
        "signatures": list(document.signatures.all()),
        "sign": sign,
        "decline": decline,
        "awaiting": document.status == DocumentStatus.AWAITING_CUSTOMER,
    }
    template = "portal/customer/document.html"
    if _htmx(request):
        template += "#signing"
    return render_form(request, template, context, form_key="sign" if refused is sign else "decline")


@require_safe
@login_required
@portal_view
def document(request: HttpRequest, key: str) -> HttpResponse:
    """One document, at the link its customer was e-mailed (/customer/documents/<key>/)."""
    user = _customer(request)
    return _document_page(request, document_get_for(user=user, key=key))


def _signed_or_declined(request: HttpRequest, key: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if _htmx(request):  # the signing panel again, in place, with the new status
        return _document_page(request, document_get_for(user=_customer(request), key=key))
    return redirect(reverse("portal:customer-document", kwargs={"key": key}))


@require_POST
@login_required
@portal_view
def document_sign_view(request: HttpRequest, key: str) -> HttpResponse:
    """Sign: the typed full name and title, over the bytes the page showed (their SHA-256)."""
    user = _customer(request)
    found = document_get_for(user=user, key=key)
    form = SignForm(request.POST)
    with refusals_on(form):
        document_sign(
            actor=user,
            document=found,
            party=SignatureParty.CUSTOMER,
            name=request.POST.get("name", ""),
            title=request.POST.get("title", ""),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
            shown_sha256=request.POST.get("shown", ""),
        )
        return _signed_or_declined(request, key, f"You signed the {found.get_kind_display()}; it is sealed.")
    return _document_page(request, found, sign=form)


@require_POST
@login_required
@portal_view
def document_decline_view(request: HttpRequest, key: str) -> HttpResponse:
    """Decline, with a reason the partner reads."""
    user = _customer(request)
    found = document_get_for(user=user, key=key)
    form = DeclineForm(request.POST)
    with refusals_on(form):
        document_decline(actor=user, document=found, reason=request.POST.get("reason", ""))
        return _signed_or_declined(
            request, key, f"You declined the {found.get_kind_display()}; {found.partner.name} sees your reason."
        )
    return _document_page(request, found, decline=form)
