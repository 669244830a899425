"""The audit trail: append-only, and every refused or denied attempt leaves an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audit_record, audit_record_many, audited_refusals
from offerdesk.core.errors import InvalidInput, PermissionDenied
from offerdesk.core.models import AppendOnlyError
from tests.factories import Cast, audit_events, moment, on


@audited_refusals("test.thing")
@transaction.atomic
def thing(*, actor: Any, amount: int, fail_with: Exception | None = None) -> int:
    """A stand-in service: writes an audit event, then maybe fails."""
    audit_record(actor=actor, action="test.thing", data={"amount": amount})
    if fail_with is not None:
        raise fail_with
    return amount


# ============================================================================================ writing


def test_an_event_records_who_did_what_to_which_object_and_when(cast: Cast) -> None:
    with on("2024-03-01"):
        event = audit_record(
            actor=cast.operator,
            action="partner.touch",
            target=cast.fabrikam,
            data={"why": "test"},
            source="cli",
        )
    event.refresh_from_db()
    assert (event.actor_label, event.action, event.outcome) == ("omar", "partner.touch", "done")
    assert (event.object_type, event.object_id) == ("partners.partner", str(cast.fabrikam.pk))
    assert (event.occurred_at, event.source, event.data) == (moment("2024-03-01"), "cli", {"why": "test"})


def test_the_system_is_named_as_the_actor_of_jobs(db: None) -> None:
    with on("2024-03-01"):
        count = audit_record_many(
            actor=None, action="voucher.expire", targets=[("vouchers.voucher", 1), ("vouchers.voucher", 2)]
        )
    assert count == 2
    assert list(AuditEvent.objects.values_list("actor_label", "object_id")) == [
        ("system", "1"),
        ("system", "2"),
    ]


def test_dates_and_decimals_are_stored_as_text(cast: Cast) -> None:
    from decimal import Decimal

    event = audit_record(actor=cast.operator, action="x", data={"on": dt.date(2024, 3, 1), "amount": Decimal("1.50")})
    event.refresh_from_db()
    assert event.data == {"on": "2024-03-01", "amount": "1.50"}


# ====================================================================================== append-only


def test_an_event_is_never_changed_nor_deleted(cast: Cast) -> None:
    event = audit_record(actor=cast.operator, action="partner.touch")
    event.action = "something.else"
    with pytest.raises(AppendOnlyError, match="never changed"):
        event.save()
    with pytest.raises(AppendOnlyError, match="never deleted"):
        event.delete()
    event.refresh_from_db()
    assert event.action == "partner.touch"


def test_a_bulk_update_cannot_rewrite_the_trail(cast: Cast) -> None:
    audit_record(actor=cast.operator, action="partner.touch")
    with pytest.raises((AppendOnlyError, Exception)), transaction.atomic():
        AuditEvent.objects.update(action="rewritten")
    assert not AuditEvent.objects.filter(action="rewritten").exists()


def test_a_bulk_delete_cannot_erase_the_trail(cast: Cast) -> None:
    audit_record(actor=cast.operator, action="partner.touch")
    count = AuditEvent.objects.count()
    with pytest.raises((AppendOnlyError, Exception)), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == count


# ===================================================================================== refusals


def test_a_refused_call_rolls_back_its_work_and_leaves_a_refused_event(cast: Cast) -> None:
    # When a service refuses after it started writing
    with on("2024-03-01"), pytest.raises(InvalidInput):
        thing(actor=cast.operator, amount=5, fail_with=InvalidInput("five is too many", rules=["X-01"]))
    # Then its own event is rolled back, and one "refused" event says who tried what and why
    [event] = AuditEvent.objects.filter(action="test.thing")
    assert (event.action, event.outcome, event.actor) == ("test.thing", "refused", cast.operator)
    assert event.data == {
        "rules": ["X-01"],
        "message": "five is too many",
        "input": {"amount": "5", "fail_with": "five is too many"},
    }
    assert event.occurred_at == moment("2024-03-01")


def test_a_denied_call_leaves_a_denied_event(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        thing(actor=cast.pat, amount=1, fail_with=PermissionDenied("not yours", rules=["CSO-NOM-01"]))
    [event] = AuditEvent.objects.filter(action="test.thing")
    assert (event.outcome, event.actor, event.data["rules"]) == ("denied", cast.pat, ["CSO-NOM-01"])


def test_a_successful_call_leaves_only_its_own_event(cast: Cast) -> None:
    assert thing(actor=cast.operator, amount=3) == 3
    assert [(e.outcome, e.data) for e in audit_events("test.thing")] == [("done", {"amount": 3})]


def test_a_crash_is_audited_as_an_error_not_mistaken_for_a_refusal(cast: Cast) -> None:
    with pytest.raises(ZeroDivisionError):
        thing(actor=cast.operator, amount=1, fail_with=ZeroDivisionError("division by zero"))
    # A crash rolls back the service's own event and leaves one "error": it is a bug, not a "no"
    [event] = audit_events("test.thing")
    assert (event.outcome, event.actor) == ("error", cast.operator)
    assert event.data == {
        "error": "ZeroDivisionError",
        "message": "division by zero",
        "input": {"amount": "1", "fail_with": "division by zero"},
    }


def test_refusals_are_audited_even_inside_an_outer_transaction(cast: Cast) -> None:
    # Given a caller that wraps the service in its own transaction (a view, a batch import)
    with transaction.atomic():
        with pytest.raises(InvalidInput):
            thing(actor=cast.operator, amount=9, fail_with=InvalidInput("no"))
        # Then the refusal is recorded in the caller's transaction
        assert len(audit_events("test.thing", "refused")) == 1
    assert len(audit_events("test.thing", "refused")) == 1


def test_the_database_refuses_to_rewrite_the_trail_behind_the_orm(cast: Cast) -> None:
    # Given an audit row; When raw SQL tries to change it; Then the database refuses (a trigger)
    event = audit_record(actor=cast.operator, action="partner.touch")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["rewritten", event.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "partner.touch"
