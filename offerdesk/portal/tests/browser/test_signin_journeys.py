"""Journeys of signing in, end to end in Chromium: a password reset through the e-mail; a second factor (an
authenticator app, with recovery codes) taken up by choice or because the role requires it. axe on every page.

The pages' wording is allauth's own (its templates, in the portal's layout); the codes are computed here as an
authenticator app computes them, from the secret the activation page shows."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Collection
from typing import Any

from playwright.sync_api import Page, expect

from tests.factories import Cast, audit_events

from .conftest import PASSWORD, Inbox, assert_accessible, body_of, sign_in

NEW_PASSWORD = "Fresh-Harbour-2026"
PERIOD = 30  # seconds a TOTP code lasts (allauth's MFA_TOTP_PERIOD, with no tolerance either side)


def totp(secret: str, *, at: float | None = None, digits: int = 6, period: int = PERIOD) -> str:
    """RFC 6238 (HMAC-SHA1), computed here as an authenticator app does: what the person would type."""
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


def fresh_totp(secret: str, *, typed: Collection[str] = ()) -> str:
    """The app's code once it has a few seconds left (still valid when the server reads it) and differs from the
    codes already `typed` (allauth takes a code once): a person would wait for the next one too."""
    while True:
        left = PERIOD - time.time() % PERIOD
        if left >= 4 and (code := totp(secret)) not in typed:
            return code
        time.sleep(left + 0.2)


def wrong_code(secret: str) -> str:
    """Six digits that are not the app's code now."""
    return "000000" if totp(secret) != "000000" else "111111"


def sign_out(page: Page) -> None:
    """Sign out from the header; the sign-in page follows."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def confirm_access(page: Page) -> None:
    """allauth asks for the password again before a second factor is set up."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def activate_authenticator(page: Page) -> tuple[str, list[str]]:
    """On the activation page: read the secret as shown, type the app's code; the recovery codes follow.
    Returns the secret and the unused recovery codes."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    expect(page.get_by_text("There are 10 out of 10 recovery codes available.")).to_be_visible()
    assert_accessible(page)
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == len(set(codes)) == 10
    return secret, codes


def second_factor(page: Page, code: str) -> None:
    """On the page that follows the password, type a code (the app's or a recovery code)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign In").click()


def test_a_partner_resets_a_forgotten_password_through_the_email(page: Page, cast: Cast, smtp: Inbox) -> None:
    # Given pat, who has forgotten his password
    pat = cast.pat
    pat.set_password(PASSWORD)
    pat.save(update_fields=["password"])
    page.goto("/accounts/login/")
    assert_accessible(page)
    # When he asks for a reset link from the sign-in page
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert_accessible(page)
    page.get_by_label("Email").fill(pat.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    expect(page.get_by_text("We have sent you an email.")).to_be_visible()
    assert_accessible(page)
    # Then an e-mail reaches his mailbox through the SMTP server, with a link to this server
    message = smtp.wait_for(pat.email)
    assert str(message["Subject"]) == "[OfferDesk] Password Reset Email"
    [link] = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", body_of(message))
    assert link.startswith(page.url.split("/accounts/")[0])
    # When he follows the link and chooses a new password (twice)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    assert_accessible(page)
    page.get_by_label("New Password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again):", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()
    assert_accessible(page)
    # Then the old password no longer signs him in, the new one does, and the reset is on the audit trail
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill("pat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The username and/or password you specified are not correct.")
    assert_accessible(page)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vouchers")
    assert page.url.endswith("/partner/vouchers/")
    assert_accessible(page)
    assert [e.actor for e in audit_events("password.reset")] == [pat]
    assert [e.data["reason"] for e in audit_events("signin", "refused")] == ["wrong credentials"]
    # And the link, used once, is spent
    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad Token")
    expect(page.get_by_text("The password reset link was invalid")).to_be_visible()
    assert_accessible(page)


def test_a_partner_turns_on_two_factor_sign_in_then_signs_in_with_his_app_or_a_recovery_code(
    page: Page, cast: Cast
) -> None:
    # Given pat, who signs in with his password alone (his role does not require a second factor)
    pat = cast.pat
    sign_in(page, pat)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vouchers")
    # When he opens his account from the header and turns two-factor sign-in on
    page.get_by_role("link", name="pat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("Two-factor sign-in is off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    expect(page.get_by_text("An authenticator app is not active.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Activate").click()
    confirm_access(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)
    # A code that is not his app's is refused by its field
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(wrong_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert_accessible(page)
    # When he types the code his app shows, it is on, with ten recovery codes to keep
    assert page.get_by_label("Authenticator secret").input_value() == secret  # the same secret, refused code or not
    secret, codes = activate_authenticator(page)
    page.goto("/account/")
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    # Then, signed out and in again, his password alone is not enough: a wrong code is refused
    sign_out(page)
    sign_in(page, pat)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert_accessible(page)
    second_factor(page, wrong_code(secret))
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert_accessible(page)
    # With the code of his app he is in, on his vouchers
    second_factor(page, fresh_totp(secret))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vouchers")
    assert_accessible(page)
    # And a recovery code works in place of the app, once
    sign_out(page)
    sign_in(page, pat)
    second_factor(page, codes[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Vouchers")
    sign_out(page)
    sign_in(page, pat)
    second_factor(page, codes[0])
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    # Every step is on the audit trail: the enrolment, the refused codes, each sign-in
    assert [e.data["type"] for e in audit_events("mfa.add")] == ["totp", "recovery_codes"]
    assert [e.data["reason"] for e in audit_events("signin", "refused")] == ["wrong second-factor code"] * 2
    assert [e.actor for e in audit_events("signin", "done")] == [pat] * 3


def test_a_reviewer_whose_role_requires_a_second_factor_sets_one_up_before_reaching_the_staff_home(
    page: Page, cast: Cast, settings: Any
) -> None:
    # Given production's rule: reviewers must sign in with a second factor
    settings.OFFERDESK_MFA_REQUIRED = True
    rita = cast.reviewer
    # When rita signs in with her password, she is sent to set up an authenticator app first,
    # after confirming her password once more
    sign_in(page, rita)
    expect(page.get_by_text("Your role signs in with a second factor")).to_be_visible()
    confirm_access(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)
    # She cannot go anywhere else meanwhile: the staff home sends her back to the activation
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    expect(page.get_by_text("Your role signs in with a second factor")).to_be_visible()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert_accessible(page)
    # When she types the code her app shows, she gets her recovery codes, and the staff home opens
    secret, _codes = activate_authenticator(page)
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    assert_accessible(page)
    # And from then on she signs in with her password and her app's code, straight to the staff home
    sign_out(page)
    sign_in(page, rita)
    assert_accessible(page)
    second_factor(page, fresh_totp(secret))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, rita")
    assert page.url.endswith("/staff/")
    assert [e.data["type"] for e in audit_events("mfa.add")] == ["totp", "recovery_codes"]
    assert [e.actor for e in audit_events("signin", "done")] == [rita] * 2
