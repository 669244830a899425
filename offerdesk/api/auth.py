"""Who calls the API (ADR 29): a personal token (`Authorization: Bearer odk_…`), or the portal's own session with
its CSRF token. Either way the call acts as the user, with the user's role and tenant scope; a read-only token
reads only. Throttling counts per token (per signed-in user for the session)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import SimpleRateThrottle

from offerdesk.accounts.access import mfa_required_for
from offerdesk.accounts.models import User
from offerdesk.apikeys.choices import TokenScope
from offerdesk.apikeys.models import ApiToken
from offerdesk.apikeys.services import api_token_authenticate
from offerdesk.core.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TOKEN = "_offerdesk_api_token"


def bearer_secret(request: HttpRequest) -> str | None:
    """The token an `Authorization: Bearer …` header carries, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def request_token(request: HttpRequest) -> ApiToken | None:
    """The live token of this request (looked up once per request, also for the idempotency middleware)."""
    if not hasattr(request, _TOKEN):
        secret = bearer_secret(request)
        setattr(request, _TOKEN, api_token_authenticate(secret) if secret else None)
    token: ApiToken | None = getattr(request, _TOKEN)
    return token


def request_caller(request: HttpRequest) -> User | None:
    """The user a request acts as: its token's, else its session's (None: neither)."""
    token = request_token(request)
    if token is not None:
        return token.user
    if bearer_secret(request) is not None:
        return None  # a bad token is not made good by a session cookie
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class TokenAuth(HttpBearer):
    """A personal API token; a read-only one may not write (403)."""

    openapi_description = "A personal API token, made in the portal under Your account → API tokens."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = request_token(request)
        if found is None:
            return None
        if found.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise PermissionDenied("this API token reads only: make a read-and-write token to change anything")
        return found.user


class PortalSession(SessionAuth):
    """The portal's own session (its calls send the CSRF token); a role that signs in with a second factor
    uses the API only once it has one, as it uses the portal."""

    openapi_description = "The portal's session cookie, with the CSRF token in X-CSRFToken for writes."

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None  # no session: nothing to check the CSRF token for (the answer is 401, not 403)
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        if bearer_secret(request) is not None:
            return None  # a bad token is not made good by a session cookie
        user = super().authenticate(request, key)
        if user is not None and mfa_required_for(user) and not is_mfa_enabled(user):
            raise PermissionDenied("your role signs in with a second factor: set one up in the portal first")
        return user


API_AUTH: list[HttpBearer | APIKeyCookie] = [TokenAuth(), PortalSession()]


def caller(request: HttpRequest) -> User:
    """The user an authenticated operation acts as (ninja ran the authentication first)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class TokenRateThrottle(SimpleRateThrottle):
    """OFFERDESK_API_RATE_LIMIT requests per token and period (per user for the session; per address unsigned)."""

    scope = "offerdesk-api"

    def __init__(self) -> None:
        super().__init__(settings.OFFERDESK_API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.OFFERDESK_API_RATE_LIMIT  # read each time: a deployment's (or a test's) setting
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = request_token(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif isinstance(getattr(request, "auth", None), User):
            ident = f"user-{request.auth.pk}"  # type: ignore[attr-defined]
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
