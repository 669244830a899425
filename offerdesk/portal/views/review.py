"""The review desk (issue 8, point 2): the queue by urgency, a request's file (its document shown and verified, the
signatures, the rules, the history, the partner's answers) and the decisions — approve, reject with a ground, ask
for information, verify a POE's users. Thin: each view reads through a scoped selector or calls one service; the
services decide (roles, OD-SOD-01, the rule book) and their refusals are rendered, never re-decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.models import User
from offerdesk.catalogue.selectors import offer_spec
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from offerdesk.documents.selectors import document_file, document_list
from offerdesk.portal.errors import form_refused, form_status, portal_view, refusals_on, signed_in_user
from offerdesk.portal.forms.review import ApproveForm, AskForm, QueueFilterForm, RejectForm, VerifyUsersForm
from offerdesk.portal.tables import Column, Table, table_response
from offerdesk.portal.templatetags.portal import day
from offerdesk.portal.views.partner import file_download
from offerdesk.redemptions.choices import RequestKind, RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.selectors import request_get_for
from offerdesk.reviews.selectors import (
    QUEUE_STATUSES,
    ReviewTerms,
    decision_attachment,
    expires_before_review,
    review_file,
    review_queue_filtered,
    review_terms,
    sla_clock,
)
from offerdesk.reviews.services import (
    DESK_ROLES,
    REVIEW_ROLES,
    VERIFY_ROLES,
    review_approve,
    review_reject,
    review_request_info,
    review_verify_seats,
)

P = ParamSpec("P")
QUEUE = "portal/review/queue.html"
REQUEST = "portal/review/request.html"
SOD_RULE = "OD-SOD-01"


def desk_page[R: HttpResponseBase](*methods: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A review-desk view: these HTTP methods only, signed in, the domain's refusals mapped (errors.py); a list
    may answer with a streamed export."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        mapped = portal_view(view)  # type: ignore[arg-type]
        return require_http_methods(list(methods))(login_required(mapped))  # type: ignore[return-value]

    return decorate


def desk_user(request: HttpRequest) -> User:
    """The signed-in user, if the review desk is theirs (a superuser's too); anyone else is refused (403)."""
    user = signed_in_user(request)
    access_require_role(user, DESK_ROLES, action="open the review desk")
    return user


def _holds(user: User, roles: frozenset[str]) -> bool:
    return user.is_superuser or user.role in roles


# ---------------------------------------------------------------------------------------------- the queue


def queue_columns(terms: dict[str, ReviewTerms], today: dt.date) -> tuple[Column, ...]:
    """The queue's columns on a day: the SLA clock and the expiry warning read the program's terms."""

    def terms_of(row: RedemptionRequest) -> ReviewTerms:
        return terms[row.voucher.offer.program.code]

    def clock(row: RedemptionRequest) -> str:
        return sla_clock(row, on=today, calendar=terms_of(row).calendar).text

    def warning(row: RedemptionRequest) -> str:
        if not expires_before_review(row, terms_of(row)):
            return ""
        return f"Voucher expires {day(row.voucher.expiry_date)}, before the review is due: approve by then (AMB-08)"

    return (
        Column(
            "request",
            "Request",
            lambda r: f"{r.kind} #{r.pk}",
            order_by="id",
            link=lambda r: reverse("portal:review-request", args=[r.pk]),
        ),
        Column("program", "Program", "voucher.offer.program.name", order_by="voucher__offer__program__name"),
        Column("kind", "Kind", "kind", order_by="kind"),
        Column("partner", "Partner", "partner.name", order_by="partner__name"),
        Column("customer", "Customer", "voucher.customer.name", order_by="voucher__customer__name"),
        Column("submitted", "Submitted", "submitted_on", order_by=("submitted_at",)),
        Column("status", "Status", lambda r: r.get_status_display(), order_by="status"),
        Column("due", "Review due", "sla_due_on", order_by=("sla_due_on", "voucher__expiry_date", "submitted_at")),
        Column("sla", "SLA clock", clock),
        Column(
            "days_left",
            "Voucher days left",
            lambda r: (r.voucher.expiry_date - today).days,
            order_by="voucher__expiry_date",
            numeric=True,
        ),
        Column("warning", "Warning", warning),
    )


@desk_page("GET")
def queue(request: HttpRequest) -> HttpResponseBase:
    """The requests awaiting a decision, most urgent first (SLA due date, then the voucher's expiry), filtered by
    program, kind and status; sortable, paged and exported like every back-office list."""
    user = desk_user(request)
    form = QueueFilterForm(request.GET or None)
    rows = RedemptionRequest.objects.none()
    try:  # the selector parses the filters as the services do (OD-IN-01)
        rows = review_queue_filtered(
            user=user,
            program=request.GET.get("program", ""),
            kind=request.GET.get("kind", ""),
            status=request.GET.get("status", ""),
        )
    except InvalidInput as error:
        form_refused(form, error)
    today = dates.today()
    table = Table(
        request,
        rows,
        queue_columns(review_terms(on=today), today),
        default_sort="due",
        name="review-queue",
        xlsx=True,
        caption="Review queue",
        empty="Nothing waits for a decision.",
    )
    return table_response(request, QUEUE, {"table": table, "form": form}, status=form_status(form))


# --------------------------------------------------------------------------------------- a request's file


def _context(user: User, pk: int, **forms_given: forms.Form) -> dict[str, Any]:
    found = review_file(user=user, key=pk)
    req = found.request
    open_ = req.status in QUEUE_STATUSES
    party = found.terms.separation_of_duties and user.pk in found.parties
    return {
        "file": found,
        "req": req,
        "is_party": party,
        "can_decide": open_ and _holds(user, REVIEW_ROLES) and not party,
        "can_approve": req.status == RequestStatus.RECEIVED,
        "can_verify": open_ and req.kind == RequestKind.POE and _holds(user, VERIFY_ROLES) and not party,
        "approve_form": forms_given.get("approve_form") or ApproveForm(),
        "reject_form": forms_given.get("reject_form") or RejectForm(),
        "ask_form": forms_given.get("ask_form") or AskForm(),
        "verify_form": forms_given.get("verify_form") or VerifyUsersForm(workloads=found.workloads),
        "refused": next((f for f in forms_given.values() if f.errors), None),
    }


@desk_page("GET")
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: its document shown and verified, the signatures, the rules replayed on the submission and
    checked for an approval today, the review steps and the voucher's history; the decisions the user may take."""
    user = desk_user(request)
    return TemplateResponse(request, REQUEST, _context(user, pk))


@desk_page("GET")
@xframe_options_sameorigin
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's document, shown in its page (framed by OfferDesk's own pages only), or saved with ?download=1."""
    user = desk_user(request)
    found = document_list(user=user).filter(request=request_get_for(user=user, key=pk)).first()
    if found is None:
        raise NotFound(f"no document for request {pk}")
    name, data = document_file(user=user, key=found.key)
    return file_download(data, name=name, content_type="application/pdf", inline=not request.GET.get("download"))


@desk_page("GET")
def attachment(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """A file the partner attached to its answer, as a download."""
    name, data = decision_attachment(user=desk_user(request), request_key=pk, step_key=step)
    return file_download(data, name=name, content_type="application/octet-stream")


# ------------------------------------------------------------------------------------------- the decisions


@contextmanager
def refusals(form: forms.Form) -> Iterator[None]:
    """A service's refusal on the form: bad input and rules (errors.py), and OD-SOD-01 with its rule ID, on the
    page rather than the bare 403 page, since the reviewer can hand the request to a colleague."""
    try:
        with refusals_on(form):
            yield
    except PermissionDenied as error:
        if SOD_RULE not in error.rules:
            raise
        form.add_error(None, f"{SOD_RULE}: {error.message}")
        form.refusal_status = 403  # type: ignore[attr-defined]


def _decided(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("portal:review-request", args=[pk])
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(request: HttpRequest, user: User, pk: int, name: str, form: forms.Form) -> HttpResponse:
    context = _context(user, pk, **{name: form})
    template = f"{REQUEST}#actions" if request.htmx else REQUEST  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context, status=form_status(form))


def _act(
    request: HttpRequest, pk: int, name: str, form: forms.Form, act: Callable[[User, RedemptionRequest], str]
) -> HttpResponse:
    """Parse the form, call the one service, then back to the page with what happened (or the refusal)."""
    user = desk_user(request)
    found = request_get_for(user=user, key=pk)
    if form.is_valid():
        message = ""
        with refusals(form):
            message = act(user, found)
        if message:
            return _decided(request, pk, message)
    return _refused(request, user, pk, name, form)


@desk_page("POST")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve: a paying approval schedules the payment; the partner is told."""
    form = ApproveForm(request.POST)

    def act(user: User, found: RedemptionRequest) -> str:
        review_approve(actor=user, request=found, reason=form.cleaned_data["reason"])
        return f"Approved: {found.kind} #{found.pk} of {found.partner.name}."

    return _act(request, pk, "approve_form", form, act)


@desk_page("POST")
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject on a listed ground with the words the partner can act on."""
    form = RejectForm(request.POST)

    def act(user: User, found: RedemptionRequest) -> str:
        data = form.cleaned_data
        review_reject(actor=user, request=found, reason=data["reason"], reason_code=data["reason_code"])
        return f"Rejected: {found.kind} #{found.pk} of {found.partner.name}; the partner is told why."

    return _act(request, pk, "reject_form", form, act)


@desk_page("POST")
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the partner for information: the SLA clock pauses until it answers (AMB-27)."""
    form = AskForm(request.POST)

    def act(user: User, found: RedemptionRequest) -> str:
        review_request_info(actor=user, request=found, question=form.cleaned_data["question"])
        return f"Asked {found.partner.name}; the review clock is paused until it answers."

    return _act(request, pk, "ask_form", form, act)


@desk_page("POST")
def verify_users(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the users Microsoft verified on a POE (per workload for the CSO), before approving it."""
    user = desk_user(request)
    found = request_get_for(user=user, key=pk)
    _, spec = offer_spec(offer=found.voucher.offer)
    form = VerifyUsersForm(request.POST, workloads=list(spec.workloads) if found.kind == RequestKind.POE else [])

    def act(actor: User, found: RedemptionRequest) -> str:
        review_verify_seats(
            actor=actor, request=found, users=form.cleaned_data["users"], workload_users=form.workload_users()
        )
        return f"Verified users recorded on {found.kind} #{found.pk}."

    return _act(request, pk, "verify_form", form, act)
