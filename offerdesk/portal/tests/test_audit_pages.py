"""The auditor's pages: the audit trail filtered, sorted, paged and exported as CSV, and each event in full;
read-only, for operators and auditors only, at a pinned cost."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.audit.selectors import EXPORT_FIELDS
from offerdesk.audit.services import audit_record
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import InvalidInput, PermissionDenied
from tests.factories import Cast, audit_events, cso_customer, customer_user, on

from .test_partner_query_counts import EVERY_PAGE

TRAIL = "portal:staff-audit"
TABLE = 2  # the table's count and its rows


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(answer: Any) -> list[list[str]]:
    assert isinstance(answer, StreamingHttpResponse)
    return list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))  # type: ignore[arg-type]


@pytest.fixture
def trail(cast: Cast) -> dict[str, AuditEvent]:
    """Three days of the trail: omar sets a parameter (done), mira tries to (denied), omar sends a bad value
    (refused), and an import row whose source would start a formula in a spreadsheet."""
    with on("2024-01-08"):
        override = parameter_set(actor=cast.operator, key="cso.intent_days", value="20", reason="slow partners")
    with on("2024-01-09"), pytest.raises(PermissionDenied):
        parameter_set(actor=cast.seller, key="cso.intent_days", value="10")
    with on("2024-01-10"), pytest.raises(InvalidInput):
        parameter_set(actor=cast.operator, key="cso.intent_days", value="-3")
    with on("2024-01-10", "15:00"):
        audit_record(actor=None, action="import.row", source='=HYPERLINK("http://x")', data={"row": 7})
    return {
        "set": AuditEvent.objects.get(action="parameter.set", outcome="done", object_id=str(override.pk)),
        "denied": audit_events("parameter.set", "denied")[0],
        "refused": audit_events("parameter.set", "refused")[0],
        "import": audit_events("import.row")[0],
    }


def listed_ids(page: str) -> list[int]:
    """The event numbers the page's table lists, in order."""
    import re

    return [int(n) for n in re.findall(r'<th scope="row" class="num"><a href="/staff/audit/(\d+)/">', page)]


def test_the_auditor_reads_the_whole_trail_newest_first(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    # Given the trail of three days
    # When the auditor opens it
    answer = signed_in(cast.auditor).get(reverse(TRAIL))
    # Then every event is listed, the newest first
    assert answer.status_code == 200
    ids = listed_ids(answer.text)
    mine = [trail[k].pk for k in ("import", "refused", "denied", "set")]
    assert [i for i in ids if i in mine] == mine
    assert ids == sorted(ids, reverse=True)


def test_the_trail_sorts_by_a_column_asked_for(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    answer = signed_in(cast.auditor).get(reverse(TRAIL), {"sort": "when", "action": "parameter."})
    assert listed_ids(answer.text) == [trail["set"].pk, trail["denied"].pk, trail["refused"].pk]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "mira"}, ["denied"]),
        ({"action": "parameter.set", "outcome": "refused"}, ["refused"]),
        ({"action": "parameter."}, ["refused", "denied", "set"]),
        ({"action": "parameter"}, []),  # exactly, unless it ends with a dot
        ({"object_type": "catalogue.ParameterOverride"}, ["set"]),
        ({"outcome": "done", "since": "2024-01-10", "until": "2024-01-10"}, ["import"]),
        ({"since": "2024-01-09", "until": "2024-01-09"}, ["denied"]),
    ],
)
def test_the_trail_is_filtered_by_actor_action_object_outcome_and_days(
    cast: Cast, trail: dict[str, AuditEvent], filters: dict[str, str], expected: list[str]
) -> None:
    answer = signed_in(cast.auditor).get(reverse(TRAIL), filters)
    assert answer.status_code == 200
    assert listed_ids(answer.text) == [trail[k].pk for k in expected]


def test_the_trail_is_paged_fifty_events_at_a_time_keeping_the_filters(cast: Cast) -> None:
    # Given 51 steps of one action
    _events(cast, 51)
    client = signed_in(cast.auditor)
    # When the auditor reads the first and the second page of that action
    first = client.get(reverse(TRAIL), {"action": "test.step"}).text
    second = client.get(reverse(TRAIL), {"action": "test.step", "page": "2"}).text
    # Then the first holds the 50 newest, the second the oldest, and the pages link to each other with the filter
    steps = list(AuditEvent.objects.filter(action="test.step").order_by("-pk").values_list("pk", flat=True))
    assert listed_ids(first) == steps[:50]
    assert listed_ids(second) == steps[50:]
    assert 'href="?action=test.step&amp;page=2" rel="next"' in first


def test_an_object_is_found_by_its_type_and_id(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    wanted = trail["set"]
    answer = signed_in(cast.operator).get(
        reverse(TRAIL), {"object_type": wanted.object_type, "object_id": wanted.object_id}
    )
    assert listed_ids(answer.text) == [wanted.pk]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "2024-13-01"}, "from: no such date: '2024-13-01' (OD-IN-01)"),
        ({"until": "8 Jan 2024"}, "to: a date is written YYYY-MM-DD, not '8 Jan 2024' (OD-IN-01)"),
        ({"since": "2024-01-10", "until": "2024-01-08"}, "to: must be on or after from (2024-01-10), not 2024-01-08"),
        ({"outcome": "maybe"}, "outcome: must be one of"),
    ],
)
def test_a_bad_filter_is_refused_by_its_field_and_nothing_is_listed_or_written(
    cast: Cast, trail: dict[str, AuditEvent], filters: dict[str, str], message: str
) -> None:
    # Given the trail and how many events it holds
    client = signed_in(cast.auditor)
    before = AuditEvent.objects.count()
    # When the auditor asks for the trail with a bad value, and for its export
    answer = client.get(reverse(TRAIL), filters)
    exported = client.get(reverse(TRAIL), {**filters, "export": "csv"})
    # Then the form says what is wrong by its field, nothing is listed, nothing is exported or recorded
    assert answer.status_code == 400
    assert message.replace("'", "&#x27;") in answer.text
    assert listed_ids(answer.text) == []
    assert exported.status_code == 400 and not isinstance(exported, StreamingHttpResponse)
    assert AuditEvent.objects.count() == before


def test_the_filtered_trail_exports_as_csv_its_cells_safe_and_the_export_recorded(
    cast: Cast, trail: dict[str, AuditEvent]
) -> None:
    # Given the trail
    # When the auditor exports the events of 10 January
    with on("2024-01-11"):
        answer = signed_in(cast.auditor).get(
            reverse(TRAIL), {"since": "2024-01-10", "until": "2024-01-10", "export": "csv"}
        )
    # Then the file holds those events, newest first, in the columns `export-audit` writes
    assert answer["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    rows = csv_rows(answer)
    assert rows[0] == list(EXPORT_FIELDS)
    assert [int(r[0]) for r in rows[1:]] == [trail["import"].pk, trail["refused"].pk]
    imported = dict(zip(EXPORT_FIELDS, rows[1], strict=True))
    assert imported["source"] == '\'=HYPERLINK("http://x")'  # a formula's start is defused
    assert imported["data"] == '{"row": 7}'
    assert imported["occurred_at"] == "2024-01-10T23:00:00Z"  # 15:00 in the program's zone (UTC-8), in UTC
    refused = dict(zip(EXPORT_FIELDS, rows[2], strict=True))
    assert (refused["actor"], refused["action"], refused["outcome"]) == ("omar", "parameter.set", "refused")
    # And the export itself is on the trail: who, which filters, how many events
    (export,) = audit_events("audit.export")
    assert export.actor == cast.auditor and export.source == "portal"
    assert export.data == {"filters": {"since": "2024-01-10", "until": "2024-01-10"}, "format": "csv", "events": 2}


def test_an_event_shows_who_when_what_its_outcome_data_and_rules(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    # Given a refused attempt on the trail
    refused = trail["refused"]
    # When the auditor opens it
    answer = signed_in(cast.auditor).get(reverse("portal:staff-audit-event", args=[refused.pk]))
    # Then its facts, its data as keys and values, and the rule it cites are shown
    assert answer.status_code == 200
    page = answer.text
    for expected in ("omar", "parameter.set", "refused", "<code>OD-IN-01</code>", "Jan 10, 2024"):
        assert expected in page
    assert '<th scope="row">message</th>' in page and "must not be negative" in page
    assert '<th scope="row">input</th>' in page and "cso.intent_days" in page


def test_an_event_without_data_or_rules_says_so(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    with on("2024-01-12"):
        bare = audit_record(actor=cast.operator, action="catalogue.sync")
    page = signed_in(cast.operator).get(reverse("portal:staff-audit-event", args=[bare.pk])).text
    assert "The event holds no data." in page and "none cited" in page


def test_an_event_that_does_not_exist_is_not_found(cast: Cast) -> None:
    assert signed_in(cast.auditor).get(reverse("portal:staff-audit-event", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["pat", "fran", "seller", "reviewer", "finance", "customer"])
def test_who_does_not_read_the_whole_trail_may_not_open_it(
    cast: Cast, trail: dict[str, AuditEvent], persona: str
) -> None:
    user = customer_user(cso_customer(cast.operator), "carla") if persona == "customer" else getattr(cast, persona)
    client = signed_in(user)
    assert client.get(reverse(TRAIL)).status_code == 403
    assert client.get(reverse(TRAIL), {"export": "csv"}).status_code == 403
    assert client.get(reverse("portal:staff-audit-event", args=[trail["set"].pk])).status_code == 403
    assert not audit_events("audit.export")


def test_the_pages_take_no_posts(cast: Cast, trail: dict[str, AuditEvent]) -> None:
    client = signed_in(cast.auditor)
    assert client.post(reverse(TRAIL), {}).status_code == 405
    assert client.post(reverse("portal:staff-audit-event", args=[trail["set"].pk]), {}).status_code == 405
    assert ParameterOverride.objects.count() == 1


def test_the_navigation_offers_the_trail_to_operators_and_auditors(cast: Cast) -> None:
    link = f'href="{reverse(TRAIL)}"'
    for user, offered in ((cast.auditor, True), (cast.operator, True), (cast.seller, False), (cast.pat, False)):
        assert (link in signed_in(user).get(reverse("portal:account")).text) is offered, user.username


def _events(cast: Cast, rows: int) -> None:
    with on("2024-01-08"):
        for n in range(rows):
            audit_record(actor=cast.operator, action="test.step", data={"n": n})


@pytest.mark.parametrize("rows", [1, 50])
def test_the_trail_costs_the_same_queries_with_1_or_50_events(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    _events(cast, rows)
    client = signed_in(cast.auditor)
    with django_assert_num_queries(EVERY_PAGE + TABLE):
        assert client.get(reverse(TRAIL), {"action": "test.step"}).status_code == 200


def test_an_event_costs_its_pinned_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    _events(cast, 1)
    event = AuditEvent.objects.get(action="test.step")
    client = signed_in(cast.auditor)
    with django_assert_num_queries(EVERY_PAGE + 1):  # the event (scoped) with its actor
        assert client.get(reverse("portal:staff-audit-event", args=[event.pk])).status_code == 200
