"""The reviewers' page "Verify a document": what `offerdesk document verify` says, for a file in hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from offerdesk.documents.models import Document
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, customer_user, prepare_document, sign_document

from .signing import pdf_with_text

SESSION = 2  # the session and its user
NAVIGATION = 1  # the unread notices beside "Notices"
URL = "portal:staff-verify"


@pytest.fixture
def sealed_pdf(cast: Cast, cso: Voucher) -> bytes:
    """Contoso's SOW, signed by pat for Fabrikam and by carla for Contoso: the sealed PDF's bytes."""
    carla = customer_user(cso.customer, "carla")
    document = prepare_document(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-02")
    sign_document(document, actor=cast.pat, party="partner", name="Pat Fabrikam", title="Delivery lead")
    sign_document(document, actor=carla, party="customer", name="Carla Contoso", title="CIO", when="2023-10-03")
    document = Document.objects.get(pk=document.pk)
    with document.sealed_file.open("rb") as handle:
        return handle.read()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _verify(user: User | Client, data: bytes, name: str = "sow.pdf") -> Any:
    client = user if isinstance(user, Client) else _client(user)
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_a_reviewer_sees_an_intact_document_its_voucher_template_and_signers(
    cast: Cast, cso: Voucher, sealed_pdf: bytes
) -> None:
    answer = _verify(cast.reviewer, sealed_pdf)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert '<h2 id="verdict">Intact OfferDesk document</h2>' in page
    assert f"for voucher {cso.code}" in page
    assert "as the file claims" not in page
    for expected in ("Pat Fabrikam", "Delivery lead", "user pat", "Carla Contoso", "user carla", "sow.pdf"):
        assert expected in page


def test_a_sealed_pdf_changed_by_one_byte_is_not_intact(cast: Cast, cso: Voucher, sealed_pdf: bytes) -> None:
    changed = bytearray(sealed_pdf)
    at = len(sealed_pdf) // 3  # a byte of the pages, which the seal covers
    changed[at] = ord("1") if changed[at] == ord("0") else ord("0")
    answer = _verify(cast.auditor, bytes(changed))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Not an intact OfferDesk document" in page
    assert "Intact OfferDesk document</h2>" not in page


def test_any_other_pdf_is_not_an_offerdesk_document(cast: Cast) -> None:
    page = _verify(cast.operator, pdf_with_text("A statement of work from elsewhere")).content.decode()
    assert "Not an intact OfferDesk document" in page
    assert "carries no OfferDesk seal" in page


def test_a_file_that_is_no_pdf_says_why_and_nothing_is_stored(cast: Cast) -> None:
    client = _client(cast.finance)  # signing in is audited; verifying is not, and stores nothing
    before = AuditEvent.objects.count()
    page = _verify(client, b"<html>not a pdf</html>", name="sow.pdf").content.decode()
    assert "Not an intact OfferDesk document" in page
    assert "PDF" in page
    assert AuditEvent.objects.count() == before


def test_no_file_is_refused_by_the_field(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.reviewer)
    answer = client.post(reverse(URL), {})
    assert answer.status_code == 400
    assert "This field is required." in answer.content.decode()


def test_a_seller_may_not_verify(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.seller)
    assert client.get(reverse(URL)).status_code == 403
    assert _verify(cast.seller, pdf_with_text("x")).status_code == 403


def test_the_navigation_offers_the_page_to_reviewers_only(cast: Cast) -> None:
    link = f'href="{reverse(URL)}"'
    for user, offered in ((cast.reviewer, True), (cast.auditor, True), (cast.seller, False), (cast.pat, False)):
        client = Client()
        client.force_login(user)
        home = client.get(reverse("portal:account"))
        assert (link in home.content.decode()) is offered, user.username


def test_the_page_costs_its_pinned_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    client = Client()
    client.force_login(cast.reviewer)
    with django_assert_num_queries(SESSION + NAVIGATION):
        assert client.get(reverse(URL)).status_code == 200
