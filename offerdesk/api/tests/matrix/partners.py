"""The matrix rows of /partners: Fabrikam (the owner's partner) is its own users', its voucher's customer's and
staff's; the approved FRP list is read by customers and staff, and is empty for partners and FPMs (200)."""

from __future__ import annotations

from typing import Any

from . import Op, World, only, signed_in
from .vouchers import SEES_CSO


def fabrikam(world: World) -> dict[str, Any]:
    world.cso  # noqa: B018 - Contoso's voucher is bound to Fabrikam
    return {"partner_id": world.cast.fabrikam.pk}


ROWS: dict[str, Op] = {
    "partner_list": Op(expect=signed_in(200)),
    "partner_get": Op(expect=only(SEES_CSO, 200), path=fabrikam),
    "partner_directory_list": Op(expect=signed_in(200)),
    "partner_directory_countries": Op(expect=signed_in(200)),
}
