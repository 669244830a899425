"""The matrix rows of /exchange-rates: rates are finance's back office (access_finance_scope): anyone else lists
none and finds none (404). Finance and operators set rates (the service's roles), a zero rate is refused (400);
anyone else may not (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from offerdesk.payouts.models import ExchangeRate
from offerdesk.payouts.services import exchange_rate_set

from . import Op, World, only, signed_in


def inr_on_payday(world: World) -> dict[str, Any]:
    """The INR rate on 2024-03-16, entered by finance before the matrix asks."""
    if not ExchangeRate.objects.filter(currency="INR").exists():
        exchange_rate_set(actor=world.cast.finance, currency="INR", rate="83.4", effective_from=dt.date(2024, 3, 1))
    return {"currency": "INR", "on": "2024-03-16"}


ROWS: dict[str, Op] = {
    "exchange_rate_list": Op(expect=signed_in(200)),
    "exchange_rate_in_effect": Op(expect=only(("finance", "superuser"), 200), query=inr_on_payday),
    "exchange_rate_set": Op(
        expect=signed_in(403, finance=400, operator=400, superuser=400),
        body=lambda w: {"currency": "INR", "rate": "0", "effective_from": "2024-03-01"},
    ),
}
