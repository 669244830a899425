"""The matrix rows of /vouchers: each caller lists its own scope; one voucher is its partner's, its customer's
and staff's (an FPM's only for its partners); cancelling is an operator's, and an empty reason is refused (400).
Issuing a FY24 voucher at a negative face value: sellers and operators are refused by the parsing (400), everyone
else who finds Contoso by the role (403). Choosing Fabrikam for Contoso's open DEP voucher (no partner yet): the
customer does (200), an operator on its behalf then finds it done (200: the same partner changes nothing), other
staff may not (403); no partner or FPM finds an unbound voucher (404)."""

from __future__ import annotations

from typing import Any

from offerdesk.vouchers.models import Voucher
from tests import factories

from . import MICROSOFT_WRITE_REFUSED_INPUT, Op, World, only, signed_in

SEES_CSO = ("owner", "colleague", "customer", "seller", "operator", "reviewer", "finance", "auditor", "superuser")


def cso(world: World) -> dict[str, Any]:
    return {"code": world.cso.code}


STAFF = ("seller", "operator", "reviewer", "finance", "auditor", "superuser")


def fy24(world: World) -> Voucher:
    """Contoso's open DEP voucher (no partner yet), beside its CSO voucher."""
    world.cso  # noqa: B018
    found = Voucher.objects.filter(customer=world.contoso, offer__code="DEP").first()
    return found or factories.mws_voucher(world.cast, customer=world.contoso)


def negative_issue(world: World) -> dict[str, Any]:
    world.cso  # noqa: B018 - the owner finds Contoso through its voucher
    return {"tpid": world.contoso.tpid, "offer": "DEP", "face_value": "-1.00"}


ROWS: dict[str, Op] = {
    "voucher_list": Op(expect=signed_in(200)),
    "voucher_get": Op(expect=only(SEES_CSO, 200), path=cso),
    "voucher_cancel": Op(
        # the service asks the role first (403), then reads the reason (400); the voucher is found first (404)
        expect=only(SEES_CSO, 403, operator=400, superuser=400),
        path=cso,
        body=lambda world: {"reason": ""},
    ),
    "voucher_issue": Op(
        expect=MICROSOFT_WRITE_REFUSED_INPUT,
        body=negative_issue,
    ),
    "voucher_choose_partner": Op(
        expect=only(("customer", *STAFF), 403, customer=200, operator=200, superuser=200),
        path=lambda world: {"code": fy24(world).code},
        body=lambda world: {"partner": world.cast.fabrikam.pk},
    ),
}
