"""The signed-in user's account: who they are, and links to change the password and the second factor."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from offerdesk.accounts.access import mfa_required_for


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The account page: name, role, organisation; password and two-factor settings."""
    return TemplateResponse(
        request,
        "portal/account/overview.html",
        {"mfa_enabled": is_mfa_enabled(request.user), "mfa_required": mfa_required_for(request.user)},
    )
