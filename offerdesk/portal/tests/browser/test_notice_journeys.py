"""The notices journey in Chromium: the unread count in the navigation, a notice read and marked read in place
(htmx), then the rest at once; axe on the page at each step."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.selectors import notice_unread_count
from offerdesk.notifications.services import notice_queue
from tests.factories import Cast

from .conftest import assert_accessible, sign_in


def test_a_user_reads_their_notices_and_marks_them_read(page: Page, cast: Cast) -> None:
    # Given pat was told twice that a customer declined Fabrikam
    for name in ("Contoso", "Adatum"):
        context = {"partner_name": "Fabrikam", "offer_name": "CSO", "customer_name": name, "tpid": "T-500"}
        notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[cast.pat.email], context=context)
    newest = cast.pat.notices.order_by("-id").first()
    assert newest is not None
    # When pat signs in; Then the navigation says two are unread
    sign_in(page, cast.pat)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Notices 2 unread")).to_be_visible()
    # When pat opens the notices and reads the newest e-mail
    navigation.get_by_role("link", name="Notices 2 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    assert_accessible(page)
    notice = page.locator(f"#notice-{newest.pk}")
    expect(notice.get_by_role("heading", level=2)).to_contain_text("Fabrikam declined the CSO referral of Adatum")
    notice.get_by_text("Read the e-mail").click()
    expect(notice.locator(".body")).to_contain_text("(TPID T-500)")
    # And marks it read; Then it is, in place, with both counts down to one and the focus on the notice
    notice.get_by_role("button", name="Mark as read").click()
    expect(notice.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(notice.get_by_role("heading", level=2)).to_be_focused()
    expect(page.locator("#notices-summary")).to_contain_text("1 unread")
    expect(navigation.get_by_role("link", name="Notices 1 unread")).to_be_visible()
    assert_accessible(page)
    assert notice_unread_count(user=cast.pat) == 1
    # When pat marks all read; Then none is unread, and the navigation shows no count
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status")).to_contain_text("Marked 1 notice as read.")
    expect(navigation.get_by_role("link", name="Notices", exact=True)).to_be_visible()
    assert_accessible(page)
    assert notice_unread_count(user=cast.pat) == 0
