"""`offerdesk export-audit`: the trail as CSV or JSON lines between two program days, read back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audit_record
from tests.factories import Cast, on


@pytest.fixture
def trail(cast: Cast) -> list[AuditEvent]:
    """Three events: late on April 1st, early on the 2nd and on the 3rd, program time (Los Angeles)."""
    events: list[AuditEvent] = []
    for day, time, action in (
        ("2024-04-01", "23:59", "a.one"),
        ("2024-04-02", "00:00", "a.two"),
        ("2024-04-03", "12:00", "a.three"),
    ):
        with on(day, time):
            events.append(audit_record(actor=cast.operator, action=action, data={"n": len(events), "note": 'é, "q"'}))
    return events


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_csv_between_two_days_has_a_header_and_the_events_of_those_days(trail: list[AuditEvent]) -> None:
    rows = list(csv.DictReader(io.StringIO(export("--from", "2024-04-02", "--to", "2024-04-03"))))
    assert [r["action"] for r in rows] == ["a.two", "a.three"]
    assert rows[0] == {
        "id": str(trail[1].pk),
        "occurred_at": "2024-04-02T07:00:00Z",
        "actor": trail[1].actor_label,
        "action": "a.two",
        "outcome": "done",
        "object_type": "",
        "object_id": "",
        "source": "",
        "data": '{"n": 1, "note": "é, \\"q\\""}',
    }
    assert json.loads(rows[0]["data"]) == {"n": 1, "note": 'é, "q"'}


@pytest.mark.django_db
def test_json_lines_one_event_a_line_and_the_export_is_itself_on_the_trail(
    trail: list[AuditEvent], tmp_path: Path
) -> None:
    target = tmp_path / "trail.jsonl"
    with on("2024-04-04"):
        call_command("export_audit", "--to", "2024-04-01", "--format", "jsonl", "-o", str(target), stdout=io.StringIO())
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert "a.one" in [line["action"] for line in lines]
    assert not {"a.two", "a.three"} & {line["action"] for line in lines}
    assert lines == sorted(lines, key=lambda line: (line["occurred_at"], line["id"]))
    recorded = AuditEvent.objects.get(action="audit.export")
    assert recorded.data == {"from": None, "to": "2024-04-01", "format": "jsonl", "events": len(lines)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2024-04-31"), "--from: "),
        (("--to", "yesterday"), "--to: a date is written YYYY-MM-DD, not 'yesterday' (OD-IN-01)"),
        (
            ("--from", "2024-04-03", "--to", "2024-04-02"),
            "--to: on or after --from (2024-04-03), not 2024-04-02 (OD-IN-01)",
        ),
    ],
)
def test_bad_dates_are_refused_by_field_and_nothing_is_exported(
    trail: list[AuditEvent], args: tuple[str, ...], message: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        export(*args)
    assert str(refused.value).startswith(message) and str(refused.value).endswith("(OD-IN-01)")
    assert AuditEvent.objects.filter(action="audit.export").count() == 0
    assert AuditEvent.objects.count() == before
