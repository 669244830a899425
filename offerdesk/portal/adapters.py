"""allauth's hooks: no self sign-up, and every failed or throttled sign-in is audited (ADR 20)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import signin


class AccountAdapter(DefaultAccountAdapter):
    """OfferDesk's allauth adapter: operators create the users; sign-in failures leave an audit row."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            signin.signin_failed(request=request, login=_login_of(credentials), reason="throttled")
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        signin.signin_failed(request=request, login=_login_of(credentials), reason="wrong credentials")


def _login_of(credentials: dict[str, Any]) -> str:
    """What the person typed to name the account (username or e-mail), never the password."""
    return str(credentials.get("username") or credentials.get("email") or "")
