"""The customer's steps of the browser journeys, for any journey to reuse (the partner's SOW journey calls
`customer_signs` once its partner has signed): each starts from wherever the page is and ends on the page
that shows the result, every page checked by axe on the way."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from offerdesk.accounts.models import User

from .conftest import assert_accessible, sign_in

SIGN_IN_PATH = "/accounts/login/"


def sign_out_if_signed_in(page: Page) -> None:
    """Sign out whoever the page is signed in as (the journeys pass one browser from party to party)."""
    if page.url.startswith("about:"):
        return
    sign_out = page.get_by_role("button", name="Sign out")
    if sign_out.count():
        sign_out.click()
        page.wait_for_url(re.compile(re.escape(SIGN_IN_PATH)))


def customer_chooses_partner(page: Page, *, customer: User, voucher_code: str, search: str, partner_name: str) -> None:
    """The customer signs in, lands on My vouchers, searches the approved list and chooses the partner."""
    sign_out_if_signed_in(page)
    sign_in(page, customer)
    expect(page.get_by_role("heading", level=1)).to_have_text("My vouchers")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text=voucher_code)
    row.get_by_role("link", name=re.compile("Choose partner")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose partner")
    assert_accessible(page)
    page.get_by_label("Partner name").fill(search)  # htmx runs the search as the customer types
    results = page.locator("#results")
    expect(results.get_by_role("row").filter(has_text=partner_name)).to_be_visible()
    assert_accessible(page)
    results.get_by_role("button", name=f"Choose {partner_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My vouchers")
    expect(page.get_by_role("status")).to_contain_text(f"{partner_name} will redeem voucher {voucher_code}")
    expect(page.get_by_role("row").filter(has_text=voucher_code)).to_contain_text(partner_name)
    assert_accessible(page)


def customer_signs(
    page: Page, *, customer: User, link: str, name: str = "Carla Customer", title: str = "Chief Information Officer"
) -> None:
    """The customer's signing step of the SOW (or POE) journey: signs in, opens the link it was e-mailed
    (`/customer/documents/<key>/`, absolute or not), reads the document in the page, signs with its typed
    full name and title; ends on the document's page, sealed."""
    sign_out_if_signed_in(page)
    sign_in(page, customer)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert_accessible(page)
    expect(page.locator("iframe.document-viewer")).to_be_attached()
    signing = page.locator("#signing")
    expect(signing).to_contain_text("Waiting for your signature")
    signing.get_by_label("Full name").fill(name)
    signing.get_by_label("Title").fill(title)
    signing.get_by_role("button", name="Sign").click()
    expect(page.locator("#signing")).to_contain_text("Signed by both and sealed")
    expect(page.locator("#signing")).to_contain_text(f"{name}, {title}")
    assert_accessible(page)
