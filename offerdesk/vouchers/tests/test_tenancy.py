"""Tenants see only their own vouchers: another tenant's voucher is not found (not forbidden)."""

from __future__ import annotations

from typing import Any

import pytest

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core.errors import NotFound
from offerdesk.partners.services import partner_assign_fpm
from offerdesk.vouchers.selectors import voucher_get_for, voucher_list
from tests.factories import Cast, customer, fpm_user, mws_voucher, partner, submit


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
        "fpm": fpm_user(cast.operator, "lena", fabrikam_fpm),
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
        voucher_get_for(user=cast.nico, key=world["adatum"].code)


def test_a_customer_sees_only_its_own(world: dict[str, Any]) -> None:
    assert codes(world["alice"]) == {world["adatum"].code}
    with pytest.raises(NotFound):
        voucher_get_for(user=world["alice"], key=world["proseware"].code)


def test_an_fpm_sees_the_vouchers_of_the_partners_it_is_linked_to(cast: Cast, world: dict[str, Any]) -> None:
    # Lena manages Litware, which redeems nothing yet; Fabrikam's voucher is fran's, not hers
    assert codes(world["fpm"]) == set()
    assert codes(cast.fran) == {world["adatum"].code}
    # An e-mail match no longer opens anything: only the explicit link does
    cast.fabrikam.program_manager = world["fpm"].email.upper()
    cast.fabrikam.save(update_fields=["program_manager"])
    assert codes(world["fpm"]) == set()
    partner_assign_fpm(actor=cast.operator, partner=cast.fabrikam, fpm=world["fpm"])
    assert codes(world["fpm"]) == {world["adatum"].code}
