"""The audit trail of signing in: every success and every failure, with where it came from (ADR 20).

allauth does the signing in; this module only listens (its adapter and Django's and allauth's signals)
and writes one audit row per event through the audit app's service."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record

from .middleware import session_refreshed

SOURCE = "portal"


def _origin(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {
        "ip": request.META.get("REMOTE_ADDR", ""),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def _account(user: Any) -> User | None:
    return user if isinstance(user, User) and user.pk is not None else None


def signin_failed(*, request: HttpRequest | None, login: str, reason: str) -> None:
    """A refused sign-in (a wrong password, an unknown account, too many attempts): who was named, from where."""
    user = User.objects.filter(username=login).first() or User.objects.filter(email__iexact=login).first()
    audit_record(
        actor=user,
        action="signin",
        target=user,
        outcome="refused",
        data={"login": login, "reason": reason, **_origin(request)},
        source=SOURCE,
    )


@receiver(auth_signals.user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    account = _account(user)
    if request is not None and hasattr(request, "session"):
        session_refreshed(request)  # the session is written now anyway: the idle count starts here
    audit_record(actor=account, action="signin", target=account, data=_origin(request), source=SOURCE)


@receiver(auth_signals.user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    account = _account(user)
    if account is not None:
        audit_record(actor=account, action="signout", target=account, data=_origin(request), source=SOURCE)


@receiver(mfa_signals.authentication_failed)
def _second_factor_failed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    account = _account(user)
    audit_record(
        actor=account,
        action="signin",
        target=account,
        outcome="refused",
        data={"login": getattr(account, "username", ""), "reason": "wrong second-factor code", **_origin(request)},
        source=SOURCE,
    )


def _account_event(action: str) -> Any:
    def record(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
        account = _account(user)
        data = _origin(request)
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            data["type"] = str(getattr(authenticator, "type", ""))
        audit_record(actor=account, action=action, target=account, data=data, source=SOURCE)

    return record


# Kept as module attributes: signals hold their receivers weakly.
_password_changed = _account_event("password.change")
_password_reset = _account_event("password.reset")
_mfa_added = _account_event("mfa.add")
_mfa_removed = _account_event("mfa.remove")
_mfa_reset = _account_event("mfa.reset")
account_signals.password_changed.connect(_password_changed)
account_signals.password_reset.connect(_password_reset)
mfa_signals.authenticator_added.connect(_mfa_added)
mfa_signals.authenticator_removed.connect(_mfa_removed)
mfa_signals.authenticator_reset.connect(_mfa_reset)
