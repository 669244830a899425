"""Row locks of the apikeys app: taken only through these helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ApiToken, IdempotencyKey

if TYPE_CHECKING:
    from offerdesk.accounts.models import User


def api_token_lock(*, user: User, token_id: int) -> ApiToken | None:
    """Lock one of the user's own tokens (None: no such token of theirs)."""
    return ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()


def idempotency_key_lock(*, user: User, key: str) -> IdempotencyKey:
    """Lock the user's claimed key (it exists: the claim's insert just met it)."""
    return IdempotencyKey.objects.select_for_update().get(user=user, key=key)
