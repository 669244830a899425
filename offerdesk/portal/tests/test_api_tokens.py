"""Your account → API tokens (issue 9, ADR 29): the user's own tokens listed in a pinned number of queries, one made
(its secret on that answer only, never again), refused by field, and revoked after a confirmation — and the API
answering accordingly."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.apikeys.models import ApiToken
from offerdesk.apikeys.services import api_token_create
from tests.factories import Cast, audit_events

# The session and its user, the page's tokens, and the navigation's count of unread notices.
LIST_QUERIES = 4
SECRET = re.compile(r'id="new-token-secret"[^>]*value="(odk_[A-Za-z0-9_-]+)"')


def signed_in(user: User, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def make(client: Client, **fields: str) -> Any:
    return client.post(reverse("portal:account-api-tokens-make"), {"scope": "read", "days": "", **fields})


def api_vouchers(secret: str) -> int:
    return int(Client().get("/api/v1/vouchers/", headers={"Authorization": f"Bearer {secret}"}).status_code)


@pytest.mark.parametrize("count", [1, 50])
def test_the_list_shows_the_users_own_tokens_in_a_pinned_number_of_queries(
    cast: Cast, count: int, django_assert_num_queries: Any
) -> None:
    # Given pat has `count` tokens, and nico one of his own
    for n in range(count):
        api_token_create(actor=cast.pat, name=f"PSA {n}", scope="read" if n % 2 else "write")
    api_token_create(actor=cast.nico, name="Northwind's CRM", scope="write")
    client = signed_in(cast.pat)
    # When pat opens the tokens page; Then the queries do not grow with the rows
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("portal:account-api-tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<tr id="api-token-') == count
    assert "Northwind" not in html
    # And each row says its name, prefix, scope, dates and state; no secret is on the page
    token = ApiToken.objects.filter(user=cast.pat).order_by("id").first()
    assert token is not None
    row = html[html.index(f'id="api-token-{token.pk}"') :].split("</tr>")[0]
    assert "PSA 0" in row and f"odk_{token.prefix}…" in row and "Read and write" in row
    assert "never" in row and "Active" in row
    assert 'id="new-token-secret"' not in html


def test_the_account_page_leads_to_the_tokens(cast: Cast) -> None:
    page = signed_in(cast.pat).get(reverse("portal:account")).content.decode()
    assert f'href="{reverse("portal:account-api-tokens")}"' in page


def test_a_token_made_shows_its_secret_once_and_the_secret_works(cast: Cast) -> None:
    # Given pat on the tokens page
    client = signed_in(cast.pat)
    # When pat makes a read token for 30 days
    made = make(client, name="PSA sync", scope="read", days="30")
    # Then the answer shows the secret, with the hint to copy it now, and is not cached
    assert made.status_code == 200
    html = made.content.decode()
    found = SECRET.search(html)
    assert found is not None
    secret = found.group(1)
    assert "Copy it now" in html and "shown this once only" in html
    assert "no-store" in made["Cache-Control"]
    # And the token is kept as its digest only, for 30 days, read only, audited
    token = ApiToken.objects.get(user=cast.pat)
    assert token.name == "PSA sync" and token.scope == "read" and secret not in token.digest
    assert (token.expires_at - token.created_at).days == 30
    assert len(audit_events("api_token.create", "done")) == 1
    # And the secret works against the API
    assert api_vouchers(secret) == 200
    # When pat opens the list again; Then the secret is never shown again
    again = client.get(reverse("portal:account-api-tokens")).content.decode()
    assert secret not in again and 'id="new-token-secret"' not in again
    assert secret not in client.get(reverse("portal:account-api-token", args=[token.pk])).content.decode()


def test_no_days_means_the_default_validity(cast: Cast, settings: Any) -> None:
    make(signed_in(cast.pat), name="CRM", scope="write")
    token = ApiToken.objects.get(user=cast.pat)
    assert (token.expires_at - token.created_at).days == settings.OFFERDESK_API_TOKEN_DAYS and token.scope == "write"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "CRM", "days": "0"}, "days"),
        ({"name": "CRM", "days": "366"}, "days"),
        ({"name": "CRM", "days": "ten"}, "days"),
        ({"name": "CRM", "scope": "admin"}, "scope"),
    ],
)
def test_bad_input_is_refused_by_its_field_and_makes_no_token(cast: Cast, fields: dict[str, str], field: str) -> None:
    # When pat sends a bad name, number of days or scope
    refused = make(signed_in(cast.pat), **fields)
    # Then the form comes back (400) with the error by the field, the input kept, and no token made
    assert refused.status_code == 400
    form = refused.context["form"]
    assert list(form.errors) == [field], form.errors
    assert 'id="new-token-secret"' not in refused.content.decode()
    assert not ApiToken.objects.filter(user=cast.pat).exists()


def test_making_a_token_needs_the_pages_csrf_token(cast: Cast) -> None:
    client = signed_in(cast.pat, enforce_csrf_checks=True)
    assert make(client, name="CRM").status_code == 403
    assert not ApiToken.objects.exists()
    assert client.get(reverse("portal:account-api-tokens-make")).status_code == 405


def test_a_token_is_revoked_after_its_confirmation_and_stops_working(cast: Cast) -> None:
    # Given pat's write token, which works
    made = api_token_create(actor=cast.pat, name="PSA sync", scope="write")
    assert api_vouchers(made.secret) == 200
    client = signed_in(cast.pat)
    # When pat follows "Revoke…" from the list; Then a page asks to confirm, and nothing is revoked yet
    listing = client.get(reverse("portal:account-api-tokens")).content.decode()
    confirm_url = reverse("portal:account-api-token", args=[made.token.pk])
    assert f'href="{confirm_url}"' in listing
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200 and "Revoke this token?" in confirm.content.decode()
    assert client.get(reverse("portal:account-api-token-revoke", args=[made.token.pk])).status_code == 405
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is None
    # When pat confirms; Then the token is revoked, audited, said so, and the API refuses it
    done = client.post(reverse("portal:account-api-token-revoke", args=[made.token.pk]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("portal:account-api-tokens")
    assert "is revoked: it no longer works" in done.content.decode()
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is not None
    assert len(audit_events("api_token.revoke", "done")) == 1
    assert api_vouchers(made.secret) == 401
    # And the list says revoked, with nothing left to revoke; revoking again changes nothing
    row = done.content.decode().split(f'id="api-token-{made.token.pk}"')[1].split("</tr>")[0]
    assert "Revoked" in row and confirm_url not in row
    assert client.post(reverse("portal:account-api-token-revoke", args=[made.token.pk])).status_code == 302
    assert len(audit_events("api_token.revoke", "done")) == 1


def test_another_users_token_is_not_found(cast: Cast) -> None:
    # Given nico's token; When pat (or an operator) asks for it or tries to revoke it; Then it is not found
    made = api_token_create(actor=cast.nico, name="Northwind's CRM", scope="write")
    for user in (cast.pat, cast.operator):
        client = signed_in(user)
        assert client.get(reverse("portal:account-api-token", args=[made.token.pk])).status_code == 404
        assert client.post(reverse("portal:account-api-token-revoke", args=[made.token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is None
    assert api_vouchers(made.secret) == 200


@override_settings(OFFERDESK_MFA_REQUIRED=True)
def test_a_role_that_signs_in_with_a_second_factor_sets_one_up_before_making_tokens(cast: Cast) -> None:
    # Given an operator without a second factor; When they try to make a token; Then they are sent to set one up
    client = signed_in(cast.operator)
    assert client.get(reverse("portal:account-api-tokens"))["Location"] == reverse("mfa_activate_totp")
    assert make(client, name="Ops script")["Location"] == reverse("mfa_activate_totp")
    assert not ApiToken.objects.exists()
