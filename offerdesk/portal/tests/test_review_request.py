"""A request's page on the review desk: its document shown in the page and verified, the signatures, the rules
replayed on the submission and checked for an approval today, the steps with the partner's attachments, the
voucher's history; the document and the attachments as files; another request or step is not found."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.documents.models import Document
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_provide_info, review_request_info, review_verify_seats
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, on, submit

from .reviewing import submitted_document

SESSION = 2  # the session and its user
NAVIGATION = 1  # the unread notices beside "Notices"
# The request (with its voucher, offer, program, customer, partner, nomination, submitter) and its voucher's
# requests (2); the document and its signatures with their users (3), then its bytes (1); the request's
# signatures (1); the facts of the submission and of the approval: the days' parameters, the referral, the
# customer's licences, usage, prior licences and held vouchers (11 in all); the program terms (2); the steps (1);
# the voucher's history (4); who may not decide (2).
PAGE = 27


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user: User, request: RedemptionRequest, day: str) -> Any:
    with on(day):
        return _client(user).get(reverse("portal:review-request", args=[request.pk]))


@pytest.fixture
def poe(cast: Cast, cso: Voucher) -> RedemptionRequest:
    """Fabrikam's POE on Contoso's voucher, from a sealed document of 2024-01-10 (SOW approved 2023-10-04): 600
    users reported on Exchange Online and Teams."""
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    return submitted_document(
        cast,
        cso,
        kind="POE",
        when="2024-01-10",
        users_deployed=600,
        workload_users={"Exchange Online": 600, "Teams": 600},
    )


def test_the_page_shows_the_document_verified_its_signatures_and_rules(cast: Cast, poe: RedemptionRequest) -> None:
    answer = page_of(cast.reviewer, poe, "2024-01-11")
    assert answer.status_code == 200
    page = answer.content.decode()
    pdf = reverse("portal:review-document", args=[poe.pk])
    # The PDF in the page, from the desk's own scoped URL
    assert f'<object data="{pdf}" type="application/pdf"' in page
    # Verified as `document verify` does: intact, this voucher, the hash the request recorded
    assert "Intact OfferDesk document</strong>" in page and "(as submitted)" in page
    assert "not this request&#x27;s voucher" not in page
    # The signatures, each by its OfferDesk user
    assert "Carla Customer" in page and "in OfferDesk, user carla" in page and "in OfferDesk, user pat" in page
    # The rules replayed on the submission, and those an approval today checks
    submission = page.split('id="submission-findings"', 1)[1].split("</ul>", 1)[0]
    for rule in ("CSO-RED-04", "CSO-RED-02", "CSO-VAL-02", "CSO-WL-02", "CSO-USR-01"):
        assert f"<strong>{rule}</strong> passes" in submission
    assert "fails" not in submission
    assert "<strong>CSO-VAL-03</strong> passes" in page
    # The clock, the history and the verify form with a field per workload (CSO)
    assert "due in 1 business day" in page
    assert "Statement of Work (initial) submitted by Fabrikam" in page and "SOW: Approved" in page
    assert "Verified users on Exchange Online" in page and "Verified users on Microsoft 365 Apps" in page
    assert "verify them first" in page


def test_the_approval_rules_show_what_would_refuse_it_today(cast: Cast, poe: RedemptionRequest) -> None:
    # Given users verified on one workload only (Teams at 200)
    with on("2024-01-11"):
        review_verify_seats(
            actor=cast.reviewer, request=poe, users=600, workload_users={"Exchange Online": 600, "Teams": 200}
        )
    page = page_of(cast.reviewer, poe, "2024-01-12").content.decode()
    approval = page.split('id="approval-findings"', 1)[1].split("</ul>", 1)[0]
    assert "<strong>CSO-WL-02</strong> fails: 1 eligible workload(s) with at least 250 deployed users" in approval
    assert "<strong>CSO-USR-01</strong> passes" in approval
    assert 'id="verified-users">600; Exchange Online: 600; Teams: 200' in page
    assert "verify them first" not in page


def test_a_request_without_a_document_says_so(cast: Cast, cso: Voucher) -> None:
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="9")
    page = page_of(cast.auditor, sow, "2023-10-03").content.decode()
    assert "No OfferDesk document is attached" in page
    assert "<object" not in page
    with on("2023-10-03"):
        assert _client(cast.auditor).get(reverse("portal:review-document", args=[sow.pk])).status_code == 404


def test_the_document_is_shown_inline_or_saved(cast: Cast, poe: RedemptionRequest) -> None:
    client = _client(cast.operator)
    url = reverse("portal:review-document", args=[poe.pk])
    shown = client.get(url)
    saved = client.get(url, {"download": "1"})
    sealed = Document.objects.get(request=poe).sealed_file
    with sealed.open("rb") as handle:
        data = handle.read()
    assert (shown.status_code, shown["Content-Type"], shown.content) == (200, "application/pdf", data)
    assert shown["Content-Disposition"].startswith("inline") and shown["X-Frame-Options"] == "SAMEORIGIN"
    assert saved["Content-Disposition"].startswith("attachment") and saved["Cache-Control"] == "private, no-store"


def test_the_partners_answer_and_its_file_are_in_the_steps(cast: Cast, poe: RedemptionRequest) -> None:
    # Given rita asked, and pat answered with a PDF
    with on("2024-01-11"):
        review_request_info(actor=cast.reviewer, request=poe, question="Which sites?")
        review_provide_info(actor=cast.pat, request=poe, note="Both", attachment=("sites.pdf", b"%PDF-1.7\nsites"))
    step = Decision.objects.get(request=poe, outcome="info_provided")
    page = page_of(cast.reviewer, poe, "2024-01-11").content.decode()
    link = reverse("portal:review-attachment", args=[poe.pk, step.pk])
    assert f'<a href="{link}">sites.pdf</a>' in page and "Which sites?" in page and "(pat)" in page
    # Then the file downloads, under its own name, never shown inline
    got = _client(cast.reviewer).get(link)
    assert (got.status_code, got.content) == (200, b"%PDF-1.7\nsites")
    assert got["Content-Disposition"] == 'attachment; filename="sites.pdf"'
    # And a step of the request without a file, or the step under another request, is not found
    asked = Decision.objects.get(request=poe, outcome="info_requested")
    other = poe.voucher.requests.exclude(pk=poe.pk).get()
    assert _client(cast.reviewer).get(reverse("portal:review-attachment", args=[poe.pk, asked.pk])).status_code == 404
    assert _client(cast.reviewer).get(reverse("portal:review-attachment", args=[other.pk, step.pk])).status_code == 404


@pytest.mark.parametrize("route", ["portal:review-request", "portal:review-document"])
def test_a_request_that_does_not_exist_is_not_found(cast: Cast, route: str) -> None:
    assert _client(cast.reviewer).get(reverse(route, args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["finance", "seller", "pat", "fran"])
def test_the_page_is_not_for_other_roles(cast: Cast, poe: RedemptionRequest, who: str) -> None:
    user = getattr(cast, who)
    for route in ("portal:review-request", "portal:review-document"):
        assert _client(user).get(reverse(route, args=[poe.pk])).status_code == 403


def test_only_a_reviewer_sees_the_decisions_and_an_operator_may_verify(cast: Cast, poe: RedemptionRequest) -> None:
    reviewer = page_of(cast.reviewer, poe, "2024-01-11").content.decode()
    operator = page_of(cast.operator, poe, "2024-01-11").content.decode()
    auditor = page_of(cast.auditor, poe, "2024-01-11").content.decode()
    for form in ("review-approve", "review-reject", "review-ask", "review-verify-users"):
        assert reverse(f"portal:{form}", args=[poe.pk]) in reviewer
    assert reverse("portal:review-verify-users", args=[poe.pk]) in operator
    assert reverse("portal:review-approve", args=[poe.pk]) not in operator
    assert "/verify-users/" not in auditor and "/approve/" not in auditor and "Only a reviewer decides" in auditor


def test_the_page_costs_its_pinned_queries_whatever_the_history(
    cast: Cast, poe: RedemptionRequest, django_assert_num_queries: Any
) -> None:
    client = _client(cast.reviewer)
    with on("2024-01-11"), django_assert_num_queries(SESSION + NAVIGATION + PAGE):
        assert client.get(reverse("portal:review-request", args=[poe.pk])).status_code == 200
    # Given ten more steps (questions and answers)
    with on("2024-01-11"):
        for n in range(5):
            review_request_info(actor=cast.reviewer, request=poe, question=f"Question {n}")
            review_provide_info(actor=cast.pat, request=poe, note=f"Answer {n}")
    with on("2024-01-11"), django_assert_num_queries(SESSION + NAVIGATION + PAGE):
        assert client.get(reverse("portal:review-request", args=[poe.pk])).status_code == 200
