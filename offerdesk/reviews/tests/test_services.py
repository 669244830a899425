"""The reviewer's decisions and the SLA clock, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from offerdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied, RuleViolation
from offerdesk.jobs.services import daily_run
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.payouts.models import Payment
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.reviews.choices import Outcome
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import (
    review_approve,
    review_provide_info,
    review_reject,
    review_request_info,
    review_verify_seats,
)
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    audit_events,
    cso_customer,
    cso_poe,
    cso_voucher,
    moment,
    on,
    snapshot,
    submit,
)

# ========================================================================================== approving


def test_approving_a_cso_sow_pays_nothing_and_tells_the_partner(cast: Cast, cso: Voucher) -> None:
    # Given Fabrikam's SOW; When rita approves it
    sow = approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    # Then it is approved, no payment is scheduled (CSO-PAY-04), and Fabrikam hears with its FPM in copy
    assert (sow.status, sow.decided_at) == (RequestStatus.APPROVED, moment("2023-10-04"))
    assert not Payment.objects.exists()
    assert Decision.objects.get(request=sow, outcome=Outcome.APPROVED).decided_by == cast.reviewer
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.REQUEST_APPROVED)
    assert (message.to, message.cc) == (["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"])
    assert audit_events("review.approve", "done")[0].data["payment"] == "0.00"


def test_approving_a_cso_poe_pays_once_and_completes_the_voucher(cast: Cast, cso: Voucher) -> None:
    # AT-C17-like: POE of 1,200 users, Microsoft verifies 1,100; unused at issue 1,500
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=1200)
    with on("2024-01-11"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=1100)
    approve(cast, poe, when="2024-01-12")
    # Then one payment of $16,500.00 is due 45 days after the end of January (AT-C21)
    [payment] = Payment.objects.all()
    assert (payment.amount, payment.payable_on, payment.kind) == (
        Decimal("16500.00"),
        dt.date(2024, 3, 16),
        "single",
    )
    assert payment.basis["users"] == 1100
    cso.refresh_from_db()
    assert (cso.status, cso.committed_total) == (VoucherStatus.COMPLETED, Decimal("16500.00"))


def test_a_fy24_commercial_sow_pays_half_on_approval(cast: Cast, dep: Voucher) -> None:
    # AT-M01: V $75,000, S $60,000 → $30,000 now
    approved_sow(cast, voucher=dep, submitted="2023-10-10", approved="2023-10-12", value="60000")
    [payment] = Payment.objects.all()
    assert (payment.amount, payment.kind, payment.payable_on) == (
        Decimal("30000.00"),
        "initial",
        dt.date(2023, 12, 15),
    )
    message = OutboxMessage.objects.get(kind=NoticeKind.REQUEST_APPROVED)
    assert message.cc == []  # FY24 decisions copy no FPM
    assert "$30,000.00" in message.body_text


@pytest.mark.parametrize(("approved", "ok"), [("2024-02-28", True), ("2024-02-29", False)])
def test_a_cso_request_is_approved_by_the_expiry_date(cast: Cast, cso: Voucher, approved: str, ok: bool) -> None:
    # AT-C20: POE submitted Tue 2024-02-27 (on time), 500 verified users; the voucher expires 2024-02-28
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-02-27", users=500)
    with on("2024-02-27"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=500)
    with on("2024-02-28"):
        daily_run(on=dt.date(2024, 2, 28))  # the voucher expires on its expiry date
    before = snapshot()
    if ok:
        approve(cast, poe, when=approved)
        [payment] = Payment.objects.all()
        assert (payment.amount, payment.payable_on) == (Decimal("7500.00"), dt.date(2024, 4, 14))
        cso.refresh_from_db()
        assert cso.status == VoucherStatus.COMPLETED  # expired → completed: it was submitted in time
        return
    # When rita approves after the expiry date; Then it is refused under CSO-VAL-03, nothing is written
    with pytest.raises(RuleViolation) as raised:
        approve(cast, poe, when=approved)
    assert raised.value.rules == ("CSO-VAL-03",)
    assert snapshot() == before
    [event] = audit_events("review.approve", "refused")
    assert (event.actor, event.data["rules"]) == (cast.reviewer, ["CSO-VAL-03"])


def test_a_fy24_request_submitted_in_time_may_be_approved_after_expiry(cast: Cast, dep: Voucher) -> None:
    # AT-M05-like: the POE is submitted the day before expiry and approved a week after it
    approved_sow(cast, voucher=dep, submitted="2023-10-10", approved="2023-10-12", value="60000")
    poe = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="POE", when="2024-04-04")
    with on("2024-04-05"):
        daily_run(on=dt.date(2024, 4, 5))
    approve(cast, poe, when="2024-04-12")
    assert sorted(p.amount for p in Payment.objects.all()) == [Decimal("30000.00"), Decimal("30000.00")]


def test_a_poe_with_too_few_verified_users_cannot_be_approved(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    with on("2024-01-11"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=200)
    before = snapshot()
    with pytest.raises(RuleViolation) as raised:
        approve(cast, poe, when="2024-01-12")
    assert raised.value.rules == ("CSO-USR-01",)
    assert "200 verified users" in raised.value.message
    assert snapshot() == before


@pytest.mark.parametrize("who", ["pat", "seller", "operator", "finance"])
def test_only_a_reviewer_decides(cast: Cast, cso: Voucher, who: str) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    actor = getattr(cast, who)
    before = snapshot()
    with on("2023-10-03"):
        with pytest.raises(PermissionDenied, match="may not approve requests"):
            review_approve(actor=actor, request=sow)
        with pytest.raises(PermissionDenied, match="may not reject requests"):
            review_reject(actor=actor, request=sow, reason="no")
        with pytest.raises(PermissionDenied, match="may not ask for information"):
            review_request_info(actor=actor, request=sow, question="why?")
    assert snapshot() == before
    for action in ("review.approve", "review.reject", "review.request_info"):
        assert [e.actor for e in audit_events(action, "denied")] == [actor]


def test_a_request_is_decided_once(cast: Cast, cso: Voucher) -> None:
    sow = approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    before = snapshot()
    with on("2023-10-05"):
        with pytest.raises(InvalidInput, match="this one is approved"):
            review_approve(actor=cast.reviewer, request=sow)
        with pytest.raises(IllegalTransition, match="from approved to rejected"):
            review_reject(actor=cast.reviewer, request=sow, reason="changed my mind")
        with pytest.raises(IllegalTransition, match="from approved to needs_info"):
            review_request_info(actor=cast.reviewer, request=sow, question="more?")
    assert snapshot() == before
    assert len(audit_events("review.reject", "refused")) == 1


def test_a_rejection_needs_a_reason_and_tells_the_partner(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    with on("2023-10-03"):
        with pytest.raises(InvalidInput, match="needs a reason"):
            review_reject(actor=cast.reviewer, request=sow, reason="   ")
        review_reject(actor=cast.reviewer, request=sow, reason="use the 2023.08 template")
    sow.refresh_from_db()
    assert sow.status == RequestStatus.REJECTED
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.REQUEST_REJECTED)
    assert "use the 2023.08 template" in message.body_text
    assert message.cc == ["fpm-fabrikam@fasttrack.example"]


# ========================================================================================= SLA clock


def test_asking_for_information_pauses_the_clock_until_the_partner_answers(cast: Cast) -> None:
    # Given a CSO SOW submitted Monday 2024-03-04, due Wednesday 03-06
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-101", name="Woodgrove"), nominated="2024-02-01"
    )
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2024-03-04")
    assert sow.sla_due_on == dt.date(2024, 3, 6)
    # When rita asks for information on Tuesday 03-05
    with time_machine.travel(moment("2024-03-05"), tick=False), on("2024-03-05"):
        review_request_info(actor=cast.reviewer, request=sow, question="Which workloads?")
    sow.refresh_from_db()
    assert (sow.status, sow.sla_paused_on) == (RequestStatus.NEEDS_INFO, dt.date(2024, 3, 5))
    # Then it cannot be approved while it waits
    with pytest.raises(InvalidInput, match="this one is needs_info"):
        approve(cast, sow, when="2024-03-06")
    # When Fabrikam answers on Friday 03-08 (three business days paused: Wed, Thu, Fri)
    with on("2024-03-08"):
        review_provide_info(actor=cast.pat, request=sow, note="Exchange and Teams")
    # Then the due date moves three business days, to Monday 03-11, and the clock runs again
    sow.refresh_from_db()
    assert (sow.status, sow.sla_due_on, sow.sla_paused_on) == (
        RequestStatus.RECEIVED,
        dt.date(2024, 3, 11),
        None,
    )
    assert [d.outcome for d in sow.decisions.order_by("id")] == [
        Outcome.INFO_REQUESTED,
        Outcome.INFO_PROVIDED,
    ]
    assert audit_events("redemption.provide_info", "done")[0].data["sla_due_on"] == "2024-03-11"
    # And the partner was asked by e-mail, FPM in copy
    [asked] = OutboxMessage.objects.filter(kind=NoticeKind.INFO_REQUESTED)
    assert "Which workloads?" in asked.body_text and asked.cc == ["fpm-fabrikam@fasttrack.example"]


def test_an_answer_the_same_day_does_not_move_the_due_date(cast: Cast, dep: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-03-04")
    assert sow.sla_due_on == dt.date(2024, 3, 7)
    with on("2024-03-05"):
        review_request_info(actor=cast.reviewer, request=sow, question="SOW value?")
        review_provide_info(actor=cast.pat, request=sow, note="$60,000")
    sow.refresh_from_db()
    assert sow.sla_due_on == dt.date(2024, 3, 7)


def test_a_pause_over_a_weekend_and_a_holiday_counts_only_business_days(cast: Cast) -> None:
    # Given a CSO SOW submitted Tuesday 2024-07-02, due Friday 07-05 (4 July is a US holiday)
    voucher = cso_voucher(
        cast, customer=cso_customer(cast.operator, tpid="T-102", name="Woodgrove"), nominated="2024-06-03"
    )
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2024-07-02")
    assert sow.sla_due_on == dt.date(2024, 7, 5)
    # When info is asked Wednesday 07-03 and answered Monday 07-08 (paused: Fri 07-05 and Mon 07-08)
    with on("2024-07-03"):
        review_request_info(actor=cast.reviewer, request=sow, question="?")
    with on("2024-07-08"):
        review_provide_info(actor=cast.pat, request=sow, note="!")
    # Then the due date moves two business days, to Tuesday 07-09
    sow.refresh_from_db()
    assert sow.sla_due_on == dt.date(2024, 7, 9)


def test_asking_twice_without_an_answer_is_refused(cast: Cast, dep: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-03-04")
    with on("2024-03-05"):
        review_request_info(actor=cast.reviewer, request=sow, question="first?")
        with pytest.raises(InvalidInput, match="say what information"):
            review_request_info(actor=cast.reviewer, request=sow, question="")
        with pytest.raises(IllegalTransition, match="from needs_info to needs_info"):
            review_request_info(actor=cast.reviewer, request=sow, question="second?")
    assert len(audit_events("review.request_info", "refused")) == 2
    sow.refresh_from_db()
    assert sow.sla_paused_on == dt.date(2024, 3, 5)


def test_a_request_waiting_for_information_may_be_rejected(cast: Cast, dep: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-03-04")
    with on("2024-03-05"):
        review_request_info(actor=cast.reviewer, request=sow, question="?")
    with on("2024-03-20"):
        review_reject(actor=cast.reviewer, request=sow, reason="no answer")
    sow.refresh_from_db()
    assert sow.status == RequestStatus.REJECTED


# ====================================================================================== verification


def test_verified_seats_are_recorded_on_a_poe(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=1200)
    with on("2024-01-11"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=1100)
    poe.refresh_from_db()
    assert poe.verified_users == 1100
    assert Decision.objects.get(request=poe).outcome == Outcome.SEATS_VERIFIED
    assert audit_events("redemption.verify_seats", "done")[0].data == {"users": 1100, "workload_users": {}}


@pytest.mark.parametrize("users", [-1, "11.5", "many", 11.5, True])
def test_verified_seats_are_a_whole_number(cast: Cast, cso: Voucher, users: Any) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    before = snapshot()
    with on("2024-01-11"), pytest.raises(InvalidInput, match="whole number"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=users)
    assert snapshot() == before
    assert len(audit_events("redemption.verify_seats", "refused")) == 1


def test_seats_are_verified_only_on_an_open_poe_by_microsoft(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    with on("2023-10-03"):
        with pytest.raises(InvalidInput, match="seats are verified on a POE"):
            review_verify_seats(actor=cast.reviewer, request=sow, users=500)
        with pytest.raises(PermissionDenied):
            review_verify_seats(actor=cast.pat, request=sow, users=500)
    approve(cast, sow, when="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    approve(cast, poe, when="2024-01-11")
    with on("2024-01-12"), pytest.raises(InvalidInput, match="already approved"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=500)


# ==================================================================================== answering info


def test_only_the_requests_partner_answers_and_only_when_asked(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02")
    before = snapshot()
    with on("2023-10-03"):
        # Given no question was asked: answering is an illegal move
        with pytest.raises(IllegalTransition, match="from received to received"):
            review_provide_info(actor=cast.pat, request=sow, note="here it is")
        with pytest.raises(InvalidInput, match="say what information"):
            review_provide_info(actor=cast.pat, request=sow, note=" ")
        with pytest.raises(PermissionDenied, match="only answer a reviewer for its own partner"):
            review_provide_info(actor=cast.nico, request=sow, note="not mine")
    assert snapshot() == before
    assert len(audit_events("redemption.provide_info", "refused")) == 2
    assert len(audit_events("redemption.provide_info", "denied")) == 1
