"""Sessions that end after inactivity, and staff who must set up a second factor before anything else (ADR 20)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from offerdesk.accounts.access import mfa_required_for

SESSION_REFRESHED = "offerdesk_refreshed"  # when the session's expiry was last pushed back (epoch seconds)

# What a user without a second factor may still reach: enrolment itself, re-authentication and signing out.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
    }
)


class SessionIdleMiddleware:
    """A signed-in session ends `SESSION_COOKIE_AGE` seconds after its last request: each request pushes the
    expiry back, writing the session at most once a minute (Django's SESSION_SAVE_EVERY_REQUEST writes always)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(SESSION_REFRESHED)
            if not isinstance(last, int) or now - last >= settings.OFFERDESK_SESSION_REFRESH_SECONDS:
                session_refreshed(request)
        return response


def session_refreshed(request: HttpRequest) -> None:
    """Note the session as refreshed now: modified, so it is saved with a new expiry on the way out."""
    request.session[SESSION_REFRESHED] = int(timezone.now().timestamp())


class MfaRequiredMiddleware:
    """Send a user whose role requires a second factor, and who has none yet, to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        match = request.resolver_match
        if match is None or match.url_name in ENROLMENT_URL_NAMES or not mfa_required_for(request.user):
            return None
        if "api-v1" in match.namespaces:
            return None  # the API answers for itself: 403 in a problem document, not a redirect (api/auth.py)
        if is_mfa_enabled(request.user):
            return None
        messages.warning(request, "Your role signs in with a second factor: set up an authenticator app first.")
        return redirect("mfa_activate_totp")
