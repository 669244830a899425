"""Issue 5's "today …" claims that no app's own tests drive end to end: each through the real services, on
SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

import offerdesk
from offerdesk.core.errors import InvalidInput, RuleViolation
from offerdesk.customers.models import WorkloadUsage
from offerdesk.jobs.models import DailyRun
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.reviews.models import Decision
from offerdesk.reviews.selectors import review_queue
from offerdesk.reviews.services import review_reject, review_request_info
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.services import deal_record, voucher_cancel
from tests.factories import (
    Cast,
    audit_events,
    cso_customer,
    cso_nominate,
    customer,
    moment,
    mws_voucher,
    on,
    snapshot,
    submit,
)


def test_a_nul_byte_in_a_rejection_reason_is_refused_audited_and_writes_nothing(cast: Cast, dep: Voucher) -> None:
    # Given Fabrikam's SOW awaiting a decision
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="60000")
    before = snapshot()
    # When rita rejects it with a reason holding a NUL byte (today: the audit insert failed, a 500, no trace)
    with on("2023-10-11"), pytest.raises(InvalidInput, match="reason: may not hold NUL") as refused:
        review_reject(actor=cast.reviewer, request=sow, reason="Wrong\x00template")
    # Then it is a clear OD-IN-01 refusal, nothing is written, and the refusal is in the trail as it was typed
    assert refused.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    sow.refresh_from_db()
    assert sow.status == RequestStatus.RECEIVED and not Decision.objects.exists()
    [event] = audit_events("review.reject", "refused")
    assert (event.actor, event.data["rules"]) == (cast.reviewer, ["OD-IN-01"])
    assert event.data["input"]["reason"] == "Wrong\\x00template"
    # And the same reviewer's clean rejection still goes through
    with on("2023-10-11"):
        review_reject(actor=cast.reviewer, request=sow, reason="Wrong template")
    assert Decision.objects.get().reason == "Wrong template"


@pytest.mark.parametrize("value", ["10000000000000", Decimal(10**13), "$10,000,000,000,000.00"])
def test_a_sow_value_too_big_for_its_column_leaves_the_queue_readable(
    cast: Cast, dep: Voucher, value: str | Decimal
) -> None:
    # Given a SOW with the largest value the column holds, awaiting review (it reads back to the cent)
    other = mws_voucher(cast, customer=customer(cast.operator, tpid="T-601", name="Litware"))
    largest = submit(
        actor=cast.nico, voucher=other, partner=cast.northwind, kind="SOW", when="2023-10-10", value="999999999999.99"
    )
    before = snapshot()
    # When a fourteen-digit SOW value is submitted (today: stored on SQLite, then every queue read crashed)
    with pytest.raises(InvalidInput, match="value: has at most 12 digits before the point") as refused:
        submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value=value)
    # Then it is refused by rule, nothing is written, and the review queue reads, value and all
    assert refused.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    assert audit_events("redemption.submit", "refused")
    assert [(r.pk, r.value) for r in review_queue(user=cast.reviewer)] == [(largest.pk, Decimal("999999999999.99"))]


def test_the_daily_run_refuses_tomorrow_in_the_program_time_zone_though_it_is_today_in_utc(dep: Voucher) -> None:
    # Given it is 19:00 on 2024-04-04 in the program time zone, already 2024-04-05 in UTC; DEP expires on 2024-04-05
    assert moment("2024-04-04", "19:00").astimezone(dt.UTC).date() == dt.date(2024, 4, 5)
    before = snapshot()
    with on("2024-04-04", "19:00"):
        # When the run is asked for the UTC day (and for 2099, today's irreversible mass expiry)
        for day in ("2024-04-05", "2099-01-01"):
            with pytest.raises(CommandError, match=rf"on: a day up to today \(2024-04-04 .*\), not {day} \(OD-IN-01\)"):
                call_command("daily", "--date", day, stdout=io.StringIO())
    # Then nothing ran, the voucher is still open, and both attempts are audited
    assert snapshot() == before and not DailyRun.objects.exists()
    dep.refresh_from_db()
    assert dep.status == VoucherStatus.OPEN
    assert [e.data["input"]["on"] for e in audit_events("daily.run", "refused")] == ["2024-04-05", "2099-01-01"]


def test_every_row_lock_is_taken_in_its_apps_lock_objects() -> None:
    # One lock order is only kept if locks are taken in one place per app (issue 5, "one shape")
    package = Path(offerdesk.__path__[0])
    elsewhere = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and path.name != "lock_objects.py" and "select_for_update" in path.read_text()
    )
    assert elsewhere == []


@pytest.mark.parametrize(("active", "nominated"), [(119_999, True), (120_000, False)])
def test_a_share_of_active_users_is_judged_exactly_under_cso_elig_04(cast: Cast, active: int, nominated: bool) -> None:
    # Given Contoso's 200,000 seats: `active` users on Exchange and SharePoint, more on Teams and Apps
    share = Decimal(active) / Decimal(200_000)
    usage: dict[str, str | Decimal] = {"Exchange Online": share, "SharePoint Online": share, "Teams": "70%"}
    contoso = cso_customer(cast.operator, usage={**usage, "Microsoft 365 Apps": "80%"})
    assert WorkloadUsage.objects.get(customer=contoso, workload="Exchange Online").mau == share
    # When Microsoft nominates it: 59.9995 % is below 60 % (two low workloads), 60.000 % is not (today both were 60 %)
    if nominated:
        assert cso_nominate(cast, customer=contoso, partner=cast.fabrikam).pk is not None
    else:
        with pytest.raises(RuleViolation) as refused:
            cso_nominate(cast, customer=contoso, partner=cast.fabrikam)
        assert refused.value.rules == ("CSO-ELIG-04",)


def a_deal(cast: Cast, sow: Any, **raw: Any) -> Any:
    """A seller records a $1 deal for the voucher's customer, with the raw arguments given."""
    return deal_record(
        actor=cast.seller, customer=sow.voucher.customer, value="1", close_date=dt.date(2023, 10, 1), **raw
    )


@pytest.mark.parametrize(
    ("action", "call", "message"),
    [
        ("review.reject", lambda cast, sow: review_reject(actor=cast.reviewer, request=sow, reason=" "), "reason: "),
        (
            "review.request_info",
            lambda cast, sow: review_request_info(actor=cast.reviewer, request=sow, question=""),
            "question: ",
        ),
        (
            "voucher.cancel",
            lambda cast, sow: voucher_cancel(actor=cast.operator, voucher=sow.voucher, reason=""),
            "reason: ",
        ),
        (
            "redemption.submit",
            lambda cast, sow: submit(
                actor=cast.pat, voucher=sow.voucher, partner=cast.fabrikam, kind="XYZ", when="2023-10-11"
            ),
            "kind: a request is a SOW or a POE",
        ),
        ("deal.record", lambda cast, sow: a_deal(cast, sow, workloads=[""]), "workloads: a deal names at least one"),
        (
            "deal.record",
            lambda cast, sow: a_deal(cast, sow, workloads=["Microsoft 365 E3"], policy_questions=["why not"]),
            "policy questions: unknown policy question(s)",
        ),
    ],
    ids=["reject", "question", "cancel", "kind", "no workload", "policy question"],
)
def test_an_empty_or_unknown_input_is_refused_by_its_field_and_od_in_01(
    cast: Cast, dep: Voucher, action: str, call: Any, message: str
) -> None:
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="60000")
    before = snapshot()
    with on("2023-10-11"), pytest.raises(InvalidInput) as refused:
        call(cast, sow)
    assert refused.value.message.startswith(message) and refused.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    [event] = audit_events(action, "refused")
    assert event.data["rules"] == ["OD-IN-01"]
