"""Row locks on the outbox and the webhook deliveries: taken only through these helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from .choices import OutboxStatus
from .models import Delivered, OutboxMessage, WebhookDelivery


def outbox_due(*, by: dt.datetime) -> Q:
    """Due by then: pending and past its backoff, or held by a worker whose lease ran out (it died)."""
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=by) | Q(status=OutboxStatus.SENDING, lease_until__lte=by)


def outbox_due_claimable(*, by: dt.datetime, size: int, model: type[Delivered] = OutboxMessage) -> QuerySet[Any, Any]:
    """The ids of up to `size` due messages (or webhook deliveries), oldest first, for a claim's conditional
    UPDATE. On PostgreSQL the rows another worker is claiming right now are skipped rather than waited for (SKIP
    LOCKED); SQLite has one writer at a time, and the UPDATE's own condition keeps two claims apart on both."""
    due = model._default_manager.filter(outbox_due(by=by)).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return due.values("pk")[:size]


def outbox_messages_lock(*, ids: list[int]) -> list[OutboxMessage]:
    """Lock the messages an operator puts back in the queue, in primary-key order."""
    return list(OutboxMessage.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def outbox_dead_lock() -> list[OutboxMessage]:
    """Lock every dead letter, in primary-key order."""
    return list(OutboxMessage.objects.select_for_update().filter(status=OutboxStatus.DEAD).order_by("pk"))


def webhook_delivery_lock(*, pk: int) -> WebhookDelivery | None:
    """Lock one webhook delivery an operator or its subscriber replays."""
    return WebhookDelivery.objects.select_for_update().filter(pk=pk).first()
