"""The harness itself: signing in lands each role on its home; the pages pass axe; nothing leaves the server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import Cast

from .conftest import OutsideRequests, assert_accessible, sign_in


def test_a_reviewer_signs_in_and_lands_on_the_staff_home(page: Page, cast: Cast) -> None:
    # Given the sign-in page
    page.goto("/")
    expect(page).to_have_title("Sign in · OfferDesk")
    assert_accessible(page)
    # When the reviewer signs in with her e-mail address
    sign_in(page, cast.reviewer, login=cast.reviewer.email)
    # Then she lands on the staff home, which passes axe
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    expect(page).to_have_url(f"{page.url.split('/staff/')[0]}/staff/")
    assert_accessible(page)


def test_a_wrong_password_is_refused_and_the_login_kept(page: Page, cast: Cast) -> None:
    sign_in(page, cast.pat)
    page.get_by_role("button", name="Sign out").click()
    # When pat signs in with a wrong password
    page.get_by_label("Username or e-mail").fill("pat")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    # Then the page says so, keeps what he typed and passes axe
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page.get_by_label("Username or e-mail")).to_have_value("pat")
    assert_accessible(page)


def test_the_layout_is_usable_at_375_px(page: Page, cast: Cast) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, cast.pat)
    # Then the account page fits: nothing wider than the screen, and it passes axe
    page.goto("/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_the_skip_link_moves_the_focus_to_the_content(page: Page, cast: Cast) -> None:
    sign_in(page, cast.pat)
    page.goto("/account/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_request_leaving_the_server_is_refused_and_recorded(
    page: Page, cast: Cast, outside_requests: OutsideRequests
) -> None:
    sign_in(page, cast.pat)
    # When the page tries to reach another host (a CDN, say)
    reached = page.evaluate("fetch('http://cdn.example.com/htmx.js').then(() => true, () => false)")
    # Then the request never leaves: it is refused and recorded (and would fail the test at its end)
    assert reached is False
    assert outside_requests.urls == ["http://cdn.example.com/htmx.js"]
    outside_requests.urls.clear()
