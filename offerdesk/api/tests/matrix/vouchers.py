"""The matrix rows of /vouchers: each caller lists its own scope; one voucher is its partner's, its customer's
and staff's (an FPM's only for its partners); cancelling is an operator's, and an empty reason is refused (400)."""

from __future__ import annotations

from typing import Any

from . import Op, World, only, signed_in

SEES_CSO = ("owner", "colleague", "customer", "seller", "operator", "reviewer", "finance", "auditor", "superuser")


def cso(world: World) -> dict[str, Any]:
    return {"code": world.cso.code}


ROWS: dict[str, Op] = {
    "voucher_list": Op(expect=signed_in(200)),
    "voucher_get": Op(expect=only(SEES_CSO, 200), path=cso),
    "voucher_cancel": Op(
        # the service asks the role first (403), then reads the reason (400); the voucher is found first (404)
        expect=only(SEES_CSO, 403, operator=400, superuser=400),
        path=cso,
        body=lambda world: {"reason": ""},
    ),
}
