"""The partner's journeys in Chromium, each from sign-in to the resulting state; axe on every page visited.

The server runs in this process, so the wall clock is moved (time-machine, ticking) to the program day each
journey needs; the browser keeps its own clock (the session cookie lives by its Max-Age)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from playwright.sync_api import FilePayload, Page, expect

from offerdesk.documents.models import Document
from offerdesk.payouts.models import Payment
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.services import review_approve
from offerdesk.vouchers.models import Referral, Voucher
from tests.factories import Cast, approved_sow, cso_customer, cso_nominate, customer_user, moment

from ..signing import customer_signs, pdf_with_text
from .conftest import Inbox, assert_accessible, body_of, sign_in


@contextmanager
def program_day(day: str, time: str = "09:00") -> Iterator[None]:
    """The wall clock (server and test alike) at that moment of the program day, ticking."""
    with time_machine.travel(moment(day, time), tick=True):
        yield


def visit(page: Page, link: str) -> None:
    """Follow a link of the main navigation, then check the page with axe."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    assert_accessible(page)


def test_a_partner_accepts_a_cso_referral(page: Page, cast: Cast) -> None:
    referral = cso_nominate(
        cast, customer=cso_customer(cast.operator), partner=cast.fabrikam, when="2023-09-01"
    ).referral
    with program_day("2023-09-05"):
        sign_in(page, cast.pat)
        visit(page, "Referrals")
        row = page.locator(f"#referral-{referral.pk}")
        expect(row).to_contain_text("Contoso")
        expect(row).to_contain_text("26 days left")
        row.get_by_role("button", name="Accept").click()
        expect(row).to_contain_text("Accepted: voucher")  # in place: the page did not reload
        assert_accessible(page)
    voucher = Voucher.objects.get(nomination=referral.nomination)
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert (voucher.partner, voucher.issue_date.isoformat()) == (cast.fabrikam, "2023-09-05")
    expect(row.get_by_role("link", name=voucher.code)).to_be_visible()


def _redeem_in_the_browser(page: Page, voucher: Voucher, step: str, figures: dict[str, str]) -> Document:
    visit(page, "Redeem voucher")
    page.get_by_label("Or pick one of your vouchers").select_option(voucher.code)
    page.get_by_label(step).check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    for label, value in figures.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=re.compile("Generate the")).click()
    expect(page.get_by_role("heading", name=re.compile("Status: Awaiting the partner"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Pat Partner")
    page.get_by_label("Your title").fill("Delivery lead")
    page.get_by_role("button", name=re.compile("Sign the")).click()
    expect(page.get_by_role("heading", name=re.compile("Status: Awaiting the customer"))).to_be_visible()
    return Document.objects.get(key=page.url.rstrip("/").rsplit("/", 1)[-1])


def _submit_once_signed(page: Page, kind: str) -> RedemptionRequest:
    # The status polls (htmx): the customer's signature shows without a reload, with the Submit button
    submit = page.get_by_role("button", name=f"Submit the {kind}")
    expect(submit).to_be_visible(timeout=12_000)
    submit.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("for voucher")
    expect(page.get_by_text("Received", exact=True)).to_be_visible()
    assert_accessible(page)
    return RedemptionRequest.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))


def test_a_partner_redeems_sow_then_poe_and_sees_the_payment(page: Page, cast: Cast, cso: Voucher, smtp: Inbox) -> None:
    carla = customer_user(cso.customer, "carla", email="it@contoso.example")
    with program_day("2023-10-02"):
        sign_in(page, cast.pat)
        # The SOW: generated, signed by the partner, then by the customer (e-mailed a link), then submitted
        document = _redeem_in_the_browser(page, cso, "Initial (Statement of Work)", {"SOW value (USD)": "30000"})
        link = body_of(smtp.wait_for("it@contoso.example"))
        assert f"/customer/documents/{document.key}/" in link
        customer_signs(document, carla)
        sow = _submit_once_signed(page, "SOW")
        assert (sow.kind, sow.status, str(sow.value)) == ("SOW", "received", "30000.00")
        # The SOW is approved (through the service: the review desk is not built yet)
        review_approve(actor=cast.reviewer, request=sow)
        # The POE: the form asks the users deployed, per workload
        document = _redeem_in_the_browser(
            page,
            cso,
            "Final (Proof of Execution)",
            {"Users deployed": "600", "Users on Exchange Online": "600", "Users on Teams": "600"},
        )
        customer_signs(document, carla)
        poe = _submit_once_signed(page, "POE")
        assert (poe.users_deployed, poe.workload_users) == (600, {"Exchange Online": 600, "Teams": 600})
        review_approve(actor=cast.reviewer, request=poe)
        # Then the payment shows under Payments
        visit(page, "Payments")
        payment = Payment.objects.get(request=poe)
        row = page.get_by_role("row").filter(has_text=cso.code)
        expect(row).to_contain_text("$9,000.00")
        expect(row).to_contain_text("Owed")
        assert payment.amount == 9000
        visit(page, "My voucher redemptions")
        page.get_by_label("Status").select_option("approved")  # the filter answers without a reload
        expect(page.locator("#requests tbody tr")).to_have_count(2)
        assert_accessible(page)


def test_a_non_template_pdf_upload_is_refused_with_its_rule_id(page: Page, cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    with program_day("2024-01-10"):
        sign_in(page, cast.pat)
        page.goto(f"/partner/redeem/{cso.code}/POE/")
        page.get_by_role("link", name="Upload it instead").click()
        assert_accessible(page)
        page.get_by_label("Signed PDF").set_input_files(
            files=[
                FilePayload(name="our-poe.pdf", mimeType="application/pdf", buffer=pdf_with_text("Our own POE form"))
            ]
        )
        page.get_by_label("Signed for the customer by (full name)").fill("Carla Customer")
        page.get_by_label("Signed for your company by (full name)").fill("Pat Partner")
        page.get_by_label("Users deployed").fill("600")
        page.get_by_label("Users on Exchange Online").fill("600")
        page.get_by_label("Users on Teams").fill("600")
        page.get_by_role("button", name="Upload and submit").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("CSO-RED-02")
        expect(alert).to_contain_text("only the program's POE template (CSO-POE-2023.08) is accepted")
        expect(page.get_by_label("Signed for the customer by (full name)")).to_have_value("Carla Customer")
        assert_accessible(page)
    assert not RedemptionRequest.objects.filter(kind="POE").exists()


def test_a_double_clicked_generate_prepares_one_document_and_the_page_fits_375_px(
    page: Page, cast: Cast, cso: Voucher
) -> None:
    with program_day("2023-10-02"):
        sign_in(page, cast.pat)
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(f"/partner/redeem/{cso.code}/SOW/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_label("SOW value (USD)").fill("30000")
        page.get_by_role("button", name="Generate the SOW to sign").dblclick()
        expect(page.get_by_role("heading", name=re.compile("Status: Awaiting the partner"))).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert_accessible(page)
    assert Document.objects.count() == 1
