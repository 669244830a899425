"""Signing in: by username or e-mail, each role to its home, every attempt audited, throttled, idle sessions end."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.audit.models import AuditEvent
from tests.factories import Cast, audit_events, cso_customer, customer_user

PASSWORD = "signin-Passw0rd!"


def with_password(user: User) -> User:
    user.set_password(PASSWORD)  # operators hand out passwords; the factories make users without one
    user.save(update_fields=["password"])
    return user


def sign_in(client: Client, login: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_a_reviewer_signs_in_by_username_or_by_email_and_lands_on_the_staff_home(cast: Cast) -> None:
    rita = with_password(cast.reviewer)
    for login in ("rita", "RITA@offerdesk.example"):
        client = Client()
        response = sign_in(client, login)
        assert response.status_code == 302
        assert client.get(response["Location"])["Location"] == reverse("portal:staff-home")
    # Each success is on the audit trail, with where it came from
    events = audit_events("signin", "done")
    assert [(e.actor, e.data["ip"]) for e in events] == [(rita, "127.0.0.1"), (rita, "127.0.0.1")]


@override_settings(ROOT_URLCONF="offerdesk.portal.tests.urls_with_homes")
def test_a_partner_lands_on_its_vouchers_and_a_customer_on_its_own(cast: Cast) -> None:
    cora = with_password(customer_user(cso_customer(cast.operator), "cora"))
    for user, home in ((with_password(cast.pat), "/partner/vouchers/"), (cora, "/customer/vouchers/")):
        client = Client()
        landing = client.get(sign_in(client, user.username)["Location"])
        assert landing["Location"] == home


def test_a_wrong_password_is_refused_audited_and_signs_nobody_in(cast: Cast) -> None:
    pat = with_password(cast.pat)
    client = Client()
    response = sign_in(client, "pat", "wrong-password", ip="203.0.113.7")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get(reverse("portal:account")).status_code == 302  # still signed out
    [event] = audit_events("signin", "refused")
    assert event.actor == pat
    assert event.data == {"login": "pat", "reason": "wrong credentials", "ip": "203.0.113.7", "user_agent": ""}
    assert "wrong-password" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_an_unknown_account_is_audited_without_an_actor(cast: Cast) -> None:
    sign_in(Client(), "nobody@nowhere.example", "whatever")
    [event] = audit_events("signin", "refused")
    assert event.actor is None
    assert event.data["login"] == "nobody@nowhere.example"


def test_five_failures_on_one_account_lock_it_from_every_address(cast: Cast) -> None:
    with_password(cast.pat)
    # Given five wrong passwords for pat, each from another address
    for n in range(5):
        sign_in(Client(), "pat", "wrong", ip=f"198.51.100.{n}")
    # When pat then signs in with the right password from a sixth address
    response = sign_in(Client(), "pat", ip="198.51.100.99")
    # Then he is refused until the window passes, and the refusal is audited as throttled
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert audit_events("signin", "refused")[-1].data["reason"] == "throttled"
    assert audit_events("signin", "done") == []


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/10m/ip,50/15m/key"})
def test_failures_from_one_address_throttle_it_for_every_account(cast: Cast) -> None:
    with_password(cast.nico)
    for login in ("a", "b", "c"):
        sign_in(Client(), login, "wrong", ip="192.0.2.1")
    assert "Too many failed login attempts" in sign_in(Client(), "nico", ip="192.0.2.1").content.decode()
    # Another address is not affected
    assert sign_in(Client(), "nico", ip="192.0.2.2").status_code == 302


def test_a_session_ends_after_two_hours_without_a_request(cast: Cast) -> None:
    with_password(cast.pat)
    client = Client()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, "pat")
        # Every request starts the count again: 1 h 59 min after each, still signed in
        clock.shift(dt.timedelta(hours=1, minutes=59))
        assert client.get(reverse("portal:account")).status_code == 200
        clock.shift(dt.timedelta(hours=1, minutes=59))
        assert client.get(reverse("portal:account")).status_code == 200
        # 2 h 1 min without one: signed out
        clock.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(reverse("portal:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_out_is_a_post_and_is_audited(cast: Cast) -> None:
    with_password(cast.pat)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))
    token = client.cookies["csrftoken"].value
    client.post(reverse("account_login"), {"login": "pat", "password": PASSWORD, "csrfmiddlewaretoken": token})
    # A forged sign-out (no CSRF token) is refused and changes nothing
    assert client.post(reverse("account_logout")).status_code == 403
    assert client.get(reverse("portal:account")).status_code == 200
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(reverse("portal:account")).status_code == 302
    assert [e.actor.username for e in audit_events("signout")] == ["pat"]  # type: ignore[union-attr]


def test_nobody_signs_up_on_their_own(cast: Cast) -> None:
    before = User.objects.count()
    response = Client().post(
        reverse("account_signup"),
        {"email": "x@example.com", "username": "x", "password1": "Xx-12345678", "password2": "Xx-12345678"},
    )
    assert "closed" in response.content.decode().lower()
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("role", "required"),
    [("operator", True), ("reviewer", True), ("finance", True), ("auditor", False), ("seller", False)],
)
@override_settings(OFFERDESK_MFA_REQUIRED=True)
def test_staff_who_must_use_a_second_factor_set_one_up_first(cast: Cast, role: str, required: bool) -> None:
    user = with_password(getattr(cast, role))
    client = Client()
    home = client.get(sign_in(client, user.username)["Location"], follow=False)
    staff_home = client.get(reverse("portal:staff-home"))
    if required:
        assert staff_home.status_code == 302
        assert staff_home["Location"] == reverse("mfa_activate_totp")
    else:
        assert staff_home.status_code == 200
    assert home.status_code == 302


@override_settings(OFFERDESK_MFA_REQUIRED=True)
def test_a_superuser_must_use_a_second_factor_and_a_partner_may(cast: Cast) -> None:
    sam = with_password(User.objects.create_superuser(username="sam", email="sam@offerdesk.example"))
    for user, sent_to_enrol in ((sam, True), (with_password(cast.pat), False)):
        client = Client()
        sign_in(client, user.username)
        response = client.get(reverse("portal:account"))
        assert (response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")) is sent_to_enrol


def test_a_password_change_needs_the_current_password_refuses_by_field_and_is_audited(cast: Cast) -> None:
    pat = with_password(cast.pat)
    client = Client()
    sign_in(client, "pat")
    url = reverse("account_change_password")
    # A wrong current password: refused by its field, nothing changed
    refused = client.post(
        url, {"oldpassword": "wrong", "password1": "Fresh-Harbour-2026", "password2": "Fresh-Harbour-2026"}
    )
    assert refused.status_code == 200
    assert "oldpassword" in refused.context["form"].errors
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)
    # New passwords that differ: refused by the field, nothing changed
    mismatch = client.post(
        url, {"oldpassword": PASSWORD, "password1": "Fresh-Harbour-2026", "password2": "Other-2026x"}
    )
    assert "password2" in mismatch.context["form"].errors
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)
    # The right one: changed, still signed in, and on the audit trail
    assert (
        client.post(
            url, {"oldpassword": PASSWORD, "password1": "Fresh-Harbour-2026", "password2": "Fresh-Harbour-2026"}
        ).status_code
        == 302
    )
    pat.refresh_from_db()
    assert pat.check_password("Fresh-Harbour-2026")
    assert client.get(reverse("portal:account")).status_code == 200
    assert [e.actor for e in audit_events("password.change")] == [pat]
