"""Tenants see only their own vouchers: another tenant's voucher is not found (not forbidden)."""

from __future__ import annotations

from typing import Any

import pytest

from offerdesk.accounts.models import Role, User
from offerdesk.core.errors import NotFound
from offerdesk.vouchers.selectors import voucher_get_for, voucher_list
from tests.factories import Cast, customer, mws_voucher, partner, submit


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    """Adatum's voucher is redeemed by Fabrikam; Proseware's is not redeemed yet."""
    adatum = customer(cast.operator, tpid="T-1", name="Adatum")
    proseware = customer(cast.operator, tpid="T-2", name="Proseware")
    fabrikam_fpm = partner(cast.operator, "Litware", program_manager="fpm@fasttrack.example")
    adatum_voucher = mws_voucher(cast, customer=adatum)
    proseware_voucher = mws_voucher(cast, customer=proseware)
    submit(actor=cast.pat, voucher=adatum_voucher, partner=cast.fabrikam, kind="SOW", when="2023-10-10")
    return {
        "adatum": adatum_voucher,
        "proseware": proseware_voucher,
        "alice": User.objects.create_user(username="alice", role=Role.CUSTOMER, customer=adatum),
        "fpm": User.objects.create_user(username="fran", role=Role.FPM, email="fpm@fasttrack.example"),
        "litware": fabrikam_fpm,
    }


def codes(user: User) -> set[str]:
    return set(voucher_list(user=user).values_list("code", flat=True))


def test_staff_see_every_voucher(cast: Cast, world: dict[str, Any]) -> None:
    assert codes(cast.reviewer) == codes(cast.auditor) == {world["adatum"].code, world["proseware"].code}


def test_a_partner_sees_the_vouchers_it_redeems_and_no_other(cast: Cast, world: dict[str, Any]) -> None:
    assert codes(cast.pat) == {world["adatum"].code}
    assert codes(cast.nico) == set()
    with pytest.raises(NotFound):
        voucher_get_for(user=cast.nico, code=world["adatum"].code)


def test_a_customer_sees_only_its_own(world: dict[str, Any]) -> None:
    assert codes(world["alice"]) == {world["adatum"].code}
    with pytest.raises(NotFound):
        voucher_get_for(user=world["alice"], code=world["proseware"].code)


def test_an_fpm_sees_the_vouchers_of_the_partners_it_manages(cast: Cast, world: dict[str, Any]) -> None:
    # Fran manages Litware, which redeems nothing yet; Fabrikam's voucher is not hers
    assert codes(world["fpm"]) == set()
    cast.fabrikam.program_manager = "FPM@fasttrack.example"
    cast.fabrikam.save(update_fields=["program_manager"])
    assert codes(world["fpm"]) == {world["adatum"].code}
