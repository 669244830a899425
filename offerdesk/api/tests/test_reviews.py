"""/reviews through real HTTP: the queue with its filters and SLA clocks, one request's file, the decisions —
approve (once, whatever the retries), reject on a listed ground, ask for information, verify a POE's users per
workload — with their refusals (bad input by field, the rule book's 422 with its rules, OD-SOD-01), the desk
refused to everyone else, another tenant's request not found, a page's queries pinned."""

from __future__ import annotations

import pytest

from offerdesk.portal.tests.reviewing import submitted_document
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_request_info
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast, approved_sow, audit_events, cso_poe, on, snapshot, submit

from .client import Api, problem_of
from .redeeming import call, queries

pytestmark = pytest.mark.django_db
DAY = "2023-10-03"


@pytest.fixture
def sow(cast: Cast, cso: Voucher) -> RedemptionRequest:
    """Fabrikam's SOW on Contoso's voucher, from a sealed document of 2023-10-02."""
    return submitted_document(cast, cso, when="2023-10-02")


def test_the_queue_with_its_filters_and_clocks_is_the_desks(cast: Cast, sow: RedemptionRequest) -> None:
    reviewer = Api(cast.reviewer)
    queue = call(reviewer, "GET", "/reviews/queue/", {"program": "CSO", "kind": "SOW"}, when=DAY).json()["items"]
    assert [(r["id"], r["sla"]["state"]) for r in queue] == [(sow.pk, "due")]
    assert queue[0]["sla"]["due_on"] == str(sow.sla_due_on) and queue[0]["expires_before_review"] is False
    assert call(reviewer, "GET", "/reviews/queue/", {"kind": "POE"}, when=DAY).json()["items"] == []
    bad = problem_of(call(reviewer, "GET", "/reviews/queue/", {"program": "NOPE"}, when=DAY))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "program"
    for outsider in (cast.pat, cast.finance, cast.seller):
        refused = call(Api(outsider), "GET", "/reviews/queue/", when=DAY)
        assert refused.status_code == 403, outsider
        assert call(Api(outsider), "GET", f"/reviews/{sow.pk}", when=DAY).status_code == 403


def test_one_requests_file_as_the_desk_weighs_it(cast: Cast, sow: RedemptionRequest) -> None:
    found = call(Api(cast.auditor), "GET", f"/reviews/{sow.pk}", when=DAY)
    assert found.status_code == 200, found.content
    file = found.json()
    assert file["request"]["id"] == sow.pk and file["document"]["status"] == "submitted"
    assert file["verification"]["intact"] is True
    assert {s["party"] for s in file["signatures"]} == {"partner", "customer"}
    assert all(f["ok"] for f in file["submission_findings"]) and file["approval_findings"]
    assert file["sla"]["state"] == "due" and file["you_are_a_party"] is False
    assert [h["what"] for h in file["history"]][:2] == ["Nominated", "Referred to Fabrikam"]


def test_approving_once_whatever_the_retries(cast: Cast, sow: RedemptionRequest) -> None:
    reviewer = Api(cast.reviewer)
    url = f"/reviews/{sow.pk}/approve"
    first = call(reviewer, "POST", url, {"reason": "Scope is clear."}, key="approve-1", when=DAY)
    replay = call(reviewer, "POST", url, {"reason": "Scope is clear."}, key="approve-1", when=DAY)
    assert first.status_code == replay.status_code == 200, first.content
    assert replay["Idempotent-Replayed"] == "true" and first.json()["status"] == "approved"
    assert Decision.objects.filter(request=sow, outcome="approved").count() == 1
    assert len(audit_events("review.approve", "done")) == 1
    again = problem_of(call(reviewer, "POST", url, {"reason": "again"}, key="approve-2", when=DAY))
    assert again["status"] == 400 and "only a received request" in again["detail"]


def test_reject_on_a_listed_ground_and_its_refusals(cast: Cast, sow: RedemptionRequest) -> None:
    reviewer = Api(cast.reviewer)
    grounds = {g["code"] for g in call(reviewer, "GET", "/reviews/reject-grounds").json()}
    assert {"template", "figures", "other"} <= grounds
    url = f"/reviews/{sow.pk}/reject"
    before = snapshot()
    other = problem_of(call(reviewer, "POST", url, {"reason_code": "other"}, when=DAY))
    assert other["status"] == 400 and other["errors"][0]["field"] == "reason"
    unknown = problem_of(call(reviewer, "POST", url, {"reason_code": "mood"}, when=DAY))
    assert unknown["errors"][0]["field"] == "reason code"
    assert call(Api(cast.auditor), "POST", url, {"reason_code": "figures"}, when=DAY).status_code == 403
    assert call(Api(cast.nico), "POST", url, {"reason_code": "figures"}, when=DAY).status_code == 404
    assert snapshot() == before
    rejected = call(reviewer, "POST", url, {"reason_code": "figures", "reason": "The value is 1,500."}, when=DAY)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    step = Decision.objects.get(request=sow, outcome="rejected")
    assert (step.reason_code, step.reason) == (
        "figures",
        "The figures do not match the signed document: The value is 1,500.",
    )
    seen = call(Api(cast.pat), "GET", f"/reviews/decisions/{step.pk}").json()
    assert seen["reason_code"] == "figures" and "decided_by" not in seen  # the desk's file names who decided


def test_asking_for_information_pauses_the_clock(cast: Cast, sow: RedemptionRequest) -> None:
    reviewer = Api(cast.reviewer)
    url = f"/reviews/{sow.pk}/request-info"
    assert problem_of(call(reviewer, "POST", url, {"question": " "}, when=DAY))["errors"][0]["field"] == "question"
    asked = call(reviewer, "POST", url, {"question": "Which sites?"}, when=DAY)
    assert asked.status_code == 200 and asked.json()["status"] == "needs_info"
    queued = call(reviewer, "GET", "/reviews/queue/", {"status": "needs_info"}, when=DAY).json()["items"]
    assert [(r["id"], r["sla"]["state"]) for r in queued] == [(sow.pk, "paused")]


def test_one_who_prepared_the_request_may_not_decide_it(cast: Cast, cso: Voucher) -> None:
    # The reviewer prepared the document on Fabrikam's behalf: OD-SOD-01 keeps it from deciding (403, its rule)
    sow = submitted_document(cast, cso, when="2023-10-02", preparer=cast.reviewer)
    refused = problem_of(call(Api(cast.reviewer), "POST", f"/reviews/{sow.pk}/approve", {}, when=DAY))
    assert refused["status"] == 403 and refused["rules"] == ["OD-SOD-01"]
    assert call(Api(cast.reviewer), "GET", f"/reviews/{sow.pk}", when=DAY).json()["you_are_a_party"] is True


def test_verified_users_per_workload_then_the_rule_book_decides_the_approval(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    poe = cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2024-01-10")
    operator, reviewer = Api(cast.operator), Api(cast.reviewer)
    url = f"/reviews/{poe.pk}/verify-seats"
    when = "2024-01-11"
    unknown = problem_of(call(operator, "POST", url, {"users": 600, "workload_users": {"Yammer": 9}}, when=when))
    assert unknown["status"] == 400 and unknown["errors"][0]["field"] == "workload users"
    few = {"users": 100, "workload_users": {"Exchange Online": 100, "Teams": 100}}
    verified = call(operator, "POST", url, few, when=when)
    assert verified.status_code == 200, verified.content
    assert verified.json()["verified_workload_users"] == {"Exchange Online": 100, "Teams": 100}
    refused = problem_of(call(reviewer, "POST", f"/reviews/{poe.pk}/approve", {}, when=when))
    assert refused["status"] == 422 and refused["rules"]
    assert {f["rule"] for f in refused["findings"]} <= set(refused["rules"])
    assert "CSO-USR-01" in refused["rules"] or "CSO-WL-02" in refused["rules"]
    enough = {"users": 600, "workload_users": {"Exchange Online": 600, "Teams": 600}}
    assert call(operator, "POST", url, enough, when=when).status_code == 200
    assert call(reviewer, "POST", f"/reviews/{poe.pk}/approve", {}, when=when).json()["status"] == "approved"


def test_a_page_of_the_queue_or_the_steps_costs_the_same_queries_with_one_and_with_many(cast: Cast) -> None:
    def requests(count: int, first: int) -> None:
        for n in range(first, first + count):
            customer = factories.cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
            voucher = factories.cso_voucher(cast, customer=customer)
            sow = submit(
                actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1000"
            )
            with on(DAY):
                review_request_info(actor=cast.reviewer, request=sow, question="Which sites?")

    requests(1, 700)
    reviewer = Api(cast.reviewer)
    one = [queries(reviewer, page, {"limit": 50}, when=DAY) for page in ("/reviews/queue/", "/reviews/decisions/")]
    requests(6, 800)
    many = [queries(reviewer, page, {"limit": 50}, when=DAY) for page in ("/reviews/queue/", "/reviews/decisions/")]
    assert one == many
    assert many[1] == 2  # the token with its user, the page
