"""Reading the outbox, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_get, access_notice_scope, access_scoped
from offerdesk.accounts.models import User

from .models import OutboxMessage


def notice_list(*, user: User) -> QuerySet[OutboxMessage]:
    """The notices the user may see (staff: all; anyone else: those to or copied to them), oldest first."""
    return access_scoped(OutboxMessage.objects.all(), access_notice_scope(user))


def notice_get_for(*, user: User, key: int) -> OutboxMessage:
    """One notice, if the user may see it."""
    return access_get(notice_list(user=user), what="notice", pk=key)
