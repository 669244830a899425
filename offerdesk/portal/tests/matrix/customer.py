"""The matrix rows of the customer area's routes, and of the document files the partner's and the customer's
pages share (routes/documents.py).

The customer's pages are the customer users' own (another role: 403, a page not an object); within them
another customer's voucher or document is not found (404). A superuser sees everything, as everywhere.
The document files answer whoever may see the document: its partner's users and FPM, its voucher's
customer, staff (ADR 10); anyone else 404."""

from __future__ import annotations

from typing import Any

from offerdesk.documents.models import Document
from offerdesk.documents.services import document_prepare
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import on, sign_document

from . import CUSTOMER_PERSONAS, Row, World, answers, only

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


def document_to_sign(world: World) -> Document:
    """A SOW Fabrikam (the owner) prepared and signed for Contoso's CSO voucher: the customer's turn."""
    if "document" not in world.__dict__:
        pat = world.cast.pat
        with on("2023-09-05"):
            sow = document_prepare(actor=pat, voucher=world.cso, partner=world.cast.fabrikam, kind="SOW", value="15000")
            world.__dict__["document"] = sign_document(
                sow, actor=pat, party="partner", when=None, name="Pat Partner", title="Delivery lead"
            )
    document: Document = world.__dict__["document"]
    return document


def document_key(world: World) -> dict[str, Any]:
    return {"key": document_to_sign(world).key}


def signature(world: World) -> dict[str, Any]:
    return {"name": "Cora Customer", "title": "CIO", "shown": document_to_sign(world).sha256}


# The document's file: its partner's people, its customer, staff; another partner, customer or FPM: 404.
DOCUMENT_FILE = answers(200, other_partner=404, other_customer=404, other_fpm=404, anonymous=302)

ROWS: dict[str, Row] = {
    "portal:customer-vouchers": Row(expect=CUSTOMER_PAGE),
    "portal:customer-voucher-partner": Row(
        expect=CUSTOMER_OBJECT, kwargs=lambda world: {"code": fy24_voucher(world).code}
    ),
    "portal:customer-documents": Row(expect=CUSTOMER_PAGE),
    "portal:customer-document": Row(expect=CUSTOMER_OBJECT, kwargs=document_key),
    # The customer signs (and is sent back to the page); a superuser is no customer's signer (403).
    "portal:customer-document-sign": Row(
        expect=only(("customer",), 302, others=403, other_customer=404),
        kwargs=document_key,
        method="post",
        data=signature,
    ),
    # The customer declines; the superuser, after it, finds the document declined already (409).
    "portal:customer-document-decline": Row(
        expect=only(("customer",), 302, others=403, other_customer=404, superuser=409),
        kwargs=document_key,
        method="post",
        data=lambda world: {"reason": "Not what we agreed."},
    ),
    "portal:document-download": Row(expect=DOCUMENT_FILE, kwargs=document_key),
    "portal:document-view": Row(expect=DOCUMENT_FILE, kwargs=document_key),
}
