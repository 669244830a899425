"""/documents through real HTTP: the program template prepared, its PDF downloaded, signed outside OfferDesk and
uploaded (multipart) as the request, once whatever the retries; signing over stale bytes, declining; a file that
is not the template refused with its rule; verifying a file (read, not kept); another tenant's document not
found; a page's queries pinned."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from offerdesk.documents.models import Document
from offerdesk.portal.tests.reviewing import customer_signer
from offerdesk.portal.tests.signing import pdf_with_text
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast, snapshot

from .client import Api, problem_of
from .redeeming import call, queries, sealed_sow

pytestmark = pytest.mark.django_db


def _pdf(data: bytes, name: str = "sow.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _upload_form(voucher: Voucher, data: bytes, **extra: str) -> dict[str, object]:
    return {
        "voucher": voucher.code,
        "kind": "SOW",
        "file": _pdf(data),
        "customer_name": "Carla Contoso",
        "customer_title": "CIO",
        "partner_name": "Pat Fabrikam",
        "partner_title": "Delivery lead",
        "value": "15000.00",
        **extra,
    }


def test_the_template_downloaded_signed_outside_and_uploaded_is_the_request(cast: Cast, cso: Voucher) -> None:
    # Given the SOW pat prepared through the API, and its PDF downloaded
    pat = Api(cast.pat)
    prepared = call(pat, "POST", "/documents/", {"voucher": cso.code, "kind": "SOW", "value": "15000"})
    assert prepared.status_code == 201, prepared.content
    document = prepared.json()
    assert (document["status"], document["value"], document["origin"]) == ("awaiting_partner", "15000.00", "generated")
    pdf = call(pat, "GET", f"/documents/{document['key']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Content-Type-Options"] == "nosniff" and pdf["Cache-Control"] == "private, no-store"
    assert pdf["Content-Disposition"].startswith("attachment") and pdf.content.startswith(b"%PDF-")
    # When pat uploads it signed on paper (multipart), and its client retries with the same key
    first = call(pat, "UPLOAD", "/documents/upload", _upload_form(cso, pdf.content), key="up-1", when="2023-10-05")
    replay = call(pat, "UPLOAD", "/documents/upload", _upload_form(cso, pdf.content), key="up-1", when="2023-10-05")
    # Then one request is submitted from one uploaded document, with the declared signers
    assert first.status_code == replay.status_code == 201, first.content
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert RedemptionRequest.objects.count() == 1 and Document.objects.filter(origin="uploaded").count() == 1
    made = first.json()
    assert (made["kind"], made["status"], made["value"], made["template_id"]) == (
        "SOW",
        "received",
        "15000.00",
        "CSO-SOW-2023.08",
    )
    uploaded = call(pat, "GET", f"/documents/{made['document']}").json()
    assert (uploaded["origin"], uploaded["status"], uploaded["request"]) == ("uploaded", "submitted", made["id"])
    assert {(s["party"], s["method"], s["name"]) for s in uploaded["signatures"]} == {
        ("customer", "declared", "Carla Contoso"),
        ("partner", "declared", "Pat Fabrikam"),
    }
    listed = call(pat, "GET", "/documents/", {"voucher": cso.code, "ordering": "oldest"}).json()["items"]
    assert [d["key"] for d in listed] == [document["key"], made["document"]]


def test_a_file_that_is_not_the_template_is_refused_with_its_rule(cast: Cast, cso: Voucher) -> None:
    before = snapshot()
    form = _upload_form(cso, pdf_with_text("Our own SOW form"))
    refused = problem_of(call(Api(cast.pat), "UPLOAD", "/documents/upload", form))
    assert refused["status"] == 422 and refused["rules"] == ["CSO-RED-02"]
    assert refused["findings"][0]["rule"] == "CSO-RED-02" and "CSO-SOW-2023.08" in refused["findings"][0]["reason"]
    not_pdf = problem_of(call(Api(cast.pat), "UPLOAD", "/documents/upload", _upload_form(cso, b"MZ\x90\x00")))
    assert not_pdf["status"] == 400 and not_pdf["errors"][0]["field"] == "file"
    bad_json = _upload_form(cso, pdf_with_text("x"), kind="POE", users_deployed="600", workload_users="{nope")
    assert problem_of(call(Api(cast.pat), "UPLOAD", "/documents/upload", bad_json))["errors"][0]["field"] == (
        "workload_users"
    )
    assert snapshot() == before


def test_signing_over_stale_bytes_is_refused_and_the_customer_may_decline(cast: Cast, cso: Voucher) -> None:
    pat = Api(cast.pat)
    document = call(pat, "POST", "/documents/", {"voucher": cso.code, "kind": "SOW", "value": "15000"}).json()
    url = f"/documents/{document['key']}"
    sign = {"party": "partner", "name": "Pat Fabrikam", "title": "Lead", "shown_sha256": "0" * 64}
    stale = problem_of(call(pat, "POST", f"{url}/sign", sign))
    assert stale["status"] == 400 and stale["errors"][0]["field"] == "shown sha256"
    customer = Api(customer_signer(cso))
    early = problem_of(call(customer, "POST", f"{url}/sign", {**sign, "party": "customer", "shown_sha256": "0" * 64}))
    assert early["status"] == 409  # the partner signs first
    wrong_party = call(customer, "POST", f"{url}/sign", {**sign, "shown_sha256": document["sha256"]})
    assert wrong_party.status_code == 403  # a customer's user does not sign for the partner
    signed = call(pat, "POST", f"{url}/sign", {**sign, "shown_sha256": document["sha256"]})
    assert signed.json()["status"] == "awaiting_customer"
    declined = call(customer, "POST", f"{url}/decline", {"reason": "Not what we agreed."})
    assert declined.status_code == 200 and declined.json()["declined_reason"] == "Not what we agreed."
    assert declined.json()["status"] == "declined"
    again = call(pat, "POST", f"{url}/submit")
    assert again.status_code == 409 and problem_of(again)["type"] == "urn:offerdesk:problem:illegal_transition"


def test_another_tenant_finds_no_document(cast: Cast, cso: Voucher) -> None:
    document = call(Api(cast.pat), "POST", "/documents/", {"voucher": cso.code, "kind": "SOW", "value": "1"}).json()
    for outsider in (
        cast.nico,
        cast.felix,
        factories.customer_user(factories.customer(cast.operator, tpid="T-9", name="Adatum"), "cody"),
    ):
        api = Api(outsider)
        assert call(api, "GET", f"/documents/{document['key']}").status_code == 404
        assert call(api, "GET", f"/documents/{document['key']}/pdf").status_code == 404
        assert call(api, "GET", "/documents/").json()["items"] == []
    nico = Api(cast.nico)
    assert call(nico, "POST", f"/documents/{document['key']}/decline", {"reason": "mine"}).status_code == 404
    assert call(nico, "POST", "/documents/", {"voucher": cso.code, "kind": "SOW", "value": "1"}).status_code == 404
    form = _upload_form(cso, pdf_with_text("x"))
    assert call(nico, "UPLOAD", "/documents/upload", form).status_code == 404


def test_verifying_a_file_reads_it_and_keeps_nothing(cast: Cast, cso: Voucher) -> None:
    document = sealed_sow(cast, cso)
    reviewer = Api(cast.reviewer)
    sealed = call(reviewer, "GET", f"/documents/{document['key']}/pdf").content
    before = snapshot()
    intact = call(reviewer, "UPLOAD", "/documents/verify", {"file": _pdf(sealed)})
    assert intact.status_code == 200, intact.content
    found = intact.json()
    assert found["intact"] is True and (found["voucher_code"], found["kind"]) == (cso.code, "SOW")
    assert found["document_key"] == document["key"]
    tampered = sealed + b"\n% a page appended after the seal\n"
    assert call(reviewer, "UPLOAD", "/documents/verify", {"file": _pdf(tampered)}).json()["intact"] is False
    refused = call(Api(cast.pat), "UPLOAD", "/documents/verify", {"file": _pdf(sealed)})
    assert refused.status_code == 403
    assert snapshot() == before


def test_a_page_of_documents_costs_the_same_queries_with_one_and_with_many(cast: Cast) -> None:
    def prepare(count: int, first: int) -> None:
        for n in range(first, first + count):
            customer = factories.cso_customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
            voucher = factories.cso_voucher(cast, customer=customer)
            factories.prepare_document(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, value="1000")

    prepare(1, 700)
    pat = Api(cast.pat)
    one = queries(pat, "/documents/", {"limit": 50})
    key = Document.objects.get().key
    detail = queries(pat, f"/documents/{key}")
    prepare(6, 800)
    assert queries(pat, "/documents/", {"limit": 50}) == one == 2  # the token with its user, the page
    assert queries(pat, f"/documents/{key}") == detail == 3  # the token, the document, its signatures


def test_an_upload_larger_than_djangos_memory_limit_is_read_with_its_key_and_a_huge_one_refused(
    cast: Cast, cso: Voucher
) -> None:
    # A 3 MB file is above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): the idempotency key still reads it
    padded = pdf_with_text("Our own SOW form") + b"%" + b"0" * (3 * 1024 * 1024)
    refused = call(Api(cast.pat), "UPLOAD", "/documents/upload", _upload_form(cso, padded), key="big-1")
    assert refused.status_code == 422 and problem_of(refused)["rules"] == ["CSO-RED-02"]
    huge = pdf_with_text("x") + b"0" * (22 * 1024 * 1024)
    too_large = call(Api(cast.pat), "UPLOAD", "/documents/upload", _upload_form(cso, huge), key="big-2")
    assert too_large.status_code == 413 and problem_of(too_large)["rules"] == ["OD-IN-01"]
    assert not Document.objects.filter(origin="uploaded").exists()
