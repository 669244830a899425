"""Redeem voucher: choose the voucher and the step, give the figures the step asks, then either sign the
pre-filled program template in the page (the customer signs next, then the partner submits), or upload a
document signed outside OfferDesk. Each step calls one documents service; a refusal keeps the input."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.core.errors import NotFound
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.selectors import document_file, document_get_for
from offerdesk.documents.services import (
    document_decline,
    document_prepare,
    document_sign,
    document_submit,
    document_upload,
)
from offerdesk.partners.models import Partner
from offerdesk.portal.errors import refusals_on, render_form
from offerdesk.portal.forms.partner import FiguresForm, RedeemStartForm, SignForm, UploadForm, WithdrawForm
from offerdesk.redemptions.choices import RequestKind, SignatureParty
from offerdesk.vouchers.choices import LIVE_VOUCHER_STATUSES
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_list, voucher_presented

from .partner import file_download, partner_page, partner_user

START = "portal/partner/redeem.html"
FIGURES = "portal/partner/redeem_figures.html"
UPLOAD = "portal/partner/redeem_upload.html"
DOCUMENT = "portal/partner/document.html"
# Which field a rule's refusal belongs by, where one does (else it shows at the top).
RULE_FIELDS = {"CSO-USR-01": "users_deployed", "MWS-VAL-05": "value", "MWS-VAL-06": "value"}


def _kind(raw: str) -> str:
    if raw not in RequestKind.values:
        raise NotFound(f"no redemption type {raw}")
    return raw


@partner_page("GET")
def redeem(request: HttpRequest) -> HttpResponse:
    """Step 1: the voucher (typed as presented, or picked) and the redemption type."""
    user = partner_user(request)
    vouchers = list(voucher_list(user=user, statuses=LIVE_VOUCHER_STATUSES))
    # A link may carry the voucher's ID alone ("Redeem this voucher"): it fills the form, it does not send it.
    sent = request.GET if "kind" in request.GET else None
    form = RedeemStartForm(sent, initial={"code": request.GET.get("code", "")}, vouchers=vouchers)
    if form.is_bound and form.is_valid():
        with refusals_on(form):
            try:
                found = voucher_presented(user=user, code=form.cleaned_data["chosen"])
            except NotFound:
                form.add_error(
                    "code", "No voucher with this ID can be redeemed by your company: check it with the customer."
                )
            else:
                return redirect("portal:partner-redeem-figures", code=found.code, kind=form.cleaned_data["kind"])
    return render_form(request, START, {"form": form, "vouchers": vouchers})


@partner_page("GET", "POST")
def redeem_figures(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Step 2: exactly what the step asks; then the pre-filled program template is generated for signing."""
    user = partner_user(request)
    voucher = voucher_presented(user=user, code=code)
    form = FiguresForm(request.POST or None, voucher=voucher, kind=_kind(kind))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, rule_fields=RULE_FIELDS):
            document = document_prepare(
                actor=user, voucher=voucher, partner=_partner_of(user, voucher), kind=kind, **form.figures()
            )
            messages.success(request, f"The {kind} is ready: read it, then sign it.")
            return redirect("portal:partner-document", key=document.key)
    return render_form(request, FIGURES, {"form": form, "voucher": voucher, "kind": kind})


@partner_page("GET", "POST")
def redeem_upload(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Or: upload the program template signed outside OfferDesk; it is checked by its content and submitted."""
    user = partner_user(request)
    voucher = voucher_presented(user=user, code=code)
    form = UploadForm(request.POST or None, request.FILES or None, voucher=voucher, kind=_kind(kind))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, rule_fields=RULE_FIELDS):
            submitted = document_upload(
                actor=user,
                voucher=voucher,
                partner=_partner_of(user, voucher),
                kind=kind,
                data=form.cleaned_data["file"].read(),
                signers=form.signers(),
                **form.figures(),
            )
            messages.success(
                request, f"Your {kind} is submitted; it stays Received until the registrations team decides."
            )
            return redirect("portal:partner-redemption", pk=submitted.pk)
    return render_form(request, UPLOAD, {"form": form, "voucher": voucher, "kind": kind})


def _partner_of(user: User, voucher: Voucher) -> Partner:
    """The partner the user redeems for: its own (a superuser acts for the partner the voucher is bound to)."""
    partner = user.partner or voucher.partner
    if partner is None:
        raise NotFound("redeem this voucher as a user of its partner")
    return partner


# ------------------------------------------------------------------------------------------ the document


def _document_context(document: Document, **extra: object) -> dict[str, object]:
    signatures = {s.party: s for s in document.signatures.all()}
    return {
        "document": document,
        "partner_signature": signatures.get(SignatureParty.PARTNER),
        "customer_signature": signatures.get(SignatureParty.CUSTOMER),
        "sign_form": extra.get("sign_form") or SignForm(initial={"shown_sha256": document.sha256}),
        "withdraw_form": extra.get("withdraw_form") or WithdrawForm(),
        "submit_form": extra.get("submit_form") or django_forms.Form(),
        "pdf_url": reverse("portal:partner-document-pdf", kwargs={"key": document.key}),
        "can_sign": document.status == DocumentStatus.AWAITING_PARTNER,
        "can_submit": document.status == DocumentStatus.SEALED,
        "can_withdraw": document.status
        in (DocumentStatus.AWAITING_PARTNER, DocumentStatus.AWAITING_CUSTOMER, DocumentStatus.SEALED),
    }


@partner_page("GET")
def document(request: HttpRequest, key: str) -> HttpResponse:
    """The prepared document: read it in the page, sign it, follow the customer's signature, submit it."""
    user = partner_user(request)
    found = document_get_for(user=user, key=key)
    template = f"{DOCUMENT}#status" if request.htmx else DOCUMENT  # type: ignore[attr-defined]
    return TemplateResponse(request, template, _document_context(found))


@partner_page("GET")
def document_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The document's bytes: shown in the page, or downloaded (`?download=1`); never sniffed as anything else."""
    user = partner_user(request)
    name, data = document_file(user=user, key=key)
    return file_download(data, name=name, content_type="application/pdf", inline=not request.GET.get("download"))


@partner_page("POST")
def document_sign_view(request: HttpRequest, key: str) -> HttpResponse:
    """The partner signs the bytes it was shown; the customer's contact is e-mailed the link to sign next."""
    user = partner_user(request)
    found = document_get_for(user=user, key=key)
    form = SignForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            document_sign(
                actor=user,
                document=found,
                party=SignatureParty.PARTNER,
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                shown_sha256=form.cleaned_data["shown_sha256"],
            )
            messages.success(request, "Signed. The customer's contact is e-mailed a link to sign it too.")
            return redirect("portal:partner-document", key=found.key)
    return render_form(request, DOCUMENT, _document_context(found, sign_form=form), form_key="sign_form")


@partner_page("POST")
def document_submit_view(request: HttpRequest, key: str) -> HttpResponse:
    """Both signed: the partner submits the sealed document as its request."""
    user = partner_user(request)
    found = document_get_for(user=user, key=key)
    form = django_forms.Form(request.POST)  # submitting takes no input; the form carries a refusal back to the page
    with refusals_on(form):
        submitted = document_submit(actor=user, document=found)
        messages.success(
            request, f"Your {found.kind} is submitted; it stays Received until the registrations team decides."
        )
        return redirect("portal:partner-redemption", pk=submitted.pk)
    return render_form(request, DOCUMENT, _document_context(found, submit_form=form), form_key="submit_form")


@partner_page("POST")
def document_withdraw_view(request: HttpRequest, key: str) -> HttpResponse:
    """Withdraw a document not yet submitted (to correct it, prepare another)."""
    user = partner_user(request)
    found = document_get_for(user=user, key=key)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            document_decline(actor=user, document=found, reason=form.cleaned_data["reason"])
            messages.success(request, "The document is withdrawn.")
            return redirect("portal:partner-document", key=found.key)
    return render_form(request, DOCUMENT, _document_context(found, withdraw_form=form), form_key="withdraw_form")
