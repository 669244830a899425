"""A partner reads its own requests only, whoever holds the voucher now."""

from __future__ import annotations

import pytest

from offerdesk.core.errors import NotFound
from offerdesk.payouts.selectors import payment_list
from offerdesk.redemptions.selectors import request_get_for, request_list, signature_list
from offerdesk.reviews.selectors import decision_list
from offerdesk.reviews.services import review_reject
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import voucher_get_for, voucher_list
from tests.factories import Cast, approve, on, submit


def test_a_partner_rejected_on_a_voucher_then_bound_to_another_sees_its_own_request_only(
    cast: Cast, dep: Voucher
) -> None:
    # Given Fabrikam's SOW on Adatum's DEP voucher, rejected
    own = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="90000")
    with on("2023-10-11"):
        review_reject(actor=cast.reviewer, request=own, reason="Wrong template version")
    # While the voucher is unbound again, Fabrikam still opens it (it may submit anew)
    assert voucher_get_for(user=cast.pat, key=dep.code) == dep
    # When Northwind submits its own SOW, which binds the voucher to Northwind, and it is approved
    other = submit(actor=cast.nico, voucher=dep, partner=cast.northwind, kind="SOW", when="2023-10-12", value="80000")
    approve(cast, other, when="2023-10-13")
    # Then Fabrikam no longer opens the voucher, nor Northwind's SOW, its signatures, decision or payment
    with pytest.raises(NotFound):
        voucher_get_for(user=cast.pat, key=dep.code)
    assert list(voucher_list(user=cast.pat)) == []
    with pytest.raises(NotFound):
        request_get_for(user=cast.pat, key=other.pk)
    assert list(payment_list(user=cast.pat)) == []
    # And it sees its own rejected request, its own signatures and its own rejection, nothing of Northwind's
    assert list(request_list(user=cast.pat)) == [own]
    assert request_get_for(user=cast.pat, key=own.pk) == own
    assert {s.request_id for s in signature_list(user=cast.pat)} == {own.pk}
    assert [(d.request_id, d.outcome) for d in decision_list(user=cast.pat)] == [(own.pk, "rejected")]
    # While Northwind sees the voucher and its own request, not Fabrikam's
    assert voucher_get_for(user=cast.nico, key=dep.code) == dep
    assert list(request_list(user=cast.nico)) == [other]
