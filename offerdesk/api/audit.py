"""The audit trail: the events the caller may read (operators and auditors the whole trail; anyone else their own
steps, and a tenant's users their tenant's, ADR 10), narrowed by who, what, on which object, with what outcome and
on which program days; one event; and the trail as CSV, in the columns `offerdesk export-audit` writes (the export
is itself on the trail, and only those who read the whole trail may take one: ADR 28)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.selectors import EXPORT_FIELDS, OUTCOMES, audit_event_get_for, audit_event_row, audit_event_search
from offerdesk.audit.services import audit_trail_exported
from offerdesk.core.cli import json_line
from offerdesk.core.exports import csv_lines

from .auth import caller
from .downloads import file_responses, streamed
from .lists import ListParams, Page, page_of

router = Router(tags=["audit"])
CSV = "text/csv; charset=utf-8"


class EventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: int | None = Field(description="The user's ID (none: the system itself).")
    actor_label: str = Field(description="The actor's name as it was then.")
    action: str
    outcome: str = Field(description=f"One of {', '.join(OUTCOMES)}.")
    object_type: str
    object_id: str
    source: str
    data: Any = Field(description="What the step recorded (a refusal's rules among it).")

    @staticmethod
    def of(event: AuditEvent) -> EventOut:
        return EventOut(
            id=event.pk,
            occurred_at=event.occurred_at,
            actor=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            outcome=event.outcome,
            object_type=event.object_type,
            object_id=event.object_id,
            source=event.source,
            data=event.data,
        )


class EventSearch(Schema):
    """The trail's filters, each optional; a bad one is refused by its field (OD-IN-01)."""

    actor: str = Field("", description="Part of the actor's name as recorded then.")
    action: str = Field("", description="Exactly, or a family ending with a dot: parameter.")
    object_type: str = Field("", description="catalogue.parameteroverride, vouchers.voucher…")
    object_id: str = Field("", description="The object's ID.")
    outcome: str = Field("", description=f"One of {', '.join(OUTCOMES)}.")
    since: str = Field("", description="From this program day on (YYYY-MM-DD).")
    until: str = Field("", description="Up to this program day, included (YYYY-MM-DD).")

    def asked(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in EventSearch.model_fields}


class EventFilters(ListParams, EventSearch):
    pass


ORDERINGS = {"newest": "-occurred_at", "oldest": "occurred_at"}


@router.get("/events", response=Page[EventOut], operation_id="audit_event_list", summary="Search the audit trail")
def audit_event_list_op(request: HttpRequest, filters: Query[EventFilters]) -> Page[EventOut]:
    qs = audit_event_search(user=caller(request), **filters.asked())
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="newest")
    return Page[EventOut](items=[EventOut.of(e) for e in rows], next=after)


def _file_row(event: AuditEvent) -> list[Any]:
    row = audit_event_row(event)
    return [json_line(row[f]) if f == "data" else row[f] for f in EXPORT_FIELDS]


@router.get(
    "/events/export",
    operation_id="audit_event_export",
    summary="The audit trail as the filters narrow it, as CSV, newest first (the export is recorded)",
    openapi_extra=file_responses("Every event the filters find, one a row.", {"csv": CSV}),
)
def audit_event_export_op(request: HttpRequest, filters: Query[EventSearch]) -> StreamingHttpResponse:
    user = caller(request)
    asked = filters.asked()
    events = audit_event_search(user=user, **asked).order_by("-occurred_at", "-id")
    audit_trail_exported(actor=user, filters=asked, events=events.count(), source="api")
    rows = (_file_row(event) for event in events.iterator(chunk_size=2000))
    return streamed(csv_lines(EXPORT_FIELDS, rows), name="audit-trail.csv", content_type=CSV)


@router.get("/events/{event_id}", response=EventOut, operation_id="audit_event_get", summary="One audit event")
def audit_event_get_op(request: HttpRequest, event_id: int) -> EventOut:
    return EventOut.of(audit_event_get_for(user=caller(request), key=event_id))
