"""The reviewers' "Verify a document" in Chromium: a reviewer reaches it from the navigation, uploads a sealed
SOW and reads that it is intact, for which voucher and signed by whom; the same file with one byte changed is
not intact; axe on every state of the page. A seller is not offered the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from offerdesk.documents.models import Document
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, customer_user, on, prepare_document, sign_document

from ..signing import customer_signs
from .conftest import assert_accessible, sign_in

LINK = "Verify a document"
PATH = "/staff/verify/"


@pytest.fixture
def sealed_sow(cast: Cast, cso: Voucher, tmp_path: Path) -> Path:
    """Contoso's SOW, signed by pat for Fabrikam and by carla for Contoso, sealed: its PDF, written to a file."""
    carla = customer_user(cso.customer, "carla")
    document = prepare_document(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-02")
    sign_document(document, actor=cast.pat, party="partner", name="Pat Fabrikam", title="Delivery lead")
    with on("2023-10-03", "10:00"):
        customer_signs(document, carla)  # the second signature seals, in a thread of its own under Playwright
    document = Document.objects.get(pk=document.pk)
    path = tmp_path / "sow.pdf"
    with document.sealed_file.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def one_byte_changed(sealed: Path) -> Path:
    """A copy of the sealed PDF with one byte of its pages changed (a byte the seal covers)."""
    data = bytearray(sealed.read_bytes())
    at = len(data) // 3
    data[at] = ord("1") if data[at] == ord("0") else ord("0")
    changed = sealed.with_name("sow-changed.pdf")
    changed.write_bytes(bytes(data))
    return changed


def verify(page: Page, pdf: Path) -> None:
    """Choose the file in the page's form and send it; the page that answers shows the verdict."""
    page.get_by_label("PDF to verify").set_input_files(pdf)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(PATH)) as posted:
        page.get_by_role("button", name="Verify", exact=True).click()
    assert posted.value.status == 200
    page.wait_for_load_state()


def test_a_reviewer_verifies_a_sealed_sow_then_the_same_sow_changed_by_one_byte(
    page: Page, cast: Cast, cso: Voucher, sealed_sow: Path
) -> None:
    # Given rita, a reviewer, signed in; she reaches the page from the navigation
    sign_in(page, cast.reviewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=LINK, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LINK)
    expect(page).to_have_title(re.compile(LINK))
    assert_accessible(page)
    # When she uploads the sealed SOW, then it is intact, for Contoso's voucher, signed by both
    verify(page, sealed_sow)
    result = page.locator("#result")
    expect(result.get_by_role("heading", level=2)).to_have_text("Intact OfferDesk document")
    expect(result.get_by_role("status")).to_have_text("sow.pdf: intact: sealed by OfferDesk and unchanged since")
    expect(result).to_contain_text(f"for voucher {cso.code}")
    expect(result).not_to_contain_text("as the file claims")
    expect(result).to_contain_text("Pat Fabrikam (Delivery lead), user pat")
    expect(result).to_contain_text("Carla Customer (CIO), user carla")
    assert_accessible(page)
    # When she uploads the same file with one byte of its pages changed, then it is not intact
    verify(page, one_byte_changed(sealed_sow))
    result = page.locator("#result")
    expect(result.get_by_role("heading", level=2)).to_have_text("Not an intact OfferDesk document")
    expect(result.get_by_role("status")).to_contain_text("sow-changed.pdf: the file was changed after it was sealed")
    expect(result).to_contain_text(f"for voucher {cso.code} (as the file claims; not vouched for)")
    expect(page.get_by_text("Intact OfferDesk document", exact=True)).to_have_count(0)
    assert_accessible(page)


def test_a_seller_is_not_offered_the_page(page: Page, cast: Cast) -> None:
    # Given mira, a seller, signed in: neither the navigation nor the staff home links to the page
    sign_in(page, cast.seller)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name=LINK)).to_have_count(0)
    assert_accessible(page)
    # And the address typed in is refused
    answer = page.goto(PATH)
    assert answer is not None and answer.status == 403
