"""No refusal escapes the audit: whatever the input holds, the refusal row is written and the refusal raised.

PostgreSQL refuses NUL in text and jsonb, no driver encodes a lone surrogate, and a huge value would bloat
the trail; each is stored as a safe, readable stand-in, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import MAX_ITEMS, MAX_TEXT, audit_record, audited_refusals, safe_data
from offerdesk.core.errors import InvalidInput
from offerdesk.payouts.models import ExchangeRate
from offerdesk.payouts.services import exchange_rate_set
from tests.factories import Cast, audit_events, on

NUL = "rea\x00son"
SURROGATE = "bad \ud800 text"
HUGE = "x" * 1_000_000


@audited_refusals("test.refuse")
@transaction.atomic
def refuse(*, actor: Any, reason: str, **extra: Any) -> None:
    """A stand-in service that writes, then refuses with the caller's reason."""
    audit_record(actor=actor, action="test.refuse", data={"reason": reason})
    raise InvalidInput(reason, rules=["X-01"])


@audited_refusals("test.crash")
@transaction.atomic
def crash(*, actor: Any, password: str, reason: str) -> None:
    """A stand-in service with a bug."""
    raise KeyError(reason)


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("reason", "stored"),
    [
        (NUL, "rea\\x00son"),
        (SURROGATE, "bad \\ud800 text"),
        (HUGE, "x" * 1973 + "… [998027 more characters]"),
    ],
    ids=["NUL", "lone surrogate", "huge"],
)
def test_a_refusal_with_any_reason_is_audited_and_raised(cast: Cast, reason: str, stored: str) -> None:
    # When a service refuses with a reason holding what a database cannot store as it is
    with pytest.raises(InvalidInput) as refused:
        refuse(actor=cast.operator, reason=reason)
    # Then the caller gets the refusal itself, not a database error, and the refusal row is written
    assert refused.value.message == reason
    [event] = audit_events("test.refuse")
    assert (event.outcome, event.actor) == ("refused", cast.operator)
    assert event.data == {"rules": ["X-01"], "message": stored, "input": {"reason": stored}}
    assert len(stored) <= MAX_TEXT


def test_a_refusal_inside_an_outer_transaction_with_a_nul_is_audited_there(cast: Cast) -> None:
    with transaction.atomic():
        with pytest.raises(InvalidInput):
            refuse(actor=cast.operator, reason=NUL)
        assert len(audit_events("test.refuse", "refused")) == 1
    assert len(audit_events("test.refuse", "refused")) == 1


def test_a_real_service_refusing_input_with_a_nul_leaves_its_trace(cast: Cast) -> None:
    # Today's 500: a NUL in an exchange rate's currency failed the refusal's own audit insert on PostgreSQL
    with on("2024-02-01"), pytest.raises(InvalidInput, match="not an ISO 4217 currency code"):
        exchange_rate_set(actor=cast.finance, currency="IN\x00R", rate="83", effective_from=dt.date(2024, 3, 1))
    [event] = audit_events("exchange_rate.set", "refused")
    assert event.data["input"]["currency"] == "IN\\x00R"
    assert not ExchangeRate.objects.exists()


def test_an_unexpected_exception_is_audited_as_an_error_before_it_propagates(cast: Cast) -> None:
    with pytest.raises(KeyError):
        crash(actor=cast.operator, password="hunter2", reason=NUL)
    [event] = audit_events("test.crash")
    assert (event.outcome, event.actor) == ("error", cast.operator)
    # The type and the message, never a traceback, and never the value of a secret
    assert event.data == {
        "error": "KeyError",
        "message": "'rea\\x00son'",
        "input": {"password": "[redacted]", "reason": "rea\\x00son"},
    }
    assert "hunter2" not in str(event.data)


def test_an_actor_that_is_not_a_saved_user_is_named_not_linked(db: None) -> None:
    with pytest.raises(InvalidInput):
        refuse(actor=AnonymousUser(), reason="no")
    with pytest.raises(InvalidInput):
        refuse(actor="some\x00one", reason="no")
    assert [(e.actor, e.actor_label) for e in audit_events("test.refuse")] == [
        (None, "AnonymousUser"),
        (None, "some\\x00one"),
    ]


def test_any_input_is_stored_on_both_databases(cast: Cast) -> None:
    # Given an event whose every text field and data holds NUL, surrogates, huge and odd values
    event = audit_record(
        actor=cast.operator,
        action="x\x00" * 100,
        source=SURROGATE * 50,
        outcome="d\x00ne",
        data={
            NUL: [NUL, SURROGATE, HUGE[:5000]],
            "nan": float("nan"),
            "big": 10**400,
            "decimal": Decimal("NaN"),
            "when": dt.date(2024, 3, 1),
            "many": list(range(MAX_ITEMS + 5)),
            "deep": [[[[[[["bottom"]]]]]]],
            "odd": Unprintable(),
        },
    )
    # Then it is written and reads back as safe text
    event = AuditEvent.objects.get(pk=event.pk)
    assert len(event.action) <= 80 and "\x00" not in event.action
    assert len(event.source) <= 120 and event.outcome == "d\\x00ne"
    assert event.data["rea\\x00son"][:2] == ["rea\\x00son", "bad \\ud800 text"]
    assert event.data["rea\\x00son"][2] == "x" * 1976 + "… [3024 more characters]"
    assert (event.data["nan"], event.data["decimal"], event.data["when"]) == ("nan", "NaN", "2024-03-01")
    assert event.data["big"] == str(10**400)  # as text: past 2**53 a JSON number loses digits
    assert event.data["many"][-1] == "… 5 more entries" and len(event.data["many"]) == MAX_ITEMS + 1
    assert event.data["deep"] == [[[[["[['bottom']]"]]]]]
    assert event.data["odd"] == "<Unprintable>"


def test_safe_data_leaves_plain_values_alone() -> None:
    plain = {"amount": "1.50", "rules": ["X-01"], "users": 2000, "share": 0.5, "ok": True, "none": None}
    assert safe_data(plain) == plain
