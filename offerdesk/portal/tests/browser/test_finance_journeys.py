"""Finance's day in Chromium: sign in, add an INR rate, create a payment run, export it (the file read back), send
it, mark its items paid; then the partner reads its statement on the web and as a PDF, the payment in USD and INR.
axe on every state of every page."""

from __future__ import annotations

import csv
import datetime as dt
import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from offerdesk.core import dates
from offerdesk.payouts.models import PaymentRun, Statement
from offerdesk.payouts.services import statements_publish
from offerdesk.payouts.tests.ledger import scheduled_payment
from tests.factories import Cast, partner_user
from tests.factories import partner as make_partner

from .conftest import assert_accessible, sign_in


def test_finance_runs_payments_and_the_partner_reads_its_statement_in_both_currencies(page: Page, cast: Cast) -> None:
    # Given Infosphere, paid in INR, owed $9,000.00 payable 2024-03-16, and no INR rate yet
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    ira = partner_user(indian, "ira")
    scheduled_payment(cast, indian, n=1)
    # When finance signs in and adds the rate
    sign_in(page, cast.finance)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Exchange rates").click()
    expect(page.get_by_role("heading", name="Exchange rates", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Currency").fill("INR")
    page.get_by_label("Rate (units per USD)").fill("0")
    page.get_by_label("Effective from").fill("2024-03-01")
    page.get_by_role("button", name="Add the rate").click()
    expect(page.get_by_role("alert")).to_contain_text("an exchange rate must be above zero")
    assert_accessible(page)
    page.get_by_label("Rate (units per USD)").fill("83.4")
    page.get_by_role("button", name="Add the rate").click()
    expect(page.get_by_role("status")).to_contain_text("Entered 83.4 INR per USD")
    # and creates a run up to the end of March
    nav.get_by_role("link", name="Payment runs").click()
    assert_accessible(page)
    page.get_by_label("Payable up to").fill("2024-03-31")
    page.get_by_role("button", name="Create the run").click()
    expect(page.get_by_role("status")).to_contain_text("created up to")
    run = PaymentRun.objects.get()
    items = page.get_by_role("region", name=f"Items of payment run {run.pk}")
    expect(items).to_contain_text("Infosphere")
    expect(items).to_contain_text("₹750,600.00")
    assert_accessible(page)
    # Then its export reads back with the fixed local amount
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    [row] = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert (row["partner"], row["amount_usd"], row["currency"], row["local_amount"]) == (
        "Infosphere",
        "9000.00",
        "INR",
        "750600.00",
    )
    # When finance sends it and marks the item paid
    page.get_by_role("button", name="Mark sent to the payment system").click()
    expect(page.get_by_role("status")).to_contain_text("marked sent")
    assert_accessible(page)
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_role("status")).to_contain_text("marked paid")
    expect(items).to_contain_text("Paid")
    assert_accessible(page)
    # and this month's statements are published (the daily job, on the next month's first days)
    this_month = dates.today().replace(day=1)
    statements_publish(on=dates.end_of_month(this_month) + dt.timedelta(days=2))
    statement = Statement.objects.get(partner=indian)
    # Then the partner reads it on the web and as a PDF, the payment in USD and INR
    page.context.clear_cookies()
    sign_in(page, ira)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Incentive earning statements are published to the FRP primary contacts"
    )
    assert_accessible(page)
    page.get_by_role("link", name=f"{this_month:%B %Y}").click()
    expect(page.get_by_role("row", name="Paid in the month")).to_contain_text("$9,000.00")
    expect(page.get_by_role("row", name="Paid in the month")).to_contain_text("₹750,600.00")
    assert_accessible(page)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf.value.path())).pages)
    assert "Infosphere" in text and "$9,000.00" in text and "INR 750,600.00" in text
    assert statement.figures["paid_usd"] == "9000.00"
