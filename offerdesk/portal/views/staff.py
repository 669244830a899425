"""Microsoft staff's home page: where each back-office task starts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.models import Role
from offerdesk.core import dates, parsing
from offerdesk.documents.services import VERIFY_ROLES, document_verify
from offerdesk.portal.dashboards import dashboards_for
from offerdesk.portal.errors import form_status, portal_view, refusals_on, render_form, signed_in_user
from offerdesk.portal.forms.staff import DashboardForm, VerifyForm

STAFF_HOME_ROLES = frozenset({Role.SELLER, Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR, Role.FPM})


@login_required
@portal_view
def home(request: HttpRequest) -> HttpResponse:
    """The staff home: the dashboards of what the user may see (charts drawn here as SVG, each with its
    figures in a table), and the back-office pages it may open."""
    user = signed_in_user(request)
    access_require_role(user, STAFF_HOME_ROLES, action="open the staff home")
    form = DashboardForm(request.GET)
    on = dates.today()
    if form.is_valid() and form.cleaned_data["on"]:
        with refusals_on(form):
            on = parsing.parse_date(form.cleaned_data["on"], field="on")
    context: dict[str, Any] = {
        "verify_roles": VERIFY_ROLES,
        "form": form,
        "on": on,
        "dashboards": dashboards_for(user, on=on),
    }
    return TemplateResponse(request, "portal/staff/home.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@login_required
@portal_view
def verify(request: HttpRequest) -> HttpResponse:
    """Whether a file is an intact OfferDesk document, for which voucher and template, signed by whom: what
    `offerdesk document verify FILE` says, for a reviewer with the file in hand. Nothing is stored."""
    access_require_role(signed_in_user(request), VERIFY_ROLES, action="verify documents")
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        result = document_verify(data=upload.read())
        context = {"form": VerifyForm(), "result": result, "filename": upload.name}
        return TemplateResponse(request, "portal/staff/verify.html", context)
    return render_form(request, "portal/staff/verify.html", {"form": form, "result": result})
