"""The reviewer's journey in Chromium: rita works the queue in urgency order, asks Fabrikam for information on
its SOW, pat answers with a file in the partner portal, rita approves the SOW, then verifies the POE's users per
workload and approves it; axe on every page visited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from playwright.sync_api import FilePayload, Page, expect

from offerdesk.payouts.models import Payment
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, cso_customer, cso_voucher, moment, submit

from ..reviewing import submitted_document
from .conftest import assert_accessible, sign_in

DAY = "2023-10-03"


@contextmanager
def program_day(day: str, time: str = "09:00") -> Iterator[None]:
    """The wall clock (server and test alike) at that moment of the program day, ticking."""
    with time_machine.travel(moment(day, time), tick=True):
        yield


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def open_queue(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert_accessible(page)


def open_request(page: Page, request: RedemptionRequest) -> None:
    page.get_by_role("link", name=f"{request.kind} #{request.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{request.pk}")
    assert_accessible(page)


def test_a_reviewer_asks_then_approves_the_sow_and_verifies_and_approves_the_poe(
    page: Page, cast: Cast, cso: Voucher
) -> None:
    # Given Woodgrove's SOW of Thursday 09-28, due Monday 10-02 (overdue), and Contoso's sealed SOW of 10-02
    woodgrove = cso_voucher(cast, customer=cso_customer(cast.operator, tpid="T-200", name="Woodgrove"))
    late = submit(actor=cast.pat, voucher=woodgrove, partner=cast.fabrikam, kind="SOW", when="2023-09-28")
    sow = submitted_document(cast, cso, when="2023-10-02")
    with program_day(DAY):
        # When rita opens the queue: the overdue request first, then Contoso's, due tomorrow
        sign_in(page, cast.reviewer)
        open_queue(page)
        rows = page.locator("#table-review-queue tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(f"SOW #{late.pk}")
        expect(rows.nth(0)).to_contain_text("overdue by 1 business day")
        expect(rows.nth(1)).to_contain_text("Contoso")
        expect(rows.nth(1)).to_contain_text("due in 1 business day")
        # And opens Contoso's SOW: its PDF in the page, verified intact
        open_request(page, sow)
        expect(page.locator("object.pdf")).to_have_attribute("data", f"/staff/reviews/{sow.pk}/document/")
        expect(page.locator("#verification")).to_contain_text("Intact OfferDesk document")
        # When she asks for information, the clock pauses
        page.get_by_label("Question for the partner").fill("Which sites are in scope?")
        page.get_by_role("button", name="Ask the partner").click()
        expect(page.locator("#sla-clock")).to_have_text("paused: waiting for information")
        expect(page.get_by_text("the review clock is paused until it answers")).to_be_visible()
        assert_accessible(page)
        sign_out(page)

        # When pat answers in the partner portal, with a file
        sign_in(page, cast.pat)
        page.goto(f"/partner/redemptions/{sow.pk}/")
        page.get_by_label("Your answer").fill("Seattle and Redmond; the list is attached.")
        page.get_by_label("Attach a file (optional)").set_input_files(
            FilePayload(name="sites.pdf", mimeType="application/pdf", buffer=b"%PDF-1.7\n% the sites\n")
        )
        page.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_text("Your answer is sent")).to_be_visible()
        sign_out(page)

        # Then rita reads the answer and its file, and approves the SOW
        sign_in(page, cast.reviewer)
        open_queue(page)
        open_request(page, sow)
        expect(page.locator("#steps")).to_contain_text("Seattle and Redmond")
        attachment = page.get_by_role("link", name="sites.pdf")
        with page.expect_download() as downloaded:
            attachment.click()
        assert downloaded.value.suggested_filename == "sites.pdf"
        expect(page.locator("#sla-clock")).to_contain_text("due in")
        page.get_by_role("button", name="Approve the SOW").click()
        expect(page.get_by_text(f"Approved: SOW #{sow.pk} of Fabrikam.")).to_be_visible()
        assert_accessible(page)
        sow.refresh_from_db()
        assert sow.status == "approved"
        assert [d.outcome for d in Decision.objects.filter(request=sow)] == [
            "info_requested",
            "info_provided",
            "approved",
        ]

        # Given Fabrikam's POE, sealed the same day: 600 users on Exchange Online and Teams
        poe = submitted_document(
            cast,
            cso,
            kind="POE",
            when=DAY,
            users_deployed=600,
            workload_users={"Exchange Online": 600, "Teams": 600},
        )
        # When rita verifies its users per workload, then approves it
        open_queue(page)
        open_request(page, poe)
        page.get_by_label("Verified users:", exact=True).fill("580")
        page.get_by_label("Verified users on Exchange Online").fill("580")
        page.get_by_label("Verified users on Teams").fill("560")
        page.get_by_role("button", name="Record verified users").click()
        expect(page.locator("#verified-users")).to_have_text("580; Exchange Online: 580; Teams: 560")
        expect(page.locator("#approval-findings")).to_contain_text("CSO-WL-02 passes")
        assert_accessible(page)
        page.get_by_role("button", name="Approve the POE").click()
        expect(page.get_by_text(f"Approved: POE #{poe.pk} of Fabrikam.")).to_be_visible()
        # Then 580 users are paid at $15 (CSO-PAY-01)
        assert Payment.objects.get(request=poe).amount == 580 * 15
        # And the queue holds only Woodgrove's overdue SOW
        open_queue(page)
        expect(page.locator("#table-review-queue tbody tr")).to_have_count(1)
