"""Reading notices, within the reader's scope (their own), the outbox as a whole, for operators' tools, and
webhook subscriptions with their deliveries, within the reader's scope (ADR 33)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

import offerdesk.core.lookups  # noqa: F401  (registers `__has_element` for the address filter)
from offerdesk.accounts.access import access_get, access_notice_scope, access_scoped, access_webhook_scope
from offerdesk.accounts.models import User

from .choices import OutboxStatus
from .models import Notice, OutboxMessage, WebhookAttempt, WebhookDelivery, WebhookSubscription


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


def webhook_subscription_list(*, user: User) -> QuerySet[WebhookSubscription]:
    """The webhook subscriptions the user manages: its partner's, or the program-wide ones (an operator's)."""
    return access_scoped(WebhookSubscription.objects.all(), access_webhook_scope(user)).order_by("id")


def webhook_subscription_get_for(*, user: User, key: int | str) -> WebhookSubscription:
    """One webhook subscription the user manages."""
    return access_get(webhook_subscription_list(user=user), what="webhook subscription", pk=key)


def webhook_delivery_list(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """A subscription's delivery log (the caller got the subscription through its scope): each delivery with its
    attempts, in one query more per page."""
    attempts = Prefetch("attempts_made", queryset=WebhookAttempt.objects.order_by("id"))
    return subscription.deliveries.select_related("subscription").prefetch_related(attempts).order_by("-id")


def webhook_delivery_of(*, subscription: WebhookSubscription, key: int | str) -> WebhookDelivery:
    """One delivery of a subscription the caller got through its scope."""
    return access_get(webhook_delivery_list(subscription=subscription), what="webhook delivery", pk=key)


def webhook_deliveries_unscoped(*, status: OutboxStatus | None = None) -> QuerySet[WebhookDelivery]:
    """Every webhook delivery (the operators' command), oldest first; only those in a status."""
    deliveries = WebhookDelivery.objects.select_related("subscription").order_by("id")
    return deliveries if status is None else deliveries.filter(status=status)
