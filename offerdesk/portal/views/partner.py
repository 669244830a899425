"""The partner portal: Referrals, Vouchers, My voucher redemptions and Payments (the Redeem voucher pages are in
`partner_redeem.py`). Thin: each view reads through a scoped selector or calls one service, then renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core.errors import InvalidInput
from offerdesk.payouts.selectors import payments_by_partner, voucher_overview_list
from offerdesk.portal.errors import form_status, portal_view, refusals_on, render_form
from offerdesk.portal.forms.partner import AnswerForm, DeclineReferralForm, StatusFilterForm
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.selectors import request_get_for
from offerdesk.reviews.selectors import decision_attachment, decision_list, request_overview_list, voucher_history
from offerdesk.reviews.services import review_provide_info
from offerdesk.vouchers.selectors import referral_awaiting_list, referral_get_for
from offerdesk.vouchers.services import referral_accept, referral_decline

P = ParamSpec("P")
# Partner users work here; an FPM reads its partners' pages (its actions are refused by the services).
PARTNER_AREA_ROLES = frozenset({Role.PARTNER, Role.FPM})
REFERRALS = "portal/partner/referrals.html"
REDEMPTIONS = "portal/partner/redemptions.html"
REDEMPTION = "portal/partner/redemption.html"


def partner_page(*methods: str) -> Callable[[Callable[P, HttpResponse]], Callable[P, HttpResponse]]:
    """A partner-area view: these HTTP methods only, signed in, the domain's refusals mapped (errors.py)."""

    def decorate(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
        return require_http_methods(list(methods))(login_required(portal_view(view)))  # type: ignore[return-value]

    return decorate


def file_download(data: bytes, *, name: str, content_type: str, inline: bool = False) -> HttpResponse:
    """A file as its own response: never sniffed as anything else, never cached, an attachment unless shown."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def partner_user(request: HttpRequest) -> User:
    """The signed-in user, if the partner area is theirs (a superuser's too); anyone else is refused (403)."""
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    access_require_role(user, PARTNER_AREA_ROLES, action="open the partner portal")
    return user


# ------------------------------------------------------------------------------------------ referrals


@partner_page("GET")
def referrals(request: HttpRequest) -> HttpResponse:
    """CSO referrals waiting for this partner's answer, soonest answer-by date first."""
    user = partner_user(request)
    return TemplateResponse(
        request,
        REFERRALS,
        {"referrals": list(referral_awaiting_list(user=user)), "decline_form": DeclineReferralForm()},
    )


def _referral_answered(
    request: HttpRequest, context: dict[str, object], message: str, form: forms.Form
) -> HttpResponse:
    """htmx: the row again, in place (refused: with the reasons); a plain post: back to the list with the message."""
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(request, f"{REFERRALS}#referral", context, status=form_status(form))
    if message:
        messages.success(request, message)
        return redirect("portal:partner-referrals")
    return TemplateResponse(
        request, REFERRALS, {**context, "referrals": [context["referral"]]}, status=form_status(form)
    )


@partner_page("POST")
def referral_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept: the partner registers its intent and the CSO voucher is issued (CSO-ENG-02, -05)."""
    user = partner_user(request)
    referral = referral_get_for(user=user, key=pk)
    form = forms.Form(request.POST)  # carries a refusal, if any, to the row
    voucher = None
    with refusals_on(form):
        voucher = referral_accept(actor=user, referral=referral)
    message = f"Accepted: voucher {voucher.code} is issued to {referral.nomination.customer.name}." if voucher else ""
    context = {"referral": referral, "answer_form": form, "decline_form": DeclineReferralForm(), "voucher": voucher}
    return _referral_answered(request, context, message, form)


@partner_page("POST")
def referral_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline with a reason, no penalty (CSO-ENG-04); Microsoft may map the customer to another partner."""
    user = partner_user(request)
    referral = referral_get_for(user=user, key=pk)
    form = DeclineReferralForm(request.POST)
    declined = None
    if form.is_valid():
        with refusals_on(form):
            declined = referral_decline(actor=user, referral=referral, reason=form.cleaned_data["reason"])
    message = f"Declined: {referral.nomination.customer.name} goes back to Microsoft." if declined else ""
    context = {
        "referral": declined or referral,
        "answer_form": forms.Form(),
        "decline_form": form,
        "declined": declined,
    }
    return _referral_answered(request, context, message, form)


# ------------------------------------------------------------------------------------------- vouchers


@partner_page("GET")
def vouchers(request: HttpRequest) -> HttpResponse:
    """Every voucher presented to or bound to the partner, with what was requested, approved and paid."""
    user = partner_user(request)
    return TemplateResponse(request, "portal/partner/vouchers.html", {"overviews": voucher_overview_list(user=user)})


@partner_page("GET")
def voucher(request: HttpRequest, code: str) -> HttpResponse:
    """One voucher and its whole history, as the partner may see it."""
    user = partner_user(request)
    return TemplateResponse(request, "portal/partner/voucher.html", {"history": voucher_history(user=user, key=code)})


# ------------------------------------------------------------------------------- my voucher redemptions


@partner_page("GET")
def redemptions(request: HttpRequest) -> HttpResponse:
    """Every request of the partner, newest first, filterable by status without a reload (htmx)."""
    user = partner_user(request)
    form = StatusFilterForm(request.GET or None)
    status = request.GET.get("status", "")
    rows = []
    try:
        rows = list(request_overview_list(user=user, status=status or None))
    except InvalidInput as error:  # the selector parses the filter as the services do (OD-IN-01)
        form.add_error("status", error.message)
    context = {"form": form, "requests": rows, "status": status}
    template = f"{REDEMPTIONS}#requests" if request.htmx else REDEMPTIONS  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context, status=400 if form.errors else 200)


def _redemption_context(user: User, pk: int, form: AnswerForm) -> dict[str, object]:
    found = request_get_for(user=user, key=pk)
    return {
        "req": found,
        "steps": list(decision_list(user=user, request=found)),
        "form": form,
        "can_answer": found.status == RequestStatus.NEEDS_INFO,
    }


@partner_page("GET")
def redemption(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: its figures, due date, decision and reason, its history; the answer form when asked."""
    user = partner_user(request)
    return TemplateResponse(request, REDEMPTION, _redemption_context(user, pk, AnswerForm()))


@partner_page("POST")
def redemption_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a reviewer's question (text, and a file if given): the review clock restarts (AMB-27)."""
    user = partner_user(request)
    found = request_get_for(user=user, key=pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            upload = form.cleaned_data.get("attachment")
            review_provide_info(
                actor=user,
                request=found,
                note=form.cleaned_data["note"],
                attachment=(upload.name, upload.read()) if upload else None,
            )
            messages.success(request, "Your answer is sent; the review clock runs again.")
            return redirect("portal:partner-redemption", pk=found.pk)
    return render_form(request, REDEMPTION, _redemption_context(user, pk, form))


# ------------------------------------------------------------------------------------------- payments


@partner_page("GET")
def payments(request: HttpRequest) -> HttpResponse:
    """What the partner is owed and was paid, per voucher and in total, in USD and its payout currency."""
    user = partner_user(request)
    return TemplateResponse(request, "portal/partner/payments.html", {"statements": payments_by_partner(user=user)})


@partner_page("GET")
def redemption_attachment(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """A file attached to an answer, as a download, for those who may see the review step."""
    name, data = decision_attachment(user=partner_user(request), request_key=pk, step_key=step)
    return file_download(data, name=name, content_type="application/octet-stream")
