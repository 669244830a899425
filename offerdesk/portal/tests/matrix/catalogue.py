"""The matrix rows of the catalogue: every Microsoft staff role reads it, a partner's or a customer's user and an
FPM may not (403, ADR 28). The posts send a value out of its bounds (or no reason): an operator is refused by the
service's parsing (400) and nothing changes; every other staff role may not change a parameter at all (403)."""

from __future__ import annotations

from offerdesk.catalogue.services import parameter_set
from offerdesk.core.dates import clock_at
from tests.factories import moment

from . import CUSTOMER_PERSONAS, PARTNER_PERSONAS, Row, World, signed_in

OUTSIDERS = dict.fromkeys((*PARTNER_PERSONAS, *CUSTOMER_PERSONAS, "other_fpm"), 403)
READ = signed_in(200, **OUTSIDERS)
CHANGE = signed_in(400, **OUTSIDERS, seller=403, reviewer=403, finance=403, auditor=403)
KEY = {"code": "CSO", "key": "cso.intent_days"}


def an_override(world: World) -> dict[str, object]:
    """Omar's override of the intent days, which the withdraw row asks to take back without a reason."""
    with clock_at(moment("2023-09-01")):
        override = parameter_set(actor=world.cast.operator, key="cso.intent_days", value="20", reason="matrix")
    return {**KEY, "pk": override.pk}


ROWS: dict[str, Row] = {
    "portal:staff-catalogue": Row(expect=READ),
    "portal:staff-catalogue-program": Row(expect=READ, kwargs=lambda w: {"code": "MWS"}),
    "portal:staff-catalogue-parameter": Row(expect=READ, kwargs=lambda w: KEY),
    "portal:staff-catalogue-parameter-set": Row(
        expect=CHANGE,
        kwargs=lambda w: KEY,
        method="post",
        data=lambda w: {"value": "-5", "effective_from": "2023-09-01", "scope": "this", "reason": "matrix"},
    ),
    "portal:staff-catalogue-parameter-withdraw": Row(
        expect=CHANGE, kwargs=an_override, method="post", data=lambda w: {"reason": ""}
    ),
}
