"""The API tokens journey in Chromium (issue 9, ADR 29): from the account page a partner user makes a token, reads
its secret off the page, and the API answers a call with it over real HTTP; revoked on the page after its
confirmation, the same call is refused. axe on every page."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from offerdesk.apikeys.models import ApiToken
from tests.factories import Cast

from .conftest import assert_accessible, sign_in


def call_vouchers(server: str, secret: str) -> tuple[int, str]:
    """GET /api/v1/vouchers/ on the live server with the token, as a partner's program would: status, type."""
    request = urllib.request.Request(f"{server}/api/v1/vouchers/", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            json.loads(answer.read())
            return answer.status, answer.headers["Content-Type"]
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"]


def test_a_partner_user_makes_a_token_uses_it_and_revokes_it(page: Page, server: str, cast: Cast) -> None:
    # Given pat signed in; When pat goes to Your account → API tokens
    sign_in(page, cast.pat)
    page.get_by_role("link", name=cast.pat.get_full_name() or cast.pat.username).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert_accessible(page)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no API token yet.")).to_be_visible()
    assert_accessible(page)
    # When pat makes a read token for 30 days
    page.get_by_label("Name").fill("PSA nightly sync")
    page.get_by_label("Read only").check()
    page.get_by_label("Valid for (days)").fill("30")
    page.get_by_role("button", name="Make token").click()
    # Then the page shows its secret once, with the hint to copy it now, and lists the token
    expect(page.get_by_role("heading", name="Your new token “PSA nightly sync”")).to_be_focused()
    secret = page.get_by_label("Secret").input_value()
    assert secret.startswith("odk_") and len(secret) > 40
    expect(page.get_by_text("Copy it now")).to_be_visible()
    token = ApiToken.objects.get(user=cast.pat)
    row = page.locator(f"#api-token-{token.pk}")
    expect(row).to_contain_text("PSA nightly sync")
    expect(row).to_contain_text(f"odk_{token.prefix}…")
    expect(row).to_contain_text("Read only")
    expect(row).to_contain_text("Active")
    assert_accessible(page)
    # When a program calls the API with it; Then it is answered
    assert call_vouchers(server, secret) == (200, "application/json; charset=utf-8")
    # And the list, opened again, never shows the secret again (and says when it was last used)
    page.goto("/account/api-tokens/")
    expect(page.get_by_label("Secret")).to_have_count(0)
    assert secret not in page.content()
    expect(row).not_to_contain_text("never")
    # When pat revokes it, confirming on its page
    row.get_by_role("link", name="Revoke PSA nightly sync").click()
    expect(page.get_by_role("heading", name="Revoke this token?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke “PSA nightly sync”").click()
    # Then the list says it is revoked, and the same call is refused
    expect(page.get_by_role("status")).to_contain_text("is revoked: it no longer works")
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("link")).to_have_count(0)
    assert_accessible(page)
    assert call_vouchers(server, secret) == (401, "application/problem+json")
