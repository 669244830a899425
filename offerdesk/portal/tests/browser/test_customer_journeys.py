"""Browser journeys of the customer's portal, end to end in Debian's Chromium: a FY24 customer chooses its
partner and the partner redeems; the customer declines a document; a double-clicked choice is one request."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import Page, expect

from offerdesk.accounts.models import User
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_prepare, document_submit
from offerdesk.redemptions.choices import RequestStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_get_for
from tests.factories import Cast, customer, customer_user, moment, mws_voucher, sign_document

from .conftest import Inbox, assert_accessible, body_of, sign_in
from .customer_steps import customer_chooses_partner, customer_signs, sign_out_if_signed_in

DAY = "2023-10-09"  # the DEP voucher was issued on 2023-10-05


@pytest.fixture
def journey_clock() -> Iterator[None]:
    """The wall clock of the server and the test alike (the voucher lives in 2023)."""
    with time_machine.travel(moment(DAY, "09:00"), tick=True):
        yield


@pytest.fixture
def dep(cast: Cast) -> Voucher:
    """Adatum's open $75,000 DEP voucher, issued on 2023-10-05, no partner yet."""
    return mws_voucher(cast, customer=customer(cast.operator, tpid="T-600", name="Adatum"))


@pytest.fixture
def alice(dep: Voucher) -> User:
    return customer_user(dep.customer, "alice", email="it@adatum.example")


def signing_link(inbox: Inbox, to: str, timeout: float = 10) -> str:
    """The link to sign in the first e-mail to `to` that carries one (the voucher's own e-mail came first)."""
    pattern = re.compile(r"https?://\S+/customer/documents/[\w-]+/")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(inbox.messages):
            found = pattern.search(body_of(message)) if to in str(message.get("To", "")) else None
            if found:
                return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {to} carried a link to sign")


def test_a_fy24_customer_chooses_a_partner_and_the_partner_redeems(
    page: Page, smtp: Inbox, journey_clock: None, cast: Cast, dep: Voucher, alice: User
) -> None:
    # When alice chooses Fabrikam from the approved list
    customer_chooses_partner(page, customer=alice, voucher_code=dep.code, search="fabri", partner_name="Fabrikam")
    # Then Fabrikam is e-mailed the voucher ID, and pat sees the voucher
    chosen = smtp.wait_for(cast.fabrikam.primary_contact)
    assert dep.code in body_of(chosen) and "Adatum" in str(chosen["Subject"])
    assert voucher_get_for(user=cast.pat, key=dep.code).partner == cast.fabrikam
    sign_out_if_signed_in(page)
    sign_in(page, cast.pat)
    shown = page.goto("/partner/vouchers/")
    if shown is not None and shown.status == 200:  # the partner's pages (helper ppartner) where they exist
        expect(page.get_by_role("row").filter(has_text=dep.code)).to_be_visible()
        assert_accessible(page)
    # When Fabrikam prepares and signs the SOW (through the documents services: the partner's redeem pages
    # are helper ppartner's journey), the customer is e-mailed the link and signs it in the page
    sow = document_prepare(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", value="60000.00")
    sign_document(sow, actor=cast.pat, party="partner", when=None, name="Pat Partner", title="Delivery lead")
    customer_signs(page, customer=alice, link=signing_link(smtp, "it@adatum.example"))
    # Then the sealed SOW is Fabrikam's to submit, and it is Received
    sealed = Document.objects.get(pk=sow.pk)
    assert sealed.status == DocumentStatus.SEALED
    request = document_submit(actor=cast.pat, document=sealed)
    assert (request.kind, request.status, request.partner) == ("SOW", RequestStatus.RECEIVED, cast.fabrikam)


def test_a_double_clicked_choice_makes_one_request(
    page: Page, journey_clock: None, cast: Cast, dep: Voucher, alice: User
) -> None:
    sign_in(page, alice)
    page.goto(f"/customer/vouchers/{dep.code}/partner/?name=north")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("#results").get_by_role("button", name="Choose Northwind").dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("My vouchers")
    assert len(posts) == 1
    assert Voucher.objects.get(pk=dep.pk).partner == cast.northwind


def test_an_affiliated_partner_is_refused_in_the_page(
    page: Page, journey_clock: None, cast: Cast, dep: Voucher, alice: User
) -> None:
    from offerdesk.customers.services import company_group_get_or_create, customer_set_company_group
    from tests.factories import on, partner

    with on("2023-07-03"):
        group = company_group_get_or_create(actor=cast.operator, name="Adatum group")
        customer_set_company_group(actor=cast.operator, customer=dep.customer, group=group)
    partner(cast.operator, "Adatum Services", country="US", company_group=group)
    sign_in(page, alice)
    page.goto(f"/customer/vouchers/{dep.code}/partner/")
    page.get_by_label("Country").select_option(label="United States")
    results = page.locator("#results")
    expect(results.get_by_role("row").filter(has_text="Adatum Services")).to_be_visible()
    expect(results.get_by_role("row").filter(has_text="Northwind")).to_have_count(0)
    results.get_by_role("button", name="Choose Adatum Services").click()
    expect(page.get_by_role("alert")).to_contain_text("MWS-LIM-06")
    assert_accessible(page)
    assert Voucher.objects.get(pk=dep.pk).partner is None


def test_the_customer_declines_a_document_with_a_reason(
    page: Page, journey_clock: None, cast: Cast, dep: Voucher, alice: User
) -> None:
    from offerdesk.vouchers.services import voucher_choose_partner

    voucher_choose_partner(actor=alice, voucher=dep, partner=cast.fabrikam)
    sow = document_prepare(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", value="60000.00")
    sign_document(sow, actor=cast.pat, party="partner", when=None, name="Pat Partner", title="Delivery lead")
    sign_in(page, alice)
    page.get_by_role("link", name="Documents to sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents to sign")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Statement of Work")).click()
    signing = page.locator("#signing")
    signing.get_by_role("button", name="Decline").click()  # no reason: refused by its field, in place
    expect(page.locator("#signing")).to_contain_text("reason: is required (OD-IN-01)")
    page.locator("#signing").get_by_label("Reason").fill("The SOW value is not what we agreed.")
    page.locator("#signing").get_by_role("button", name="Decline").click()
    expect(page.locator("#signing")).to_contain_text("Declined")
    assert_accessible(page)
    assert Document.objects.get(pk=sow.pk).declined_reason == "The SOW value is not what we agreed."
