"""What the review desk added to the review services: rejection grounds from a list, users verified per workload
(checked again at approval, CSO-PAY-03), and the registrations team told once when a review is overdue (ADR 26)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from offerdesk.core.errors import InvalidInput, PermissionDenied, RuleViolation
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_submit
from offerdesk.jobs.services import daily_run
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.notifications.services import KIND_HEADER, outbox_deliver
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.reviews.choices import RejectReason
from offerdesk.reviews.models import Decision, SlaAlert
from offerdesk.reviews.services import (
    review_approve,
    review_provide_info,
    review_reject,
    review_request_info,
    review_sla_alerts_send,
    review_verify_seats,
)
from offerdesk.vouchers.models import Voucher
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    audit_events,
    cso_poe,
    customer_user,
    on,
    prepare_document,
    sign_document,
    snapshot,
    submit,
)

MAILBOX = "registrations@offerdesk.example"


# ====================================================================================== rejection grounds


def test_a_listed_ground_and_the_words_make_the_reason_the_partner_reads(cast: Cast, cso: Voucher) -> None:
    # Given Fabrikam's SOW; When rita rejects it on a listed ground with a few words
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    with on("2023-10-03"):
        review_reject(actor=cast.reviewer, request=sow, reason_code="fasttrack_priced", reason="Line 4 bills EXO.")
    # Then the step keeps the ground, and the reason reads the ground's label then the words
    step = Decision.objects.get(request=sow)
    assert step.reason_code == RejectReason.FASTTRACK_PRICED
    assert step.reason == f"{RejectReason.FASTTRACK_PRICED.label}: Line 4 bills EXO."
    assert audit_events("review.reject", "done")[0].data["reason_code"] == "fasttrack_priced"
    [told] = OutboxMessage.objects.filter(kind=NoticeKind.REQUEST_REJECTED)
    assert "(CSO-RED-06): Line 4 bills EXO." in told.body_text


def test_a_listed_ground_needs_no_words_but_other_does(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    before = snapshot()
    with on("2023-10-03"), pytest.raises(InvalidInput, match="reason: a rejection needs a reason"):
        review_reject(actor=cast.reviewer, request=sow, reason_code="other", reason="  ")
    assert snapshot() == before
    with on("2023-10-03"):
        review_reject(actor=cast.reviewer, request=sow, reason_code="ecif", reason="")
    assert Decision.objects.get(request=sow).reason == RejectReason.ECIF.label


def test_a_ground_from_nowhere_is_refused_and_changes_nothing(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    before = snapshot()
    with on("2023-10-03"), pytest.raises(InvalidInput, match=r"reason code: must be one of .* not 'because' \(OD-IN"):
        review_reject(actor=cast.reviewer, request=sow, reason_code="because", reason="x")
    assert snapshot() == before


# ============================================================================= users verified per workload


def test_users_verified_per_workload_are_recorded(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=600)
    with on("2024-01-11"):
        review_verify_seats(
            actor=cast.reviewer, request=poe, users="580", workload_users={"Exchange Online": "580", "Teams": 560}
        )
    poe.refresh_from_db()
    assert (poe.verified_users, poe.verified_workload_users) == (580, {"Exchange Online": 580, "Teams": 560})
    assert Decision.objects.get(request=poe).reason == "580 users verified; Exchange Online: 580; Teams: 560"


def test_a_workload_the_offer_does_not_count_is_refused(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    before = snapshot()
    with on("2024-01-11"), pytest.raises(InvalidInput, match="workload users: unknown workload"):
        review_verify_seats(actor=cast.reviewer, request=poe, users=600, workload_users={"Power BI": 600})
    assert snapshot() == before


def test_too_few_workloads_verified_refuse_the_approval_under_wl_02(cast: Cast, cso: Voucher) -> None:
    # Given a POE reporting 600 users on Exchange and Teams, of which Microsoft verifies Teams at 200 only
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-05")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=600)
    with on("2024-01-11"):
        review_verify_seats(
            actor=cast.reviewer, request=poe, users=600, workload_users={"Exchange Online": 600, "Teams": 200}
        )
    before = snapshot()
    # When rita approves; Then the approval is refused on the verified figures (CSO-PAY-03) and nothing changes
    with pytest.raises(RuleViolation) as raised:
        approve(cast, poe, when="2024-01-12")
    assert raised.value.rules == ("CSO-WL-02",)
    assert snapshot() == before
    # And with both workloads verified above the threshold it is approved
    with on("2024-01-12"):
        review_verify_seats(
            actor=cast.reviewer, request=poe, users=600, workload_users={"Exchange Online": 600, "Teams": 300}
        )
    assert approve(cast, poe, when="2024-01-12").status == RequestStatus.APPROVED


# =============================================================================== overdue reviews


def run(day: str) -> dict[str, int]:
    with on(day):
        return daily_run(on=dt.date.fromisoformat(day))


def overdue_mail() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.extra_headers[KIND_HEADER] == NoticeKind.REVIEW_OVERDUE]


@pytest.fixture
def quiet(cast: Cast) -> None:
    """Nothing in the outbox from the setting up."""
    outbox_deliver()
    mail.outbox.clear()


@override_settings(OFFERDESK_REGISTRATIONS_EMAIL=MAILBOX)
def test_the_morning_after_the_due_date_the_registrations_team_is_told_once(
    cast: Cast, cso: Voucher, quiet: None
) -> None:
    # Given a CSO SOW submitted Friday 2023-10-13, due Tuesday 10-17 (two business days, as AT-C23)
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-13", value="1")
    assert sow.sla_due_on == dt.date(2023, 10, 17)
    outbox_deliver()
    mail.outbox.clear()
    # When the daily run works on the due date itself: nothing is overdue yet
    assert run("2023-10-17")["sla_alerts"] == 0
    # When it runs the next morning, Wednesday 10-18: the team's mailbox is told
    assert run("2023-10-18")["sla_alerts"] == 1
    [told] = overdue_mail()
    assert told.to == [MAILBOX]
    assert "was due 2023-10-17" in told.subject and "Fabrikam" in told.subject
    assert f"/staff/reviews/{sow.pk}/" in told.body
    assert SlaAlert.objects.get(request=sow).due_on == dt.date(2023, 10, 17)
    assert audit_events("review.sla_alert")[0].data["sent_on"] == "2023-10-18"
    # Then a second run that day, and the days after, tell it nothing more
    assert run("2023-10-18")["sla_alerts"] == 0
    assert run("2023-10-19")["sla_alerts"] == 0
    assert len(overdue_mail()) == 1


@override_settings(OFFERDESK_REGISTRATIONS_EMAIL=MAILBOX)
def test_an_alert_due_on_a_weekend_waits_for_the_first_business_day(cast: Cast, cso: Voucher, quiet: None) -> None:
    # Given a SOW submitted Wednesday 2023-10-04, due Friday 10-06
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-04", value="1")
    assert sow.sla_due_on == dt.date(2023, 10, 6)
    # Then Saturday's and Sunday's runs tell nobody; Monday 10-09 (Columbus Day, a US holiday) neither
    assert [run(day)["sla_alerts"] for day in ("2023-10-07", "2023-10-08", "2023-10-09")] == [0, 0, 0]
    # And Tuesday 10-10, the first business day after the due date, does
    assert run("2023-10-10")["sla_alerts"] == 1


@override_settings(OFFERDESK_REGISTRATIONS_EMAIL=MAILBOX)
def test_a_missed_morning_is_caught_up_by_the_next_run(cast: Cast, cso: Voucher, quiet: None) -> None:
    submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    assert run("2023-10-13")["sla_alerts"] == 1  # due 10-04; nothing ran since


@override_settings(OFFERDESK_REGISTRATIONS_EMAIL=MAILBOX)
def test_a_paused_or_decided_review_is_not_overdue(cast: Cast, cso: Voucher, quiet: None) -> None:
    # Given a SOW waiting for the partner's answer since before its due date 10-04
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    with on("2023-10-03"):
        review_request_info(actor=cast.reviewer, request=sow, question="Which sites?")
    # Then its clock is paused: no alert
    assert run("2023-10-10")["sla_alerts"] == 0
    # When the partner answers on 10-10 (four business days paused, 10-09 a holiday: due 10-11), approved 10-11
    with on("2023-10-10"):
        review_provide_info(actor=cast.pat, request=sow, note="Both")
    sow.refresh_from_db()
    assert sow.sla_due_on == dt.date(2023, 10, 11)
    approve(cast, sow, when="2023-10-11")
    # Then nothing is overdue the morning after
    assert run("2023-10-12")["sla_alerts"] == 0
    assert not SlaAlert.objects.exists()


def test_without_a_mailbox_nothing_is_marked_told(cast: Cast, cso: Voucher, quiet: None) -> None:
    submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
    with override_settings(OFFERDESK_REGISTRATIONS_EMAIL=""):
        assert review_sla_alerts_send(on=dt.date(2023, 10, 10)) == 0
    assert not SlaAlert.objects.exists()
    # Once the mailbox is set, the next run tells it
    with override_settings(OFFERDESK_REGISTRATIONS_EMAIL=MAILBOX):
        assert run("2023-10-11")["sla_alerts"] == 1


# ================================================================================ separation of duties


def test_the_one_who_prepared_the_document_may_not_decide_its_request(cast: Cast, cso: Voucher) -> None:
    # Given rita prepared Fabrikam's SOW on its behalf; pat and the customer signed it and pat submitted it
    carla = customer_user(cso.customer, "carla")
    document = prepare_document(actor=cast.reviewer, voucher=cso, partner=cast.fabrikam, value="15000")
    sign_document(document, actor=cast.pat, party="partner")
    sign_document(document, actor=carla, party="customer")
    with on("2023-10-02", "15:00"):
        sow = document_submit(actor=cast.pat, document=Document.objects.get(pk=document.pk))
    assert sow.submitted_by == cast.pat
    before = snapshot()
    # When she approves it; Then OD-SOD-01 refuses, and nothing changes
    with on("2023-10-03"), pytest.raises(PermissionDenied) as refused:
        review_approve(actor=cast.reviewer, request=sow)
    assert refused.value.rules == ("OD-SOD-01",)
    assert snapshot() == before
