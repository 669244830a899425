"""The matrix rows of the staff pages."""

from __future__ import annotations

from . import CUSTOMER_PERSONAS, PARTNER_PERSONAS, Row, signed_in

NOT_VERIFIERS = (*PARTNER_PERSONAS, *CUSTOMER_PERSONAS, "other_fpm", "seller")

ROWS: dict[str, Row] = {
    # A partner's or a customer's user may not open the staff home (a page, not an object: 403).
    "portal:staff-home": Row(expect=signed_in(200, **dict.fromkeys((*PARTNER_PERSONAS, *CUSTOMER_PERSONAS), 403))),
    # The review desk, operators, finance and auditors verify a file in hand; nobody else (a page: 403).
    "portal:staff-verify": Row(expect=signed_in(200, **dict.fromkeys(NOT_VERIFIERS, 403))),
}
