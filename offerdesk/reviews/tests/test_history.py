"""The partner's redemptions list (by status, with its review steps) and a voucher's whole history."""

from __future__ import annotations

from typing import Any

import pytest

from offerdesk.core.errors import InvalidInput, NotFound
from offerdesk.reviews.selectors import request_overview_list, voucher_history
from offerdesk.reviews.services import review_provide_info, review_reject, review_request_info
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approve, approved_sow, cso_poe, customer, mws_voucher, on, submit


def test_requests_filter_by_status_and_carry_their_review_steps(cast: Cast, cso: Voucher) -> None:
    sow = approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    with on("2024-01-11"):
        review_request_info(actor=cast.reviewer, request=poe, question="Which sites were deployed?")
    assert [r.pk for r in request_overview_list(user=cast.pat)] == [poe.pk, sow.pk]  # newest first
    assert list(request_overview_list(user=cast.pat, status="needs_info")) == [poe]
    [approved] = request_overview_list(user=cast.pat, status="approved")
    steps = approved.steps  # type: ignore[attr-defined]
    assert [(s.outcome, s.reason) for s in steps] == [("approved", "")]
    [waiting] = request_overview_list(user=cast.paula, status="needs_info")
    steps = waiting.steps  # type: ignore[attr-defined]
    assert [(s.outcome, s.reason) for s in steps] == [("info_requested", "Which sites were deployed?")]
    assert list(request_overview_list(user=cast.nico)) == []


def test_an_unknown_status_is_refused_by_its_field(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match=r"status: must be one of .*OD-IN-01"):
        request_overview_list(user=cast.pat, status="pending")


def test_a_cso_vouchers_history_runs_from_nomination_to_payment(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04", value="30000")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10", users=600)
    with on("2024-01-11"):
        review_request_info(actor=cast.reviewer, request=poe, question="Which sites?")
    with on("2024-01-15"):
        review_provide_info(actor=cast.pat, request=poe, note="Redmond and Dublin")
    approve(cast, poe, when="2024-01-16")
    history = voucher_history(user=cast.pat, key=cso.code.lower())
    assert history.voucher == cso
    assert [(str(e.on), e.what) for e in history.entries] == [
        ("2023-09-01", "Nominated"),
        ("2023-09-01", "Referred to Fabrikam"),
        ("2023-09-01", "Referral accepted"),
        ("2023-09-01", "Issued"),
        ("2023-10-02", "Statement of Work (initial) submitted by Fabrikam"),
        ("2023-10-04", "SOW: Approved"),
        ("2024-01-10", "Proof of Execution (final) submitted by Fabrikam"),
        ("2024-01-11", "POE: Info Requested"),
        ("2024-01-15", "POE: Info Provided"),
        ("2024-01-16", "POE: Approved"),
        ("2024-01-16", "Payment scheduled: Single payment (POE)"),
    ]
    details = {e.what: e.detail for e in history.entries}
    assert details["Statement of Work (initial) submitted by Fabrikam"] == "value $30,000.00"
    assert details["POE: Info Provided"] == "Redmond and Dublin"
    assert details["Payment scheduled: Single payment (POE)"] == "$9,000.00, payable on 2024-03-16"


def test_a_partner_sees_its_own_part_of_a_vouchers_history_only(cast: Cast, dep: Voucher) -> None:
    own = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="90000")
    with on("2023-10-11"):
        review_reject(actor=cast.reviewer, request=own, reason="Wrong scope")
    submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-12", value="80000")
    with pytest.raises(NotFound):  # now bound to Northwind: none of Fabrikam's business
        voucher_history(user=cast.pat, key=dep.code)
    whats = [e.what for e in voucher_history(user=cast.nico, key=dep.code).entries]
    assert "Statement of Work (initial) submitted by Northwind" in whats
    assert not any("Fabrikam" in w for w in whats) and "SOW: Rejected" not in whats


@pytest.mark.parametrize("rows", [1, 50])
def test_lists_cost_the_same_queries_with_1_or_50_requests(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows):
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}"))
        approve(
            cast,
            submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="1"),
            when="2023-10-12",
        )
    with django_assert_num_queries(2):  # the requests with voucher, customer and partner; their steps
        found = list(request_overview_list(user=cast.pat, status="approved"))
        assert len({(r.voucher.customer.name, r.partner.name, r.voucher.offer.program.name) for r in found}) == rows
        assert all(len(r.steps) == 1 for r in found)  # type: ignore[attr-defined]
    with django_assert_num_queries(4):  # the voucher (nomination, referral), requests, their steps, payments
        history = voucher_history(user=cast.pat, key=voucher.code)
    assert len(history.entries) == 5
