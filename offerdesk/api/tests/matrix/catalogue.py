"""The matrix rows of /catalogue: every Microsoft staff role reads it; a partner's or a customer's user and an FPM
may not (403, ADR 28). The writes send a value out of its bounds (or no reason): an operator is refused by the
service's parsing (400) and nothing changes; every other staff role may not change a parameter at all (403)."""

from __future__ import annotations

from typing import Any

from offerdesk.catalogue.services import parameter_set
from offerdesk.core.dates import clock_at
from tests.factories import moment

from . import Op, World, signed_in

OUTSIDERS = dict.fromkeys(("owner", "colleague", "other_partner", "customer", "other_customer", "other_fpm"), 403)
READ = signed_in(200, **OUTSIDERS)
CHANGE = signed_in(400, **OUTSIDERS, seller=403, reviewer=403, finance=403, auditor=403)
KEY = {"code": "CSO", "key": "cso.intent_days"}


def an_override(world: World) -> dict[str, Any]:
    """Omar's override of the intent days, which the withdraw row asks to take back without a reason."""
    with clock_at(moment("2023-09-01")):
        override = parameter_set(actor=world.cast.operator, key="cso.intent_days", value="20", reason="matrix")
    return {**KEY, "override_id": override.pk}


ROWS: dict[str, Op] = {
    "catalogue_program_list": Op(expect=READ),
    "catalogue_program_get": Op(expect=READ, path=lambda world: {"code": "MWS"}),
    "catalogue_offer_list": Op(expect=READ),
    "catalogue_offer_get": Op(expect=READ, path=lambda world: {"code": "DEP"}),
    "catalogue_workload_list": Op(expect=READ),
    "catalogue_sku_list": Op(expect=READ),
    "catalogue_parameter_list": Op(expect=READ, path=lambda world: {"code": "CSO"}),
    "catalogue_parameter_get": Op(expect=READ, path=lambda world: KEY),
    "catalogue_parameter_set": Op(
        expect=CHANGE,
        path=lambda world: KEY,
        body=lambda world: {"value": "-5", "effective_from": "2023-09-01", "reason": "matrix"},
    ),
    "catalogue_parameter_withdraw": Op(expect=CHANGE, path=an_override, body=lambda world: {"reason": ""}),
}
