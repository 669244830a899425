"""The matrix rows of the sign-in pages (allauth, under accounts/) and the portal's home and account page."""

from __future__ import annotations

from typing import Any

from offerdesk.apikeys.choices import TokenScope
from offerdesk.apikeys.services import api_token_create

from . import PERSONAS, Row, World, answers, only, signed_in


def owners_token(world: World) -> dict[str, Any]:
    """An API token of the owner's (pat's): only pat sees or revokes it, whoever else asks (staff included)."""
    owner = world.persona("owner")
    assert owner is not None
    return {"pk": api_token_create(actor=owner, name="PSA sync", scope=TokenScope.READ).token.pk}


# The home sends everyone on: signed-in users to their role's home, anyone else to the sign-in page.
EVERYONE_REDIRECTED = answers(302)
# allauth's pages for someone not signed in: a signed-in user is sent on to the home page.
ENTRANCE = answers(302, anonymous=200)

ROWS: dict[str, Row] = {
    # The health report needs no sign-in and answers everyone alike (503: no worker in a test's world).
    "healthz": Row(expect=answers(503)),
    "portal:home": Row(expect=EVERYONE_REDIRECTED),
    "portal:account": Row(expect=signed_in(200)),
    # Everyone signed in has API tokens of their own (ADR 29); an empty form is refused by its field and makes none.
    "portal:account-api-tokens": Row(expect=signed_in(200)),
    "portal:account-api-tokens-make": Row(expect=signed_in(400), method="post"),
    "portal:account-api-token": Row(expect=only(("owner",), 200), kwargs=owners_token),
    # The owner revokes it (back to the list); anyone else's token is not found, staff and a superuser included.
    "portal:account-api-token-revoke": Row(expect=only(("owner",), 302), kwargs=owners_token, method="post"),
    "account_login": Row(expect=ENTRANCE),
    # Signing out is a POST (a GET only asks to confirm); after it, the sign-in page.
    "account_logout": Row(expect=answers(302), method="post"),
    "account_inactive": Row(expect=answers(200)),
    # No self sign-up: the page says sign-up is closed.
    "account_signup": Row(expect=answers(302, anonymous=200)),
    "account_reauthenticate": Row(expect=signed_in(200)),
    # Codes by e-mail are off: nothing to confirm, so back to the step before (or to sign in).
    "account_request_reauthentication_code": Row(expect=signed_in(302)),
    "account_confirm_reauthentication_code": Row(expect=signed_in(302)),
    "account_confirm_login_code": Row(expect=answers(302)),
    "account_email": Row(expect=signed_in(200)),
    "account_email_verification_sent": Row(expect=answers(200)),
    "account_confirm_email": Row(expect=answers(200), kwargs=lambda world: {"key": "no-such-key"}),
    "account_change_password": Row(expect=signed_in(200)),
    # Every user has a password (operators set one): the page for setting a first one sends on to changing it.
    "account_set_password": Row(expect=signed_in(302)),
    "account_reset_password": Row(expect=answers(200)),
    "account_reset_password_done": Row(expect=answers(200)),
    # A made-up reset link: the page says the link is invalid, and changes nothing.
    "account_reset_password_from_key": Row(
        expect=answers(200), kwargs=lambda world: {"uidb36": "zz", "key": "set-password"}
    ),
    "account_reset_password_from_key_done": Row(expect=answers(200)),
    "mfa_index": Row(expect=signed_in(200)),
    # Only during a sign-in that waits for its second factor; otherwise back to the sign-in page.
    "mfa_authenticate": Row(expect=answers(302)),
    "mfa_reauthenticate": Row(expect=signed_in(302)),  # without a second factor: re-authenticate by password
    # Setting up a second factor first asks for the password again (allauth's re-authentication).
    "mfa_activate_totp": Row(expect=signed_in(302)),
    "mfa_deactivate_totp": Row(expect=signed_in(404)),
    "mfa_view_recovery_codes": Row(expect=signed_in(404)),
    "mfa_generate_recovery_codes": Row(expect=signed_in(302)),  # re-authentication first, too
    "mfa_download_recovery_codes": Row(expect=signed_in(404)),
}
assert all(set(row.expect) == set(PERSONAS) for row in ROWS.values())
