"""The matrix rows of /customers: each caller lists its own scope; Contoso (the owner's voucher's customer) is the
owner's partner's, its own and staff's (another partner, customer or FPM: 404); the eligibility quote reads
Microsoft's deals and licences, so it is Microsoft's staff's alone (403 for anyone else, as in the portal)."""

from __future__ import annotations

from typing import Any

from . import Op, World, only, signed_in
from .vouchers import SEES_CSO

STAFF = ("seller", "operator", "reviewer", "finance", "auditor", "superuser")


def contoso(world: World) -> dict[str, Any]:
    world.cso  # noqa: B018 - Contoso holds the owner's voucher
    return {"tpid": world.contoso.tpid}


ROWS: dict[str, Op] = {
    "customer_list": Op(expect=signed_in(200)),
    "customer_get": Op(expect=only(SEES_CSO, 200), path=contoso),
    "customer_eligibility": Op(expect=only(STAFF, 200, others=403), path=contoso),
}
