"""The review desk's decisions: approve, reject on a listed ground, ask for information, verify a POE's users.
Each posts a plain form (htmx swaps the decision panel in place); the services decide, and their refusals —
bad input, the rule book, separation of duties (OD-SOD-01) — are rendered with their rule IDs, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.payouts.models import Payment
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.choices import Outcome, RejectReason
from offerdesk.reviews.models import Decision
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, audit_events, cso_poe, on, snapshot, submit

from .reviewing import submitted_document

DAY = "2023-10-03"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, action: str, request: RedemptionRequest, data: dict[str, Any], **extra: Any) -> Any:
    with on(DAY):
        return _client(user).post(reverse(f"portal:review-{action}", args=[request.pk]), data, **extra)


@pytest.fixture
def sow(cast: Cast, cso: Voucher) -> RedemptionRequest:
    """Fabrikam's SOW on Contoso's voucher, from a sealed document of 2023-10-02."""
    return submitted_document(cast, cso, when="2023-10-02")


def test_approving_sends_back_to_the_page_with_the_news(cast: Cast, sow: RedemptionRequest) -> None:
    client = _client(cast.reviewer)
    with on(DAY):
        answer = client.post(reverse("portal:review-approve", args=[sow.pk]), {"reason": "Scope is clear."})
    assert answer.status_code == 302 and answer["Location"] == reverse("portal:review-request", args=[sow.pk])
    sow.refresh_from_db()
    assert sow.status == RequestStatus.APPROVED
    assert Decision.objects.get(request=sow).reason == "Scope is clear."
    with on(DAY):
        page = client.get(answer["Location"]).content.decode()
    assert f"Approved: SOW #{sow.pk} of Fabrikam." in page and "Decided: approved" in page


def test_with_htmx_a_decision_redirects_the_whole_page(cast: Cast, sow: RedemptionRequest) -> None:
    answer = post(cast.reviewer, "ask", sow, {"question": "Which sites?"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 204
    assert answer["HX-Redirect"] == reverse("portal:review-request", args=[sow.pk])


def test_rejecting_takes_a_listed_ground_and_the_words(cast: Cast, sow: RedemptionRequest) -> None:
    answer = post(cast.reviewer, "reject", sow, {"reason_code": "fasttrack_priced", "reason": "Line 4 bills EXO."})
    assert answer.status_code == 302
    step = Decision.objects.get(request=sow)
    assert (step.outcome, step.reason_code) == (Outcome.REJECTED, RejectReason.FASTTRACK_PRICED)
    assert step.reason.endswith("(CSO-RED-06): Line 4 bills EXO.")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"reason": "No."}, "This field is required."),
        ({"reason_code": "because", "reason": "No."}, "Select a valid choice."),
        ({"reason_code": "other", "reason": "   "}, "reason: a rejection needs a reason the partner can act on"),
        ({"reason_code": "figures", "reason": "bad\u202etext"}, "reason: "),
    ],
)
def test_a_rejection_without_a_good_reason_changes_nothing(
    cast: Cast, sow: RedemptionRequest, data: dict[str, str], says: str
) -> None:
    before = snapshot()
    answer = post(cast.reviewer, "reject", sow, data)
    assert answer.status_code == 400
    assert says in answer.content.decode() and "Refused." in answer.content.decode()
    assert snapshot() == before


def test_asking_pauses_the_clock_and_the_page_says_so(cast: Cast, sow: RedemptionRequest) -> None:
    assert post(cast.reviewer, "ask", sow, {"question": "Which sites?"}).status_code == 302
    sow.refresh_from_db()
    assert (sow.status, str(sow.sla_paused_on)) == (RequestStatus.NEEDS_INFO, DAY)
    with on("2023-10-20"):
        page = _client(cast.reviewer).get(reverse("portal:review-request", args=[sow.pk])).content.decode()
    assert '<dd id="sla-clock">paused: waiting for information</dd>' in page
    assert "/approve/" not in page  # only a received request is approved; asking or rejecting still can be


def test_an_empty_question_is_refused_and_with_htmx_only_the_panel_comes_back(
    cast: Cast, sow: RedemptionRequest
) -> None:
    before = snapshot()
    answer = post(cast.reviewer, "ask", sow, {"question": ""}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert page.lstrip().startswith('<section class="panel" id="review-actions"') and "<html" not in page
    assert "This field is required." in page
    assert snapshot() == before


def test_a_rule_that_refuses_the_approval_is_shown_with_its_id(cast: Cast, cso: Voucher) -> None:
    # Given a POE whose users Microsoft verified at 200 (below CSO-USR-01's 250)
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-03")
    assert post(cast.reviewer, "verify-users", poe, {"users": "200"}).status_code == 302
    before = snapshot()
    # When rita approves it
    answer = post(cast.reviewer, "approve", poe, {})
    # Then the rule book's refusal is on the page, with its rule ID, and nothing is paid
    assert answer.status_code == 422
    assert "CSO-USR-01: 200 verified users; the deployment needs at least 250" in answer.content.decode()
    assert snapshot() == before and not Payment.objects.exists()


def test_users_are_verified_per_workload_then_the_poe_is_approved(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-03", users=600)
    data = {"users": "550", "workload_0": "550", "workload_2": "500"}  # Exchange Online, Teams
    assert post(cast.reviewer, "verify-users", poe, data).status_code == 302
    poe.refresh_from_db()
    assert (poe.verified_users, poe.verified_workload_users) == (550, {"Exchange Online": 550, "Teams": 500})
    assert post(cast.reviewer, "approve", poe, {}).status_code == 302
    assert Payment.objects.get(request=poe).amount == 550 * 15


@pytest.mark.parametrize("users", ["", "-3", "many", "1.5"])
def test_verified_users_must_be_a_whole_number(cast: Cast, cso: Voucher, users: str) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-03")
    before = snapshot()
    answer = post(cast.reviewer, "verify-users", poe, {"users": users})
    assert answer.status_code == 400
    assert snapshot() == before


def test_users_are_verified_on_a_poe_only(cast: Cast, sow: RedemptionRequest) -> None:
    before = snapshot()
    answer = post(cast.reviewer, "verify-users", sow, {"users": "300"})
    assert answer.status_code == 400 and "seats are verified on a POE" in answer.content.decode()
    assert snapshot() == before


# ====================================================================================== who decides


def test_a_reviewer_who_prepared_the_document_sees_another_must_decide(cast: Cast, cso: Voucher) -> None:
    # Given rita prepared Fabrikam's SOW on its behalf (the services allow it), and pat signed and submitted it
    sow = submitted_document(cast, cso, when="2023-10-02", preparer=cast.reviewer)
    # When she opens it, she is told she may not decide it, and no decision form is offered
    with on(DAY):
        page = _client(cast.reviewer).get(reverse("portal:review-request", args=[sow.pk])).content.decode()
    assert "another reviewer must decide it (OD-SOD-01)" in page
    assert "/approve/" not in page and "/reject/" not in page
    # And when she posts an approval anyway, the service refuses it with its rule ID, on the page, nothing changed
    before = snapshot()
    answer = post(cast.reviewer, "approve", sow, {})
    assert answer.status_code == 403
    assert (
        "OD-SOD-01: rita submitted, prepared or signed this request and may not approve it" in answer.content.decode()
    )
    assert snapshot() == before
    assert audit_events("review.approve", "denied")[0].data["rules"] == ["OD-SOD-01"]


def test_a_reviewer_who_submitted_for_the_partner_may_not_reject(cast: Cast, dep: Voucher) -> None:
    sow = submit(actor=cast.reviewer, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="9")
    before = snapshot()
    with on("2023-10-11"):
        answer = _client(cast.reviewer).post(
            reverse("portal:review-reject", args=[sow.pk]), {"reason_code": "figures", "reason": "x"}
        )
    assert answer.status_code == 403 and "OD-SOD-01" in answer.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("who", ["operator", "auditor"])
@pytest.mark.parametrize("action", ["approve", "ask"])
def test_an_operator_or_an_auditor_may_not_decide(cast: Cast, sow: RedemptionRequest, who: str, action: str) -> None:
    before = snapshot()
    answer = post(getattr(cast, who), action, sow, {"question": "Why?"})
    assert answer.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("action", ["approve", "reject", "ask", "verify-users"])
def test_a_request_that_does_not_exist_is_not_found(cast: Cast, action: str) -> None:
    with on(DAY):
        answer = _client(cast.reviewer).post(reverse(f"portal:review-{action}", args=[999_999]), {})
    assert answer.status_code == 404


@pytest.mark.parametrize("action", ["approve", "reject", "ask", "verify-users"])
def test_a_decision_is_posted_never_got(cast: Cast, sow: RedemptionRequest, action: str) -> None:
    assert _client(cast.reviewer).get(reverse(f"portal:review-{action}", args=[sow.pk])).status_code == 405
