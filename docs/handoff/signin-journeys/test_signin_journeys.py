"""Journeys of signing in, end to end in Chromium: a password reset through the e-mail; MFA enrolment and sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from typing import Any

from playwright.sync_api import Page, expect

from offerdesk.accounts.models import User
from tests.factories import Cast, audit_events

from .conftest import Inbox, assert_accessible, body_of, sign_in

NEW_PASSWORD = "Fresh-Harbour-2026"


def totp(secret: str, *, at: float | None = None, digits: int = 6, period: int = 30) -> str:
    """RFC 6238 (HMAC-SHA1), computed here as an authenticator app does: what the person would type."""
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


def fresh_totp(secret: str) -> str:
    """A code with a few seconds of its 30 left, so that it is still valid when the server reads it."""
    if 30 - time.time() % 30 < 4:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp(secret)


def test_a_partner_resets_a_forgotten_password_through_the_email(page: Page, cast: Cast, smtp: Inbox) -> None:
    # Given pat, who has forgotten his password
    pat = cast.pat
    sign_in(page, pat)
    page.get_by_role("button", name="Sign out").click()
    # When he asks for a reset link from the sign-in page
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert_accessible(page)
    page.get_by_label("Email").fill(pat.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert_accessible(page)
    # Then an e-mail reaches his mailbox through the SMTP server, with a link to this server
    message = smtp.wait_for(pat.email)
    assert "Password Reset" in str(message["Subject"])
    [link] = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", body_of(message))
    assert link.startswith(page.url.split("/accounts/")[0])
    # When he follows the link and chooses a new password (twice)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    assert_accessible(page)
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()
    assert_accessible(page)
    # Then the old password no longer signs him in, the new one does, and the reset is on the audit trail
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill("pat")
    page.get_by_label("Password").fill("browser-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    assert page.url.endswith(("/account/", "/partner/vouchers/"))
    assert [e.actor for e in audit_events("password.reset")] == [pat]
    # And the link, used once, is spent
    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad Token")


def test_a_reviewer_enrols_an_authenticator_then_signs_in_with_it(
    page: Page, cast: Cast, settings: Any
) -> None:
    # Given production's rule: reviewers must sign in with a second factor
    settings.OFFERDESK_MFA_REQUIRED = True
    rita: User = cast.reviewer
    # When rita signs in with her password, she is sent to set up an authenticator app first,
    # after confirming her password once more
    sign_in(page, rita)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    expect(page.get_by_text("Your role signs in with a second factor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill("browser-Passw0rd!")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)
    # She cannot go anywhere else meanwhile
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Welcome, rita")
    page.goto("/accounts/2fa/totp/activate/")
    secret = page.get_by_label("Authenticator secret").input_value()
    # A wrong code is refused by its field
    page.get_by_label("Authenticator code").fill("000000" if totp(secret) != "000000" else "111111")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    # When she types the code her app shows
    page.get_by_label("Authenticator code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Activate").click()
    # Then two-factor sign-in is on, she gets recovery codes, and the staff home opens
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    assert_accessible(page)
    page.goto("/accounts/2fa/recovery-codes/")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    assert_accessible(page)
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    # When she signs out and in again, the password alone is not enough
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, rita)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert_accessible(page)
    page.get_by_label("Code").fill("999999" if totp(secret) != "999999" else "888888")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    # With the code of her app she is in, on the staff home
    page.get_by_label("Code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    assert_accessible(page)
    # And a recovery code works once in place of the app
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, rita)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    # Every step is on the audit trail: the enrolment, the refused code, each sign-in
    assert [e.data["type"] for e in audit_events("mfa.add")] == ["totp", "recovery_codes"]
    assert [e.data["reason"] for e in audit_events("signin", "refused")] == ["wrong second-factor code"]
    assert len(audit_events("signin", "done")) == 3
