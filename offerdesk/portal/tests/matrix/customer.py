"""The matrix rows of the customer area's routes, and of the document files the partner's and the customer's
pages share (routes/documents.py).

The customer's pages are the customer users' own (another role: 403, a page not an object); within them
another customer's voucher or document is not found (404). A superuser sees everything, as everywhere.
The document files answer whoever may see the document: its partner's users and FPM, its voucher's
customer, staff (ADR 10); anyone else 404."""

from __future__ import annotations

from offerdesk.vouchers.models import Voucher
from tests import factories

from . import CUSTOMER_PERSONAS, Row, World, only

DAY = "2023-10-06"
# Customer pages: its customer users (and a superuser); partners and staff get 403, anyone else the sign-in page.
CUSTOMER_PAGE = only(CUSTOMER_PERSONAS, 200, others=403, superuser=200)
# One of the customer's objects: another customer does not find it.
CUSTOMER_OBJECT = only(("customer", "superuser"), 200, others=403, other_customer=404)


def fy24_voucher(world: World) -> Voucher:
    """Contoso's open DEP voucher (no partner yet), beside its CSO voucher."""
    if "fy24" not in world.__dict__:
        world.__dict__["fy24"] = factories.mws_voucher(world.cast, customer=world.contoso)
    voucher: Voucher = world.__dict__["fy24"]
    return voucher


ROWS: dict[str, Row] = {
    "portal:customer-vouchers": Row(expect=CUSTOMER_PAGE),
    "portal:customer-voucher-partner": Row(
        expect=CUSTOMER_OBJECT, kwargs=lambda world: {"code": fy24_voucher(world).code}
    ),
}
