"""The matrix rows of /nominations: Contoso's CSO nomination is its mapped partner's (the owner's) and staff's; the
customer is no party to it (404). Nominating Contoso again is refused by a rule for those who may nominate
(sellers, operators: 422 — it holds a CSO voucher already), by the role for the rest who find the customer (403).
Re-mapping it to Northwind: the owner's users do not find Northwind (404); staff who may nominate are refused by
the same rule (422)."""

from __future__ import annotations

from typing import Any

from . import Op, World, only, signed_in

SEES_NOMINATION = ("owner", "colleague", "seller", "operator", "reviewer", "finance", "auditor", "superuser")
NOMINATORS = ("seller", "operator", "superuser")


def nomination(world: World) -> dict[str, Any]:
    return {"nomination_id": world.cso.nomination_id}


def nominate(world: World) -> dict[str, Any]:
    return {"tpid": world.cso.customer.tpid, "offer": "CSO", "partner": world.cast.fabrikam.pk}


ROWS: dict[str, Op] = {
    "nomination_list": Op(expect=signed_in(200)),
    "nomination_get": Op(expect=only(SEES_NOMINATION, 200), path=nomination),
    "nomination_create": Op(
        expect=only(NOMINATORS, 422, owner=403, colleague=403, customer=403, reviewer=403, finance=403, auditor=403),
        body=nominate,
    ),
    "nomination_remap": Op(
        expect=only(NOMINATORS, 422, reviewer=403, finance=403, auditor=403),
        path=nomination,
        body=lambda world: {"partner": world.cast.northwind.pk},
    ),
}
