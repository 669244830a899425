"""The portal's front door: each role goes on to its own home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from offerdesk.portal.navigation import home_url_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to its role's home (partner: vouchers, customer: its vouchers, staff: staff home)."""
    return redirect(home_url_for(request.user))
