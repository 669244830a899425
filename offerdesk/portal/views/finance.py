"""Finance's pages (at "staff/finance/"): exchange rates, payment runs, statements; and the partner's Statements.

Thin: each view reads through a scoped selector or calls one service, then renders; a refusal lands on the form
(errors.py). Finance alone opens its pages (a superuser too); a partner reads its own statements, another's is
not found (ADR 10)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core import parsing
from offerdesk.core.errors import NotFound
from offerdesk.imports.services import import_file
from offerdesk.payouts.choices import ItemStatus, RunStatus
from offerdesk.payouts.models import ExchangeRate, PaymentReversal, PaymentRun, PaymentRunItem
from offerdesk.payouts.selectors import (
    RATE_ORDER,
    payment_list,
    payment_run_get_for,
    payment_run_item_get,
    payment_run_items,
    payment_run_list,
)
from offerdesk.payouts.services import (
    exchange_rate_set,
    payment_reverse,
    payment_run_create,
    payment_run_export,
    payment_run_item_mark_failed,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)
from offerdesk.payouts.statements import (
    MonthStatement,
    statement_csv,
    statement_filename,
    statement_get_for,
    statement_list,
    statement_pdf,
)
from offerdesk.portal.errors import form_status, portal_view, refusals_on, signed_in_user
from offerdesk.portal.forms.finance import ItemFailedForm, RateForm, RateImportForm, ReverseForm, RunCreateForm
from offerdesk.portal.tables import Column, Table, table_response
from offerdesk.portal.templatetags.portal import money
from offerdesk.portal.views.partner import file_download, partner_user

FINANCE_ROLES = frozenset({Role.FINANCE})
RATES, RUNS, RUN = "portal/finance/rates.html", "portal/finance/runs.html", "portal/finance/run.html"
STATEMENTS, STATEMENT = "portal/finance/statements.html", "portal/finance/statement.html"
IMPORT_SUFFIXES = (".csv", ".xlsx")
RUN_FORMATS, STATEMENT_FORMATS = ("csv", "xlsx"), ("csv", "pdf")


def _page(*methods: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return require_http_methods(list(methods))(login_required(portal_view(view)))

    return decorate


def _finance(request: HttpRequest) -> User:
    user = signed_in_user(request)
    access_require_role(user, FINANCE_ROLES, action="open the finance pages")
    return user


# ------------------------------------------------------------------------------------------ exchange rates

RATE_COLUMNS = (
    Column("currency", "Currency", "currency", order_by=("currency", *RATE_ORDER)),
    Column("rate", "Units per USD", "rate", order_by="rate", numeric=True),
    Column("effective_from", "Effective from", "effective_from", order_by=RATE_ORDER),
    Column("entered", "Entered", "created_at", order_by=("created_at", "id")),
)


def _rates_page(
    request: HttpRequest, *, form: RateForm | None = None, upload: RateImportForm | None = None
) -> HttpResponse | StreamingHttpResponse:
    table = Table(
        request,
        ExchangeRate.objects.all(),
        RATE_COLUMNS,
        default_sort="currency",
        name="exchange-rates",
        caption="Exchange rates (the latest entered for a date is the one in effect)",
        xlsx=True,
    )
    form, upload = form or RateForm(), upload or RateImportForm()
    status = max(form_status(form), form_status(upload))
    return table_response(request, RATES, {"table": table, "form": form, "upload": upload}, status=status)


@_page("GET")
def rates(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every rate ever entered (never edited: a correction is a new entry), a rate to add and a file to import."""
    _finance(request)
    return _rates_page(request)


@_page("POST")
def rate_add(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = _finance(request)
    form = RateForm(request.POST)
    row = None
    if form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            row = exchange_rate_set(
                actor=user, currency=data["currency"], rate=data["rate"], effective_from=data["effective_from"]
            )
    if row is not None:
        messages.success(request, f"Entered {row.rate} {row.currency} per USD from {row.effective_from}.")
        return redirect("portal:finance-rates")
    return _rates_page(request, form=form)


@_page("POST")
def rates_import(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The exchange-rates import (offerdesk/imports): all or nothing, each bad row named by line."""
    user = _finance(request)
    upload = RateImportForm(request.POST, request.FILES)
    result = None
    if upload.is_valid():
        sent = upload.cleaned_data["file"]
        suffix = Path(sent.name).suffix.lower()
        with refusals_on(upload):
            if suffix not in IMPORT_SUFFIXES:
                raise parsing.refuse("file", f"a .csv or .xlsx file, not {parsing.shown(sent.name)}")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"exchange-rates{suffix}"
                with path.open("wb") as out:
                    for chunk in sent.chunks():
                        out.write(chunk)
                result = import_file(actor=user, kind="exchange-rates", path=path)
    if result is not None:
        counts = result.counts
        messages.success(
            request, f"Imported {sent.name}: {counts.get('created', 0)} new, {counts.get('unchanged', 0)} unchanged."
        )
        return redirect("portal:finance-rates")
    return _rates_page(request, upload=upload)


# ------------------------------------------------------------------------------------------ payment runs

RUN_COLUMNS = (
    Column(
        "run", "Run", lambda r: f"#{r.pk}", order_by="pk", link=lambda r: reverse("portal:finance-run", args=[r.pk])
    ),
    Column("up_to", "Payable up to", "up_to", order_by="up_to"),
    Column("status", "Status", lambda r: r.get_status_display(), order_by="status"),
    Column("items", "Items", "item_count", order_by="item_count", numeric=True),
    Column("paid", "Paid", "paid_count", order_by="paid_count", numeric=True),
    Column("failed", "Failed", "failed_count", order_by="failed_count", numeric=True),
    Column("usd", "USD", "usd_total", order_by="usd_total", numeric=True, display=lambda r: money(r.usd_total)),
    Column("held", "Held back", lambda r: len(r.held), numeric=True),
    Column("created", "Created", "created_at", order_by="created_at"),
    Column("by", "By", "created_by.username", order_by="created_by__username"),
)


def _runs_page(request: HttpRequest, user: User, form: RunCreateForm) -> HttpResponse | StreamingHttpResponse:
    table = Table(request, payment_run_list(user=user), RUN_COLUMNS, default_sort="-run", name="payment-runs")
    return table_response(request, RUNS, {"table": table, "form": form}, status=form_status(form))


@_page("GET")
def runs(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Payment runs, newest first, and a new one up to a date."""
    return _runs_page(request, _finance(request), RunCreateForm())


@_page("POST")
def run_create(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = _finance(request)
    form = RunCreateForm(request.POST)
    run = None
    if form.is_valid():
        with refusals_on(form):
            run = payment_run_create(actor=user, up_to=form.cleaned_data["up_to"])
    if run is not None:
        messages.success(request, f"Payment run #{run.pk} created up to {run.up_to}.")
        return redirect("portal:finance-run", pk=run.pk)
    return _runs_page(request, user, form)


def _run_page(
    request: HttpRequest, user: User, run: PaymentRun, *, refused: forms.Form | None = None
) -> TemplateResponse:
    """A run with its items (partner, voucher, USD, currency, rate, local amount, status), what was held back,
    and for each paid item what is reversed of it so far: three queries."""
    items = list(payment_run_items(run=run))
    paid = [i.payment_id for i in items if i.status == ItemStatus.PAID]
    reversed_ = dict(
        PaymentReversal.objects.filter(payment_id__in=paid)
        .values("payment_id")
        .annotate(total=Sum("amount"))
        .values_list("payment_id", "total")
    )
    for item in items:
        item.reversed_usd = reversed_.get(item.payment_id)  # type: ignore[attr-defined]
        # 83.4 or 100, never 83.400000 nor 1E+2
        item.rate_text = format(item.rate.normalize(), "f")  # type: ignore[attr-defined]
    context = {
        "run": run,
        "items": items,
        "sent": run.status == RunStatus.SENT,
        "refused": refused,
        "failed_form": ItemFailedForm(),
        "reverse_form": ReverseForm(),
    }
    return TemplateResponse(request, RUN, context, status=form_status(refused) if refused is not None else 200)


@_page("GET")
def run(request: HttpRequest, pk: int) -> HttpResponse:
    user = _finance(request)
    return _run_page(request, user, payment_run_get_for(user=user, key=pk))


@_page("GET")
def run_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The run's file for the payment system (CSV or XLSX), audited."""
    user = _finance(request)
    if file_format not in RUN_FORMATS:
        raise NotFound(f"no {file_format} export")
    exported = payment_run_export(actor=user, run=payment_run_get_for(user=user, key=pk), file_format=file_format)
    return file_download(exported.content, name=exported.name, content_type=exported.content_type)


@_page("POST")
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = _finance(request)
    found = payment_run_mark_sent(actor=user, run=payment_run_get_for(user=user, key=pk))
    messages.success(request, f"Payment run #{found.pk} marked sent to the payment system.")
    return redirect("portal:finance-run", pk=found.pk)


@_page("POST")
def run_item_paid(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _finance(request)
    found = payment_run_get_for(user=user, key=pk)
    done = payment_run_item_mark_paid(actor=user, item=payment_run_item_get(run=found, key=item))
    messages.success(request, f"Payment {done.payment_id} marked paid.")
    return redirect("portal:finance-run", pk=found.pk)


def _item_action(
    request: HttpRequest,
    pk: int,
    item: int,
    form_class: type[forms.Form],
    act: Callable[[User, PaymentRunItem, dict[str, Any]], Any],
    said: Callable[[Any], str],
) -> HttpResponse:
    """One of a run's items, a form posted about it and the service it feeds: done, back to the run with what was
    done said; refused, the run page again with the refusal."""
    user = _finance(request)
    found = payment_run_get_for(user=user, key=pk)
    target = payment_run_item_get(run=found, key=item)
    form = form_class(request.POST)
    done = None
    if form.is_valid():
        with refusals_on(form):
            done = act(user, target, form.cleaned_data)
    if done is None:
        return _run_page(request, user, found, refused=form)
    messages.success(request, said(done))
    return redirect("portal:finance-run", pk=found.pk)


@_page("POST")
def run_item_failed(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The payment system could not pay the item, and why: its payment goes to the next run."""
    return _item_action(
        request,
        pk,
        item,
        ItemFailedForm,
        lambda user, target, data: payment_run_item_mark_failed(actor=user, item=target, reason=data["reason"]),
        lambda done: f"Payment {done.payment_id} marked failed: it goes to the next run.",
    )


@_page("POST")
def run_item_reverse(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Reverse (part of) a paid item's payment, with a reason: a new entry; the paid one never changes."""
    return _item_action(
        request,
        pk,
        item,
        ReverseForm,
        lambda user, target, data: payment_reverse(
            actor=user,
            payment=payment_list(user=user).get(pk=target.payment_id),
            amount=data["amount"],
            reason=data["reason"],
        ),
        lambda done: f"Reversed {money(done.amount)} of payment {done.payment_id}.",
    )


# ------------------------------------------------------------------------------------------ statements


def _statement_links(prefix: str) -> Callable[[Any], str]:
    return lambda s: reverse(f"portal:{prefix}-statement", args=[s.pk])


def _statement_columns(prefix: str) -> tuple[Column, ...]:
    return (
        Column("month", "Month", lambda s: f"{s.month:%B %Y}", order_by="month", link=_statement_links(prefix)),
        Column("partner", "Partner", "partner.name", order_by="partner__name"),
        Column("currency", "Currency", "partner.payout_currency"),
        Column("closing", "Closing (USD)", lambda s: s.figures.get("closing_usd"), numeric=True),
        Column("published", "Published", "published_at", order_by="published_at"),
        Column("to", "E-mailed to", "emailed_to"),
    )


FINANCE_STATEMENT_COLUMNS = _statement_columns("finance")
PARTNER_STATEMENT_COLUMNS = _statement_columns("partner")


def _statements_page(request: HttpRequest, user: User, prefix: str, base: str) -> HttpResponse | StreamingHttpResponse:
    columns = FINANCE_STATEMENT_COLUMNS if prefix == "finance" else PARTNER_STATEMENT_COLUMNS
    table = Table(request, statement_list(user=user), columns, default_sort="-month", name="statements")
    return table_response(request, STATEMENTS, {"table": table, "base": base, "prefix": prefix})


def _statement_page(request: HttpRequest, statement: MonthStatement, key: int, prefix: str, base: str) -> HttpResponse:
    totals = [
        ("Scheduled in the month", statement.scheduled),
        ("Paid in the month", statement.paid),
        ("Reversed in the month", statement.reversed),
        ("Closing balance", statement.closing),
    ]
    context = {"statement": statement, "totals": totals, "key": key, "prefix": prefix, "base": base}
    return TemplateResponse(request, STATEMENT, context)


def _statement_file(statement: MonthStatement, file_format: str) -> HttpResponse:
    if file_format not in STATEMENT_FORMATS:
        raise NotFound(f"no {file_format} statement")
    if file_format == "pdf":
        return file_download(
            statement_pdf(statement), name=statement_filename(statement, "pdf"), content_type="application/pdf"
        )
    return file_download(
        statement_csv(statement), name=statement_filename(statement, "csv"), content_type="text/csv; charset=utf-8"
    )


@_page("GET")
def statements(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every published statement, partner × month."""
    return _statements_page(request, _finance(request), "finance", "portal/base.html")


@_page("GET")
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _finance(request)
    return _statement_page(request, statement_get_for(user=user, key=pk), pk, "finance", "portal/base.html")


@_page("GET")
def statement_file(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    return _statement_file(statement_get_for(user=_finance(request), key=pk), file_format)


PARTNER_BASE = "portal/partner/base.html"


@_page("GET")
def partner_statements(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The partner's own statements, as published to its primary contact (CSO-STM-01)."""
    return _statements_page(request, partner_user(request), "partner", PARTNER_BASE)


@_page("GET")
def partner_statement(request: HttpRequest, pk: int) -> HttpResponse:
    user = partner_user(request)
    return _statement_page(request, statement_get_for(user=user, key=pk), pk, "partner", PARTNER_BASE)


@_page("GET")
def partner_statement_file(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    return _statement_file(statement_get_for(user=partner_user(request), key=pk), file_format)
