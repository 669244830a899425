"""The signed-in user's account: who they are, links to change the password and the second factor, and their
personal API tokens (ADR 29): listed, made (the secret shown once, on the page that made it) and revoked."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from offerdesk.accounts.access import mfa_required_for
from offerdesk.apikeys.selectors import api_token_get_for, api_token_list
from offerdesk.apikeys.services import TOKEN_START, NewToken, api_token_create, api_token_revoke
from offerdesk.core import dates
from offerdesk.portal.errors import portal_view, refusals_on, render_form, signed_in_user
from offerdesk.portal.forms.account import ApiTokenForm

TOKENS, TOKEN = "portal/account/api_tokens.html", "portal/account/api_token.html"


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The account page: name, role, organisation; password and two-factor settings; API tokens."""
    return TemplateResponse(
        request,
        "portal/account/overview.html",
        {"mfa_enabled": is_mfa_enabled(request.user), "mfa_required": mfa_required_for(request.user)},
    )


def _tokens_page(request: HttpRequest, form: ApiTokenForm, new: NewToken | None = None) -> TemplateResponse:
    user = signed_in_user(request)
    context = {
        "tokens": list(api_token_list(user=user)),
        "form": form,
        "new": new,
        "now": dates.now(),
        "token_start": TOKEN_START,
    }
    return render_form(request, TOKENS, context)


@require_GET
@login_required
@portal_view
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens, newest first (revoked and expired ones too), and the form to make one."""
    return _tokens_page(request, ApiTokenForm())


@require_POST
@login_required
@portal_view
def api_token_make(request: HttpRequest) -> HttpResponse:
    """Make a token and show its secret on this answer only: it is not kept (only its digest is), so the page is
    not cached and a reload cannot show it again. A refusal: the form again, by field."""
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            data = form.cleaned_data
            new = api_token_create(actor=user, name=data["name"], scope=data["scope"], days=data["days"])
            response = _tokens_page(request, ApiTokenForm(), new)
            add_never_cache_headers(response)
            return response
    return _tokens_page(request, form)


@require_GET
@login_required
@portal_view
def api_token(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the user's tokens, and the confirmation its revoking asks for; anyone else's is not found."""
    token = api_token_get_for(user=signed_in_user(request), key=pk)
    return TemplateResponse(request, TOKEN, {"token": token, "now": dates.now(), "token_start": TOKEN_START})


@require_POST
@login_required
@portal_view
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's tokens (confirmed on its page): it stops working at once; anyone else's is not
    found. Revoking a revoked token changes nothing."""
    token = api_token_revoke(actor=signed_in_user(request), token_id=pk)
    messages.success(request, f"The token “{token.name}” ({token.prefix}…) is revoked: it no longer works.")
    return redirect("portal:account-api-tokens")
