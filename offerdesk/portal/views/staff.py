"""Microsoft staff's home page: where each back-office task starts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.models import Role
from offerdesk.portal.errors import portal_view, signed_in_user

STAFF_HOME_ROLES = frozenset({Role.SELLER, Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR, Role.FPM})


@login_required
@portal_view
def home(request: HttpRequest) -> HttpResponse:
    """The staff home: the user's role and the back-office pages it may open."""
    access_require_role(signed_in_user(request), STAFF_HOME_ROLES, action="open the staff home")
    return TemplateResponse(request, "portal/staff/home.html", {})
