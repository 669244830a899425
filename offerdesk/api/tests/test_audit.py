"""/audit through HTTP: operators and auditors search the whole trail by who, what, object, outcome and days, read
an event and export the trail as CSV (the export recorded); anyone else reads only their own steps and exports
nothing; a bad filter is refused by its field; a page costs the same queries with one event and with fifty."""

from __future__ import annotations

import pytest

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audit_record
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, audit_events

from .client import Api, problem_of
from .money import queries

pytestmark = pytest.mark.django_db


def test_an_auditor_searches_reads_and_exports_the_trail(cast: Cast, cso: Voucher) -> None:
    aude = Api(cast.auditor)
    found = aude.get("/audit/events", {"action": "voucher.", "object_id": str(cso.pk)}).json()["items"]
    assert found and {e["action"].split(".")[0] for e in found} == {"voucher"}
    assert all(e["object_id"] == str(cso.pk) for e in found)
    one = aude.get(f"/audit/events/{found[0]['id']}").json()
    assert one["actor_label"] == found[0]["actor_label"] and isinstance(one["data"], dict)
    export = aude.get("/audit/events/export", {"action": "voucher."})
    assert export.status_code == 200 and export["Content-Type"] == "text/csv; charset=utf-8"
    assert export["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0] == "id,occurred_at,actor,action,outcome,object_type,object_id,source,data"
    assert len(lines) == 1 + AuditEvent.objects.filter(action__startswith="voucher.").count()
    [recorded] = audit_events("audit.export")
    assert (recorded.source, recorded.data["filters"], recorded.data["events"]) == (
        "api",
        {"action": "voucher."},
        len(lines) - 1,
    )


def test_anyone_else_reads_only_their_own_steps_and_exports_nothing(cast: Cast, cso: Voucher) -> None:
    pat = Api(cast.pat)
    mine = pat.get("/audit/events").json()["items"]
    assert mine and {e["actor"] for e in mine} <= {cast.pat.pk, cast.paula.pk}
    operators = AuditEvent.objects.filter(actor=cast.operator).first()
    assert operators is not None and problem_of(pat.get(f"/audit/events/{operators.pk}"))["status"] == 404
    refused = problem_of(pat.get("/audit/events/export"))
    assert refused["status"] == 403 and not audit_events("audit.export", "done")


def test_a_bad_filter_is_refused_by_its_field(cast: Cast) -> None:
    aude = Api(cast.auditor)
    assert problem_of(aude.get("/audit/events", {"since": "2024-13-01"}))["errors"][0]["field"] == "from"
    late = problem_of(aude.get("/audit/events", {"since": "2024-03-02", "until": "2024-03-01"}))
    assert late["errors"][0]["field"] == "to"
    assert problem_of(aude.get("/audit/events", {"outcome": "maybe"}))["errors"][0]["field"] == "outcome"
    assert not audit_events("audit.export")


def test_a_page_costs_the_same_queries_with_one_event_and_with_fifty(cast: Cast) -> None:
    aude = Api(cast.auditor)
    audit_record(actor=cast.operator, action="test.step")
    one = queries(aude, "/audit/events", {"action": "test.step", "limit": 50})
    for _ in range(49):
        audit_record(actor=cast.operator, action="test.step")
    assert len(aude.get("/audit/events", {"action": "test.step", "limit": 50}).json()["items"]) == 50
    assert queries(aude, "/audit/events", {"action": "test.step", "limit": 50}) == one == 2
