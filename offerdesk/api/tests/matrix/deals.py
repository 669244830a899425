"""The matrix rows of /deals: a deal is the customer's own and Microsoft's staff's; no partner or FPM sees one
(404). Recording a deal of a negative value: sellers and operators are refused by the parsing (400), everyone
else who finds Contoso by the role (403)."""

from __future__ import annotations

from typing import Any

from offerdesk.vouchers.models import Deal
from tests import factories

from . import MICROSOFT_WRITE_REFUSED_INPUT, Op, World, only, signed_in

SEES_DEAL = ("customer", "seller", "operator", "reviewer", "finance", "auditor", "superuser")


def a_deal(world: World) -> dict[str, Any]:
    """Contoso's qualifying purchase (beside its CSO voucher, mapped to the owner)."""
    world.cso  # noqa: B018
    found = Deal.objects.filter(customer=world.contoso).first()
    if found is None:
        found = factories.deal(world.cast, customer=world.contoso, closed="2023-10-01")
    return {"deal_id": found.pk}


def negative_deal(world: World) -> dict[str, Any]:
    world.cso  # noqa: B018 - the owner finds Contoso through its voucher
    return {"tpid": world.contoso.tpid, "value": "-1.00", "close_date": "2023-10-01", "workloads": ["Office 365 E3"]}


ROWS: dict[str, Op] = {
    "deal_list": Op(expect=signed_in(200)),
    "deal_get": Op(expect=only(SEES_DEAL, 200), path=a_deal),
    "deal_record": Op(
        expect=MICROSOFT_WRITE_REFUSED_INPUT,
        body=negative_deal,
    ),
}
