"""/requests through real HTTP: a SOW prepared, signed by both and submitted by the API alone (once, whatever the
retries), read back with its figures and signatures; the partner's answer to a question, with its file; the
refusals with their rule IDs; another tenant's request not found; a page's queries pinned."""

from __future__ import annotations

import pytest

from offerdesk.audit.models import AuditEvent
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_request_info
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast, on, submit

from .client import Api, problem_of
from .redeeming import DAY, call, queries, sealed_sow

pytestmark = pytest.mark.django_db


def test_a_sow_prepared_signed_and_submitted_through_the_api_alone(cast: Cast, cso: Voucher) -> None:
    # Given a SOW pat prepared and both parties signed through the API
    document = sealed_sow(cast, cso)
    assert document["status"] == "sealed" and [s["party"] for s in document["signatures"]] == ["partner", "customer"]
    # When pat submits it as the request, with an idempotency key, and its client retries
    pat = Api(cast.pat)
    first = call(pat, "POST", "/requests/", {"document": document["key"]}, key="sow-1", time="15:00")
    replay = call(pat, "POST", "/requests/", {"document": document["key"]}, key="sow-1", time="15:01")
    # Then one request is made, Received, with its figures and both signatures; the replay answers the same
    assert first.status_code == replay.status_code == 201, first.content
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert RedemptionRequest.objects.filter(voucher=cso).count() == 1
    assert AuditEvent.objects.filter(action="redemption.submit", outcome="done").count() == 1
    made = first.json()
    assert (made["voucher"], made["kind"], made["status"], made["value"]) == (cso.code, "SOW", "received", "15000.00")
    assert made["document"] == document["key"] and made["document_hash"] == document["sealed_sha256"]
    assert {(s["party"], s["name"]) for s in made["signatures"]} == {
        ("partner", "Pat Fabrikam"),
        ("customer", "Carla Customer"),
    }
    # And the request reads back the same, for pat and for the customer
    read = call(pat, "GET", f"/requests/{made['id']}").json()
    assert read == made
    listed = call(pat, "GET", "/requests/", {"voucher": cso.code.lower(), "kind": "SOW"}).json()
    assert [r["id"] for r in listed["items"]] == [made["id"]]


def test_a_second_sow_for_the_voucher_is_refused_with_its_rule(cast: Cast, cso: Voucher) -> None:
    submitted = call(Api(cast.pat), "POST", "/requests/", {"document": sealed_sow(cast, cso)["key"]})
    assert submitted.status_code == 201
    # A POE before the SOW is approved: refused at preparation by the rule book (CSO-RED-01), nothing made
    poe = {"voucher": cso.code, "kind": "POE", "users_deployed": 600, "workload_users": {"Exchange Online": 600}}
    refused = problem_of(call(Api(cast.pat), "POST", "/documents/", poe))
    assert refused["status"] == 422 and "CSO-RED-01" in refused["rules"]
    assert {f["rule"] for f in refused["findings"]} >= {"CSO-RED-01"}
    assert not cso.documents.filter(kind="POE").exists()


def test_another_partner_finds_neither_the_request_nor_the_document(cast: Cast, cso: Voucher) -> None:
    document = sealed_sow(cast, cso)
    nico = Api(cast.nico)
    refused = call(nico, "POST", "/requests/", {"document": document["key"]})
    assert refused.status_code == 404 and problem_of(refused)["type"] == "urn:offerdesk:problem:not_found"
    made = call(Api(cast.pat), "POST", "/requests/", {"document": document["key"]}).json()
    assert call(nico, "GET", f"/requests/{made['id']}").status_code == 404
    assert call(nico, "GET", "/requests/").json()["items"] == []
    assert call(nico, "GET", "/requests/signatures/", {"request": made["id"]}).json()["items"] == []
    signature = made["signatures"][0]["id"]
    assert call(nico, "GET", f"/requests/signatures/{signature}").status_code == 404
    assert call(Api(cast.paula), "GET", f"/requests/signatures/{signature}").status_code == 200


def test_bad_input_is_400_by_field(cast: Cast, cso: Voucher) -> None:
    pat = Api(cast.pat)
    unknown = problem_of(call(pat, "POST", "/requests/", {"document": "x", "force": True}))
    assert unknown["status"] == 400 and unknown["errors"][0]["field"] == "force"
    assert problem_of(call(pat, "GET", "/requests/", {"status": "lost"}))["errors"][0]["field"] == "status"
    assert problem_of(call(pat, "GET", "/requests/", {"kind": "RFP"}))["errors"][0]["field"] == "kind"
    assert problem_of(call(pat, "GET", "/requests/", {"ordering": "value"}))["errors"][0]["field"] == "ordering"
    assert call(pat, "GET", "/requests/not-a-number").status_code in (400, 404)


# ------------------------------------------------------------------------------------------ the answer


@pytest.fixture
def questioned(cast: Cast, cso: Voucher) -> RedemptionRequest:
    """Fabrikam's SOW, submitted on 2023-10-02 and questioned by the reviewer on 2023-10-03."""
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when=DAY, value="15000")
    with on("2023-10-03"):
        review_request_info(actor=cast.reviewer, request=sow, question="Which sites?")
    return sow


def test_the_partner_answers_with_a_file_and_the_clock_runs_again(cast: Cast, questioned: RedemptionRequest) -> None:
    pat = Api(cast.pat)
    sites = b"%PDF-1.7\n% the sites\n"
    answer = call(
        pat,
        "UPLOAD",
        f"/requests/{questioned.pk}/answer",
        {"note": "Seattle and Austin.", "attachment": _file("sites.pdf", sites)},
        key="answer-1",
        when="2023-10-05",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "received"
    step = Decision.objects.get(request=questioned, outcome="info_provided")
    assert (step.reason, step.attachment_name) == ("Seattle and Austin.", "sites.pdf")
    # The file comes back to those who see the step, as an attachment never sniffed nor cached
    path = f"/reviews/{questioned.pk}/decisions/{step.pk}/attachment"
    for reader in (pat, Api(cast.reviewer)):
        got = call(reader, "GET", path, when="2023-10-05")
        assert got.status_code == 200 and got.content == sites
        assert got["X-Content-Type-Options"] == "nosniff" and got["Cache-Control"] == "private, no-store"
        assert got["Content-Disposition"].startswith("attachment")
    assert call(Api(cast.nico), "GET", path).status_code == 404
    listed = call(pat, "GET", "/reviews/decisions/", {"request": questioned.pk}).json()["items"]
    assert [d["outcome"] for d in listed] == ["info_requested", "info_provided"]
    assert listed[1]["attachment"] == f"/api/v1{path}"


def test_an_answer_is_refused_by_field_and_changes_nothing(cast: Cast, questioned: RedemptionRequest) -> None:
    pat = Api(cast.pat)
    url = f"/requests/{questioned.pk}/answer"
    empty = problem_of(call(pat, "UPLOAD", url, {"note": "  "}))
    assert empty["status"] == 400 and empty["errors"][0]["field"] == "note"
    not_a_pdf = problem_of(call(pat, "UPLOAD", url, {"note": "Here", "attachment": _file("x.pdf", b"MZ\x90\x00")}))
    assert not_a_pdf["status"] == 400 and not_a_pdf["errors"][0]["field"] == "attachment"
    assert call(Api(cast.nico), "UPLOAD", url, {"note": "Here"}).status_code == 404
    customer = Api(factories.customer_user(questioned.voucher.customer, "cora"))
    assert problem_of(call(customer, "UPLOAD", url, {"note": "Here"}))["status"] == 403  # the partner answers
    questioned.refresh_from_db()
    assert questioned.status == "needs_info" and not questioned.decisions.filter(outcome="info_provided").exists()


def _file(name: str, data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# ------------------------------------------------------------------------------------------ queries


def _requests(cast: Cast, count: int, *, first: int) -> None:
    for n in range(first, first + count):
        customer = factories.cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
        voucher = factories.cso_voucher(cast, customer=customer)
        submit(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", when=DAY, value="1000")


def test_a_page_of_requests_or_signatures_costs_the_same_queries_with_one_and_with_many(cast: Cast) -> None:
    _requests(cast, 1, first=700)
    pat = Api(cast.pat)
    pages = ("/requests/", "/requests/signatures/")
    one = [queries(pat, page, {"limit": 50}) for page in pages]
    request = RedemptionRequest.objects.get()
    detail_one = queries(pat, f"/requests/{request.pk}")
    _requests(cast, 11, first=800)
    many = [queries(pat, page, {"limit": 50}) for page in pages]
    assert call(pat, "GET", "/requests/", {"limit": 50}).json()["items"].__len__() == 12
    assert one == many == [2, 2]  # the token with its user, the page
    assert detail_one == queries(pat, f"/requests/{request.pk}") == 4  # token, request, signatures, document
