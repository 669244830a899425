"""Reading API tokens: a user sees only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from offerdesk.core.errors import NotFound

from .models import ApiToken

if TYPE_CHECKING:
    from offerdesk.accounts.models import User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too: the list says which)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for(*, user: User, key: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is not found."""
    token = api_token_list(user=user).filter(pk=key).first()
    if token is None:
        raise NotFound(f"no API token {key}")
    return token
