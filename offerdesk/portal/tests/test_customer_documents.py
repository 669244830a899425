"""The customer's Documents to sign: the list, the document read in the page, Sign and Decline (by field,
input kept, nothing changed on a refusal; another customer's document is not found), the shared file routes
(attachment, nosniff, only for who may see the document), query counts pinned."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_decline, document_prepare
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.services import voucher_choose_partner
from tests.factories import Cast, customer, customer_user, on, sign_document, snapshot

TODAY = "2023-10-06"


@pytest.fixture
def alice(cast: Cast, dep: Voucher) -> User:
    """Signs in for Adatum, who chose Fabrikam for its DEP voucher."""
    user = customer_user(dep.customer, "alice")
    with on(TODAY):
        voucher_choose_partner(actor=user, voucher=dep, partner=cast.fabrikam)
    return user


def prepared(cast: Cast, voucher: Voucher, *, signed: bool = True, value: str = "60000.00") -> Document:
    """A SOW Fabrikam prepared for the voucher, signed by pat unless told: the customer's turn."""
    with on(TODAY):
        sow = document_prepare(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, kind="SOW", value=value)
        if not signed:
            return sow
        return sign_document(sow, actor=cast.pat, party="partner", when=None, name="Pat Partner", title="Delivery lead")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(document: Document) -> str:
    return reverse("portal:customer-document", kwargs={"key": document.key})


def sign_url(document: Document) -> str:
    return reverse("portal:customer-document-sign", kwargs={"key": document.key})


def decline_url(document: Document) -> str:
    return reverse("portal:customer-document-decline", kwargs={"key": document.key})


def test_the_list_shows_the_documents_the_partners_prepared(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    with on(TODAY):
        page = client_for(alice).get(reverse("portal:customer-documents")).content.decode()
    assert page_of(sow) in page and dep.code in page and "Fabrikam" in page
    assert "Waiting for your signature" in page


def test_the_document_is_read_in_the_page(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    with on(TODAY):
        response = client_for(alice).get(page_of(sow))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:document-view", kwargs={"key": sow.key}) in page  # the PDF, framed
    assert dep.code in page.split('class="document-text"')[1]  # and its text, read back from the PDF
    assert f'value="{sow.sha256}"' in page  # what is signed is what was shown


def test_the_customer_signs_with_its_full_name_and_title(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    with on(TODAY):
        client = client_for(alice)
        response = client.post(
            sign_url(sow), {"name": "Alice Adams", "title": "CIO", "shown": sow.sha256}, REMOTE_ADDR="203.0.113.9"
        )
        assert response.status_code == 302 and response["Location"] == page_of(sow)
        page = client.get(page_of(sow)).content.decode()
    assert "You signed the Statement of Work" in page
    signed = Document.objects.get(pk=sow.pk)
    assert signed.status == DocumentStatus.SEALED
    customer_signature = signed.signatures.get(party="customer")
    assert (customer_signature.name, customer_signature.title, customer_signature.signed_by) == (
        "Alice Adams",
        "CIO",
        alice,
    )
    assert (customer_signature.ip_address, customer_signature.shown_sha256) == ("203.0.113.9", sow.sha256)


def test_htmx_signs_in_place(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    with on(TODAY):
        response = client_for(alice).post(
            sign_url(sow), {"name": "Alice Adams", "title": "CIO", "shown": sow.sha256}, HTTP_HX_REQUEST="true"
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="panel" id="signing"')
    assert "Signed by both and sealed" in page and "You signed the Statement of Work" in page


@pytest.mark.parametrize(
    ("data", "status", "shown"),
    [
        ({"name": "", "title": "CIO"}, 400, "name: is required (OD-IN-01)"),
        ({"name": "Alice Adams", "title": ""}, 400, "title: is required (OD-IN-01)"),
        ({"name": "A\u202eB", "title": "CIO"}, 400, "name: "),
        ({"name": "Alice Adams", "title": "CIO", "shown": "0" * 64}, 400, "the document changed since it was shown"),
    ],
)
def test_a_bad_signature_is_refused_by_its_field_and_changes_nothing(
    cast: Cast, dep: Voucher, alice: User, data: dict[str, str], status: int, shown: str
) -> None:
    sow = prepared(cast, dep)
    data = {"shown": sow.sha256, **data}
    before = snapshot()
    with on(TODAY):
        response = client_for(alice).post(sign_url(sow), data)
    assert response.status_code == status
    page = response.content.decode()
    assert shown in page
    if data["title"]:
        assert f'value="{data["title"]}"' in page  # the input is kept
    assert snapshot() == before


def test_the_customer_declines_with_a_reason(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    with on(TODAY):
        client = client_for(alice)
        refused = client.post(decline_url(sow), {"reason": "  "})
        assert refused.status_code == 400 and "reason: is required (OD-IN-01)" in refused.content.decode()
        assert Document.objects.get(pk=sow.pk).status == DocumentStatus.AWAITING_CUSTOMER
        response = client.post(decline_url(sow), {"reason": "Not the value we agreed."})
    assert response.status_code == 302
    declined = Document.objects.get(pk=sow.pk)
    assert (declined.status, declined.declined_reason, declined.declined_by) == (
        DocumentStatus.DECLINED,
        "Not the value we agreed.",
        alice,
    )


def test_signing_twice_is_a_conflict_not_a_second_signature(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    data = {"name": "Alice Adams", "title": "CIO", "shown": sow.sha256}
    with on(TODAY):
        client = client_for(alice)
        assert client.post(sign_url(sow), data).status_code == 302
        assert client.post(sign_url(sow), data).status_code == 409
    assert Document.objects.get(pk=sow.pk).signatures.filter(party="customer").count() == 1


def test_another_customers_document_is_not_found_and_a_forged_post_changes_nothing(
    cast: Cast, dep: Voucher, alice: User
) -> None:
    sow = prepared(cast, dep)
    otto = customer_user(customer(cast.operator, tpid="T-700", name="Proseware"), "otto")
    before = snapshot()
    with on(TODAY):
        client = client_for(otto)
        assert client.get(page_of(sow)).status_code == 404
        assert client.post(sign_url(sow), {"name": "Otto", "title": "CEO", "shown": sow.sha256}).status_code == 404
        assert client.post(decline_url(sow), {"reason": "mine now"}).status_code == 404
        for route in ("portal:document-download", "portal:document-view"):
            assert client.get(reverse(route, kwargs={"key": sow.key})).status_code == 404
    assert snapshot() == before


def test_the_file_is_an_attachment_with_nosniff_for_who_may_see_it(cast: Cast, dep: Voucher, alice: User) -> None:
    sow = prepared(cast, dep)
    for user in (alice, cast.pat, cast.reviewer):
        with on(TODAY):
            response = client_for(user).get(reverse("portal:document-download", kwargs={"key": sow.key}))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert hashlib.sha256(response.content).hexdigest() == sow.sha256
    with on(TODAY):
        inline = client_for(alice).get(reverse("portal:document-view", kwargs={"key": sow.key}))
    assert inline["Content-Disposition"].startswith("inline; filename=")
    assert inline["X-Content-Type-Options"] == "nosniff" and inline["X-Frame-Options"] == "SAMEORIGIN"
    with on(TODAY):
        assert (
            client_for(cast.nico).get(reverse("portal:document-download", kwargs={"key": sow.key})).status_code == 404
        )


# ---------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("rows", [1, 50])
def test_documents_to_sign_takes_the_same_queries_for_1_and_50_rows(
    cast: Cast, dep: Voucher, alice: User, rows: int, django_assert_num_queries: Any
) -> None:
    for _ in range(rows - 1):  # declined, then prepared again: one voucher's SOW history
        with on(TODAY):
            document_decline(actor=alice, document=prepared(cast, dep), reason="again")
    prepared(cast, dep)
    client = client_for(alice)
    # the session, its user, the documents with their vouchers, offers, customers and partners, the navigation's
    # unread notices
    with on(TODAY), django_assert_num_queries(4):
        response = client.get(reverse("portal:customer-documents"))
    assert response.content.decode().count("<tr>") == rows + 1


def test_a_documents_page_takes_a_fixed_number_of_queries(
    cast: Cast, dep: Voucher, alice: User, django_assert_num_queries: Any
) -> None:
    sow = prepared(cast, dep)
    client = client_for(alice)
    # the session, its user, the document, its signatures and their signers, the file (scoped again), the
    # navigation's unread notices
    with on(TODAY), django_assert_num_queries(7):
        assert client.get(page_of(sow)).status_code == 200
