"""The auditor's pages: the audit trail, filtered, sorted, paged and exported as CSV, and each event in full.

Read-only: no page here changes anything (the export is itself recorded on the trail, as `export-audit` records
its own). Operators and auditors read the whole trail (access.AUDIT_ROLES); anyone else is refused (403, ADR 28)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from offerdesk.accounts.access import AUDIT_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.audit.selectors import EXPORT_FIELDS, audit_event_get_for, audit_event_row, audit_event_search
from offerdesk.audit.services import audit_trail_exported
from offerdesk.core.cli import json_line
from offerdesk.core.exports import csv_lines
from offerdesk.portal.errors import form_status, portal_view, refusals_on, signed_in_user
from offerdesk.portal.forms.audit import AuditFilterForm
from offerdesk.portal.tables import Column, Table

TRAIL, EVENT = "portal/audit/trail.html", "portal/audit/event.html"


def _auditor(request: HttpRequest) -> User:
    user = signed_in_user(request)
    access_require_role(user, AUDIT_ROLES, action="read the audit trail")
    return user


def _read_only(view: Any) -> Any:
    """A page of this area: GET only (nothing here writes), signed in, the domain's refusals mapped (errors.py)."""
    return require_GET(login_required(portal_view(view)))


def _object(event: AuditEvent) -> str:
    return f"{event.object_type} {event.object_id}".strip()


COLUMNS = (
    Column(
        "id",
        "Event",
        "pk",
        order_by="id",
        numeric=True,
        link=lambda e: reverse("portal:staff-audit-event", args=[e.pk]),
    ),
    Column("when", "When", "occurred_at", order_by="occurred_at"),
    Column("actor", "Actor", "actor_label", order_by="actor_label"),
    Column("action", "Action", "action", order_by="action"),
    Column("object", "Object", _object, order_by=("object_type", "object_id")),
    Column("outcome", "Outcome", "outcome", order_by="outcome"),
    Column("source", "Source", "source"),
)


@_read_only
def trail(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The trail as the filters ask, newest first unless sorted otherwise; `?export=csv`: every event it lists,
    in the columns `offerdesk export-audit` writes (the data as JSON), the export recorded on the trail."""
    user = _auditor(request)
    form = AuditFilterForm(request.GET)
    form.is_valid()
    asked = {kw: request.GET.get(name, "") for name, kw in AuditFilterForm.SEARCH.items()}
    found: QuerySet[AuditEvent] | None = None
    with refusals_on(form):
        found = audit_event_search(user=user, **asked)
    events = found if found is not None else AuditEvent.objects.none()
    table = Table(request, events, COLUMNS, default_sort="-when", name="audit-trail", caption="Audit trail")
    if request.GET.get("export") == "csv" and found is not None:
        return _export(user, table, asked)
    return TemplateResponse(request, TRAIL, {"table": table, "form": form}, status=form_status(form))


def _export(user: User, table: Table, asked: dict[str, Any]) -> StreamingHttpResponse:
    """Every event the table holds, in its order, streamed; each cell safe to open (core.exports)."""
    audit_trail_exported(actor=user, filters=asked, events=table.queryset.count())
    rows = (_file_row(event) for event in table.queryset.iterator(chunk_size=2000))
    response = StreamingHttpResponse(csv_lines(EXPORT_FIELDS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _file_row(event: AuditEvent) -> list[Any]:
    row = audit_event_row(event)
    return [json_line(row[f]) if f == "data" else row[f] for f in EXPORT_FIELDS]


def _shown(value: Any) -> str:
    """A value of an event's data as a reader reads it: text as itself, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, indent=1 if isinstance(value, dict | list) else None)


def rules_of(data: Any) -> list[str]:
    """The rule IDs an event cites (a refusal's `rules`, or a `rule` of its own)."""
    if not isinstance(data, dict):
        return []
    cited = data.get("rules") or ([data["rule"]] if data.get("rule") else [])
    return [str(r) for r in cited] if isinstance(cited, list) else [str(cited)]


@_read_only
def event(request: HttpRequest, pk: int) -> HttpResponse:
    """One event: who, when, what, on which object, its outcome, its data as a table of keys and values."""
    found = audit_event_get_for(user=_auditor(request), key=pk)
    data = found.data if isinstance(found.data, dict) else {"value": found.data}
    context = {
        "event": found,
        "data": [(key, _shown(value)) for key, value in data.items()],
        "rules": rules_of(found.data),
    }
    return TemplateResponse(request, EVENT, context)
