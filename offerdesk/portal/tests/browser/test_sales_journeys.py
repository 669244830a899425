"""The seller's day in Chromium: from sign-in, find a customer, read why it is or is not eligible, nominate it for
the Customer Success Offer with its partner, and find the nomination in the list; an operator cancels a voucher
with a reason. axe on every state of every page."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from offerdesk.vouchers.models import Nomination, Voucher
from tests.factories import Cast, cso_customer, customer, mws_voucher

from .conftest import assert_accessible, sign_in


def test_a_seller_finds_a_customer_reads_its_eligibility_and_nominates_it(page: Page, cast: Cast) -> None:
    # Given Contoso, whom the CSO fits, and Adatum, who holds no seats
    contoso = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    customer(cast.operator, tpid="T-200", name="Adatum")
    cast.fabrikam  # noqa: B018 - the partner to map
    # When the seller signs in and searches the customers
    sign_in(page, cast.seller)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("TPID or name").fill("conto")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#table-customers")
    expect(table.get_by_role("row")).to_have_count(2)  # the heading and Contoso
    assert_accessible(page)
    table.get_by_role("link", name="T-100").click()
    expect(page.get_by_role("heading", name="Contoso", level=1)).to_be_visible()
    assert_accessible(page)
    # Then its eligibility lists the rule that keeps it out of the CSO today: no partner mapped yet
    page.get_by_role("link", name="Eligibility").click()
    cso = page.locator('[data-offer="Customer Success Offer"]')
    expect(cso).to_contain_text("Not eligible")
    expect(cso).to_contain_text("CSO-NOM-02")
    assert_accessible(page)
    # When the seller nominates Contoso with Fabrikam from its page
    page.get_by_role("link", name="Contoso (TPID T-100)").click()
    page.get_by_role("combobox", name=re.compile(r"^Offer")).select_option("CSO")
    page.get_by_label("Partner (Customer Success Offer only)").select_option(label="Fabrikam")
    page.get_by_role("button", name="Nominate").click()
    # Then the page says so, the nomination is in its list, and Fabrikam is referred
    expect(page.get_by_role("status")).to_contain_text("Nominated Contoso for the Customer Success Offer")
    assert_accessible(page)
    nomination = Nomination.objects.get(customer=contoso)
    assert nomination.partner == cast.fabrikam and nomination.referral.partner == cast.fabrikam
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Nominations").click()
    expect(page.locator("#table-nominations")).to_contain_text("Contoso")
    assert_accessible(page)
    # and the eligibility now passes the nomination rule
    page.goto(f"/staff/customers/{contoso.tpid}/eligibility/")
    expect(page.locator('[data-offer="Customer Success Offer"]')).not_to_contain_text("CSO-NOM-02")


def test_an_operator_exports_the_vouchers_and_cancels_one_with_a_reason(page: Page, cast: Cast) -> None:
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-200", name="Adatum"))
    sign_in(page, cast.operator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Vouchers").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[1][0] == voucher.code and rows[1][1] == "Adatum"
    page.locator("#table-vouchers").get_by_role("link", name=voucher.code).click()
    page.get_by_role("button", name="Cancel the voucher").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(page.locator("#cancel").locator("..")).to_contain_text("say why the voucher is cancelled")
    assert_accessible(page)
    page.get_by_label("Reason for cancelling").fill("Issued twice by mistake")
    page.get_by_role("button", name="Cancel the voucher").click()
    expect(page.get_by_role("status")).to_contain_text(f"Voucher {voucher.code} is cancelled")
    voucher.refresh_from_db()
    assert voucher.status == "cancelled"
    assert Voucher.objects.filter(status="cancelled").count() == 1
