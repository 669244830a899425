"""The review queue puts the most urgent request first: SLA due date, then the voucher's expiry."""

from __future__ import annotations

from typing import Any

from offerdesk.redemptions.choices import RequestStatus
from offerdesk.reviews.selectors import decision_list, review_queue
from offerdesk.reviews.services import review_request_info
from tests.factories import Cast, approve, customer, mws_voucher, on, submit


def test_the_queue_orders_by_sla_then_expiry_and_leaves_decided_requests_out(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    # Given three SOWs: two submitted the same day on vouchers expiring at different dates, one a day later
    late_expiry = mws_voucher(cast, customer=customer(cast.operator, tpid="T-1", name="A"), issued="2023-10-05")
    early_expiry = mws_voucher(cast, customer=customer(cast.operator, tpid="T-2", name="B"), issued="2023-10-02")
    next_day = mws_voucher(cast, customer=customer(cast.operator, tpid="T-3", name="C"), issued="2023-10-02")
    decided = mws_voucher(cast, customer=customer(cast.operator, tpid="T-4", name="D"), issued="2023-10-02")
    first = submit(actor=cast.pat, voucher=late_expiry, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    second = submit(actor=cast.pat, voucher=early_expiry, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    third = submit(actor=cast.pat, voucher=next_day, partner=cast.fabrikam, kind="SOW", when="2023-10-11")
    approve(
        cast,
        submit(actor=cast.pat, voucher=decided, partner=cast.fabrikam, kind="SOW", when="2023-10-09"),
        when="2023-10-10",
    )
    # When a reviewer opens the queue (one query, whatever its length)
    with django_assert_num_queries(1):
        queue = [(r.pk, r.voucher.customer.name, r.partner.name) for r in review_queue(user=cast.reviewer)]
    # Then the same SLA day is broken by the voucher that expires first; decided requests are gone
    assert [pk for pk, _, _ in queue] == [second.pk, first.pk, third.pk]


def test_a_request_waiting_for_information_stays_in_the_queue_with_its_history(cast: Cast) -> None:
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-5", name="E"))
    sow = submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    with on("2023-10-11"):
        review_request_info(actor=cast.reviewer, request=sow, question="Which sites are in scope?")
    [queued] = review_queue(user=cast.reviewer)
    assert (queued.pk, queued.status) == (sow.pk, RequestStatus.NEEDS_INFO)
    assert [(d.outcome, d.reason, d.decided_by) for d in decision_list(user=cast.reviewer, request=sow)] == [
        ("info_requested", "Which sites are in scope?", cast.reviewer)
    ]
