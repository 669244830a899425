"""The demo loader: every voucher status, payments, a login per role; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core.errors import DomainError
from offerdesk.customers.models import Customer
from offerdesk.demo import data
from offerdesk.demo.data import ADMIN_URL, CSO, DEMO_END, MARKER_TPID, PASSWORD, PORTAL_URL, Story, at
from offerdesk.demo.services import DemoNotAllowed, DemoStepRefused, demo_load, demo_logins, demo_step
from offerdesk.payouts.models import Payment
from offerdesk.vouchers.choices import ReferralStatus, VoucherStatus
from offerdesk.vouchers.models import Referral, Voucher
from offerdesk.vouchers.selectors import voucher_list


def row_counts() -> dict[str, int]:
    """How many rows every table holds."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_holds_every_voucher_status_payments_referrals_and_a_login_per_role() -> None:
    assert demo_load() is True

    for status in VoucherStatus.values:
        assert Voucher.objects.filter(status=status).exists(), f"no {status} voucher"
    assert {"CSO", "DEP", "MD", "COP"} <= set(Voucher.objects.values_list("offer__code", flat=True))
    assert Payment.objects.exists()
    assert Payment.objects.exclude(currency="USD").exists(), "no payment in a partner's own currency"
    assert Referral.objects.filter(status=ReferralStatus.PENDING).count() == 1
    assert Referral.objects.filter(status=ReferralStatus.DECLINED).count() == 1
    for role in Role.values:
        user = User.objects.get(username=role)
        assert user.role == role and user.check_password(PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert voucher_list(user=User.objects.get(username="fpm")).exists(), "the FPM login manages no partner"
    assert {login.username for login in demo_logins()} <= set(User.objects.values_list("username", flat=True))


@pytest.mark.django_db
def test_a_second_load_changes_nothing() -> None:
    demo_load()
    before = row_counts()

    assert demo_load() is False

    assert row_counts() == before


@pytest.mark.django_db
def test_the_command_prints_the_logins_and_the_admin_url_and_runs_twice() -> None:
    first, second = StringIO(), StringIO()

    call_command("demo", stdout=first)
    call_command("demo", stdout=second)

    assert str(DEMO_END) in first.getvalue()
    assert "already loaded" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        assert ADMIN_URL in output
        assert f"Portal: {PORTAL_URL}" in output
        assert all(login.username in output for login in demo_logins())
    assert Customer.objects.filter(tpid=MARKER_TPID).count() == 1


def test_a_refused_step_names_its_day_and_the_refusal() -> None:
    def refuse() -> None:
        raise DomainError("a Non-profit customer is not eligible", rules=["CSO-ELIG-02"])

    with pytest.raises(DemoStepRefused, match=r"2024-01-08 .*not eligible \[CSO-ELIG-02\]"):
        demo_step(day=dt.date(2024, 1, 8), label="nominate", action=refuse)


@pytest.mark.django_db
def test_a_refusal_midway_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a story that nominates a Non-profit customer for the CSO, which the rule book refuses
    non_profit = Story(
        "Good Works Foundation", "refused", (at("2024-01-08", "nominate", offer=CSO, partner="Fabrikam"),)
    )
    monkeypatch.setattr(data, "STORIES", [*data.STORIES, non_profit])

    with pytest.raises(DemoStepRefused, match="CSO-ELIG-02"):
        demo_load()

    assert not Customer.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_settings_that_do_not_allow_the_demo_refuse_it_and_create_no_user(settings: Any) -> None:
    settings.OFFERDESK_DEMO_ALLOWED = False

    with pytest.raises(DemoNotAllowed):
        demo_load()
    with pytest.raises(CommandError, match="password is 'demo': it does not run under"):
        call_command("demo", stdout=StringIO())

    assert not User.objects.exists()
    assert not Customer.objects.exists()
