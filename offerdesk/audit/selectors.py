"""Reading the audit trail, within the reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from offerdesk.accounts.access import access_audit_event_scope, access_get, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import dates, parsing

from .models import AuditEvent

# What an event's outcome may be: the step was done, refused by a rule or bad input, denied to its actor, or it
# crashed (an error, a bug rather than a "no").
OUTCOMES = ("done", "refused", "denied", "error")


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """The audit events the user may see, oldest first."""
    return access_scoped(AuditEvent.objects.select_related("actor"), access_audit_event_scope(user))


def audit_event_get_for(*, user: User, key: int) -> AuditEvent:
    """One audit event, if the user may see it."""
    return access_get(audit_event_list(user=user), what="audit event", pk=key)


def audit_event_search(
    *,
    user: User,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The events the user may see, narrowed (each filter optional; a bad value refused by field, OD-IN-01): the
    actor's name as recorded then (part of it), the action (exactly, or a family: `parameter.`), the object's
    type and id, the outcome, and the program days `since` to `until` (both included)."""
    events = audit_event_list(user=user)
    actor = parsing.parse_text(actor, field="actor", max_length=150, required=False)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    action = parsing.parse_text(action, field="action", max_length=80, required=False)
    if action:
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    object_type = parsing.parse_text(object_type, field="object type", max_length=80, required=False)
    if object_type:
        events = events.filter(object_type=object_type.lower())
    object_id = parsing.parse_text(object_id, field="object id", max_length=64, required=False)
    if object_id:
        events = events.filter(object_id=object_id)
    if outcome:
        events = events.filter(outcome=parsing.parse_choice(outcome, field="outcome", choices=OUTCOMES))
    first = parsing.parse_optional_date(since, field="from")
    last = parsing.parse_optional_date(until, field="to")
    if first and last and last < first:
        raise parsing.refuse("to", f"must be on or after from ({first}), not {last}")
    return _within_days(events, first, last)


def _within_days(events: QuerySet[AuditEvent], since: dt.date | None, until: dt.date | None) -> QuerySet[AuditEvent]:
    if since is not None:
        events = events.filter(occurred_at__gte=dates.local_moment(since, "00:00"))
    if until is not None:
        events = events.filter(occurred_at__lt=dates.local_moment(until + dt.timedelta(days=1), "00:00"))
    return events


EXPORT_FIELDS = ("id", "occurred_at", "actor", "action", "outcome", "object_type", "object_id", "source", "data")


def audit_event_export(*, since: dt.date | None, until: dt.date | None) -> QuerySet[AuditEvent]:
    """The whole trail from `since` to `until` (program days, both included) for an operator's export: the command
    line is the operator's own machine, so no tenant scope applies. Oldest first; iterate it in chunks."""
    return _within_days(AuditEvent.objects.order_by("occurred_at", "id"), since, until)


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
