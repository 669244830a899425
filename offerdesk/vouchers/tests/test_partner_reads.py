"""What a partner's pages read: the referrals waiting for its answer, and a voucher by the ID a customer presents."""

from __future__ import annotations

from typing import Any

import pytest

from offerdesk.core.errors import InvalidInput, NotFound
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import referral_awaiting_list, voucher_presented
from tests.factories import Cast, cso_customer, cso_nominate, customer, customer_user, on, submit


def test_the_referrals_awaiting_an_answer_are_the_partners_own_pending_ones_with_days_left(cast: Cast) -> None:
    # Given Contoso referred to Fabrikam on 2023-09-01 (answer by 2023-10-01) and Litware to Northwind
    contoso = cso_nominate(cast, customer=cso_customer(cast.operator), partner=cast.fabrikam).referral
    cso_nominate(cast, customer=cso_customer(cast.operator, tpid="T-200", name="Litware"), partner=cast.northwind)
    with on("2023-09-21"):
        # Then Fabrikam's people and its FPM see Contoso's only, with ten days left
        for user in (cast.pat, cast.paula, cast.fran):
            assert list(referral_awaiting_list(user=user)) == [contoso]
        assert contoso.respond_by.isoformat() == "2023-10-01"
        assert contoso.days_left == 10
        assert [r.nomination.customer.name for r in referral_awaiting_list(user=cast.nico)] == ["Litware"]
    with on("2023-10-01"):  # the last day to answer: still waiting, none left after today
        assert [r.days_left for r in referral_awaiting_list(user=cast.pat)] == [0]
    with on("2023-10-02"):  # past its date it waits no more, even before the daily run marks it lapsed
        assert list(referral_awaiting_list(user=cast.pat)) == []


def test_an_answered_referral_no_longer_waits(cast: Cast, cso: Voucher) -> None:
    with on("2023-09-02"):
        assert list(referral_awaiting_list(user=cast.pat)) == []


def test_a_partner_finds_an_unbound_fy24_voucher_by_the_id_the_customer_presents(cast: Cast, dep: Voucher) -> None:
    # The ID as typed: lower case, spaces around
    with on("2023-10-06"):
        assert voucher_presented(user=cast.pat, code=f"  {dep.code.lower()} ") == dep
        assert voucher_presented(user=cast.nico, code=dep.code) == dep


def test_a_bound_voucher_is_found_by_its_partner_only(cast: Cast, dep: Voucher) -> None:
    submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-10", value="80000")
    assert voucher_presented(user=cast.nico, code=dep.code) == dep
    with pytest.raises(NotFound):
        voucher_presented(user=cast.pat, code=dep.code)


def test_a_cso_voucher_is_its_mapped_partners_only(cast: Cast, cso: Voucher) -> None:
    assert voucher_presented(user=cast.pat, code=cso.code) == cso
    with pytest.raises(NotFound):
        voucher_presented(user=cast.nico, code=cso.code)


@pytest.mark.parametrize("who", ["customer", "fpm", "unknown code"])
def test_no_one_else_finds_a_voucher_by_its_id(cast: Cast, dep: Voucher, who: str) -> None:
    user: Any = {
        "customer": customer_user(customer(cast.operator, tpid="T-700", name="Proseware"), "otto"),
        "fpm": cast.fran,
        "unknown code": cast.pat,
    }[who]
    code = "AAAAA-BBBBB-CCCCC-DDDDD" if who == "unknown code" else dep.code
    with pytest.raises(NotFound):
        voucher_presented(user=user, code=code)


def test_a_malformed_id_is_refused_by_its_field(cast: Cast) -> None:
    with pytest.raises(InvalidInput, match=r"voucher code.*OD-IN-01"):
        voucher_presented(user=cast.pat, code="x" * 40)
