"""The matrix rows of /payments: each caller lists its own scope (ADR 10: a partner its own, staff but sellers
all); Fabrikam's payment is Fabrikam's people's and those staff's, anyone else's finds none (404)."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.finance import ledger

from . import Op, World, only, signed_in

SEES_PAYMENTS = ("owner", "colleague", "operator", "reviewer", "finance", "auditor", "superuser")


def fabrikams_payment(world: World) -> dict[str, Any]:
    _, item, _ = ledger(world)
    return {"payment_id": item.payment_id}


ROWS: dict[str, Op] = {
    "payment_list": Op(expect=signed_in(200)),
    "payment_by_partner_list": Op(expect=signed_in(200)),
    "payment_get": Op(expect=only(SEES_PAYMENTS, 200), path=fabrikams_payment),
}
