"""Reading the audit trail, within the reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from offerdesk.accounts.access import access_audit_event_scope, access_get, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import dates

from .models import AuditEvent


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """The audit events the user may see, oldest first."""
    return access_scoped(AuditEvent.objects.select_related("actor"), access_audit_event_scope(user))


def audit_event_get_for(*, user: User, key: int) -> AuditEvent:
    """One audit event, if the user may see it."""
    return access_get(audit_event_list(user=user), what="audit event", pk=key)


EXPORT_FIELDS = ("id", "occurred_at", "actor", "action", "outcome", "object_type", "object_id", "source", "data")


def audit_event_export(*, since: dt.date | None, until: dt.date | None) -> QuerySet[AuditEvent]:
    """The whole trail from `since` to `until` (program days, both included) for an operator's export: the command
    line is the operator's own machine, so no tenant scope applies. Oldest first; iterate it in chunks."""
    events = AuditEvent.objects.order_by("occurred_at", "id")
    if since is not None:
        events = events.filter(occurred_at__gte=dates.local_moment(since, "00:00"))
    if until is not None:
        events = events.filter(occurred_at__lt=dates.local_moment(until + dt.timedelta(days=1), "00:00"))
    return events


def audit_event_row(event: AuditEvent) -> dict[str, Any]:
    """One event as an export row (EXPORT_FIELDS): the time in UTC, the actor by the name it had then."""
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "actor": event.actor_label,
        "action": event.action,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "source": event.source,
        "data": event.data,
    }
