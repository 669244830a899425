"""A FY24 customer chooses the partner that redeems its voucher (MWS-NOM-04, MWS-LIM-04, MWS-LIM-06)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from offerdesk.accounts.models import User
from offerdesk.core.errors import InvalidInput, PermissionDenied, RuleViolation
from offerdesk.customers.services import company_group_get_or_create, customer_set_company_group
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.partners.choices import FrpStatus
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_get_for, voucher_list
from offerdesk.vouchers.services import voucher_choose_partner, vouchers_expire
from tests.factories import Cast, audit_events, customer, customer_user, on, partner, snapshot, submit


@pytest.fixture
def alice(dep: Voucher) -> User:
    """Signs in for Adatum, the DEP voucher's customer."""
    return customer_user(dep.customer, "alice")


def choose(actor: User | None, voucher: Voucher, chosen: Any, when: str = "2023-10-06") -> Voucher:
    with on(when):
        return voucher_choose_partner(actor=actor, voucher=voucher, partner=chosen)


def test_the_chosen_partner_is_bound_e_mailed_and_sees_the_voucher(cast: Cast, dep: Voucher, alice: User) -> None:
    # Given Fabrikam does not see Adatum's unbound voucher
    assert dep not in voucher_list(user=cast.pat)
    # When alice chooses Fabrikam
    voucher = choose(alice, dep, cast.fabrikam)
    # Then the voucher is Fabrikam's to redeem, still open, and pat sees it
    assert (voucher.partner, voucher.status) == (cast.fabrikam, VoucherStatus.OPEN)
    assert voucher_get_for(user=cast.pat, key=dep.code) == dep
    # And Fabrikam's primary contact alone is told, with the voucher ID and Adatum's contact
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.PARTNER_CHOSEN)
    assert (message.to, message.cc) == (["ops@fabrikam.example"], [])
    assert dep.code in message.body_text and "it@adatum.example" in message.body_text
    assert message.subject == f"Adatum chose Fabrikam for M365 Deployment Offer voucher {dep.code}"
    # And the choice is on the audit trail, by alice
    [event] = audit_events("voucher.choose_partner", "done")
    assert (event.actor, event.data) == (alice, {"partner": "Fabrikam", "previous": None})


def test_choosing_the_same_partner_again_changes_nothing(cast: Cast, dep: Voucher, alice: User) -> None:
    choose(alice, dep, cast.fabrikam)
    before = snapshot()
    # When the same choice arrives again (a second click, a reload)
    choose(alice, dep, cast.fabrikam)
    # Then nothing is written and nobody is e-mailed twice
    assert snapshot() == before
    assert len(audit_events("voucher.choose_partner")) == 1


def test_the_choice_may_change_while_no_request_is_live(cast: Cast, dep: Voucher, alice: User) -> None:
    choose(alice, dep, cast.fabrikam)
    voucher = choose(alice, dep, cast.northwind, when="2023-10-09")
    assert voucher.partner == cast.northwind
    assert dep not in voucher_list(user=cast.pat)
    assert dep in voucher_list(user=cast.nico)
    assert audit_events("voucher.choose_partner", "done")[-1].data == {"partner": "Northwind", "previous": "Fabrikam"}
    assert OutboxMessage.objects.filter(kind=NoticeKind.PARTNER_CHOSEN).latest("id").to == ["ops@northwind.example"]


def test_only_the_chosen_partner_redeems(cast: Cast, dep: Voucher, alice: User) -> None:
    choose(alice, dep, cast.fabrikam)
    # Northwind, given the voucher ID, is refused: one partner per voucher
    with pytest.raises(RuleViolation) as refused:
        submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-10")
    assert refused.value.rules == ("MWS-LIM-04",)
    # Fabrikam redeems
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    assert sow.partner == cast.fabrikam


def test_once_a_request_is_live_the_choice_is_made(cast: Cast, dep: Voucher, alice: User) -> None:
    choose(alice, dep, cast.fabrikam)
    submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    before = snapshot()
    with pytest.raises(RuleViolation) as refused:
        choose(alice, dep, cast.northwind, when="2023-10-11")
    assert refused.value.rules == ("MWS-LIM-04",)
    assert "Fabrikam does" in refused.value.message
    assert snapshot() == before
    assert audit_events("voucher.choose_partner", "refused")[0].data["rules"] == ["MWS-LIM-04"]


def test_a_partner_of_the_customers_own_company_is_refused(cast: Cast, dep: Voucher, alice: User) -> None:
    # Given Adatum belongs to the Adatum group, as does its own partner arm
    with on("2023-07-03"):
        group = company_group_get_or_create(actor=cast.operator, name="Adatum group")
        customer_set_company_group(actor=cast.operator, customer=dep.customer, group=group)
    arm = partner(cast.operator, "Adatum Services", company_group=group)
    before = snapshot()
    with pytest.raises(RuleViolation) as refused:
        choose(alice, dep, arm)
    assert refused.value.rules == ("MWS-LIM-06",)
    assert "Adatum Services belongs to the customer's own company group" in refused.value.message
    assert snapshot() == before
    assert audit_events("voucher.choose_partner", "refused")[0].actor == alice


def test_a_partner_off_the_approved_list_is_refused(cast: Cast, dep: Voucher, alice: User) -> None:
    suspended = partner(cast.operator, "Lucerne", frp_status=FrpStatus.SUSPENDED)
    with pytest.raises(RuleViolation) as refused:
        choose(alice, dep, suspended)
    assert refused.value.rules == ("MWS-GEN-02",)


def test_a_cso_voucher_keeps_its_mapped_partner(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    with pytest.raises(RuleViolation) as refused:
        choose(carla, cso, cast.northwind, when="2023-09-05")
    assert refused.value.rules == ("CSO-RED-04",)
    assert Voucher.objects.get(pk=cso.pk).partner == cast.fabrikam


def test_only_the_customers_own_users_or_an_operator_choose(cast: Cast, dep: Voucher) -> None:
    otto = customer_user(customer(cast.operator, tpid="T-700", name="Proseware"), "otto")
    for outsider in (otto, cast.pat, cast.reviewer, cast.seller, cast.fran):
        with pytest.raises(PermissionDenied):
            choose(outsider, dep, cast.fabrikam)
    assert Voucher.objects.get(pk=dep.pk).partner is None
    # A program operator may choose on the customer's behalf
    assert choose(cast.operator, dep, cast.fabrikam).partner == cast.fabrikam


def test_an_expired_voucher_takes_no_partner(cast: Cast, dep: Voucher, alice: User) -> None:
    with on("2024-04-06"):
        vouchers_expire(on=dt.date(2024, 4, 6))
    with pytest.raises(InvalidInput) as refused:
        choose(alice, dep, cast.fabrikam, when="2024-04-07")
    assert "expired" in refused.value.message


def test_the_partner_must_be_a_partner(dep: Voucher, alice: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        choose(alice, dep, "Fabrikam")
    assert refused.value.message.startswith("partner: must be a partner")
    assert refused.value.rules == ("OD-IN-01",)
