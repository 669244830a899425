"""Reading notices, within the reader's scope (their own), and the outbox as a whole, for operators' tools."""

from __future__ import annotations

from django.db.models import Q, QuerySet

import offerdesk.core.lookups  # noqa: F401  (registers `__has_element` for the address filter)
from offerdesk.accounts.access import access_get, access_notice_scope, access_scoped
from offerdesk.accounts.models import User

from .choices import OutboxStatus
from .models import Notice, OutboxMessage


def notice_list(*, user: User) -> QuerySet[Notice]:
    """The user's notices, newest first, each with its message."""
    return access_scoped(Notice.objects.select_related("message"), access_notice_scope(user)).order_by("-id")


def notice_get_for(*, user: User, key: int | str) -> Notice:
    """One of the user's notices."""
    return access_get(notice_list(user=user), what="notice", pk=key)


def notice_unread_count(*, user: User) -> int:
    """How many of the user's notices are unread."""
    return Notice.objects.filter(access_notice_scope(user), read_at__isnull=True).count()


def outbox_list_unscoped(*, status: OutboxStatus | None = None, address: str | None = None) -> QuerySet[OutboxMessage]:
    """Every outbox message (no reader's scope: the operators' command and the admin), oldest first; only those
    in a status, or addressed or copied to an address (whole address, any case)."""
    messages = OutboxMessage.objects.order_by("id")
    if status is not None:
        messages = messages.filter(status=status)
    if address:
        messages = messages.filter(Q(to__has_element=address) | Q(cc__has_element=address))
    return messages
