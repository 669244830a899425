"""The matrix rows of /requests: each caller lists its own scope; one request is its partner's, its voucher's
customer's and staff's (another partner, customer or FPM: 404). Submitting a document not yet sealed is "not now"
(409) for those who may submit for the partner (its users, operators, reviewers), a role for anyone else (403);
an empty answer is refused (400) for those who may answer.

The objects (the portal matrix's): the owner's SOW on Contoso's voucher, submitted through a sealed document and
questioned by the reviewer; the owner's SOW answered with a file; the owner's SOW document, prepared, unsigned."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.partner import answered, prepared
from offerdesk.portal.tests.matrix.review import questioned

from . import Op, World, only, signed_in

# Who sees a request or its signatures: its partner's users, its voucher's customer, staff.
SEES_REQUEST = ("owner", "colleague", "customer", "seller", "operator", "reviewer", "finance", "auditor", "superuser")
# Who may act for the partner: its own users, and operators and reviewers on its behalf (a superuser too).
ACTS_FOR_PARTNER = ("owner", "colleague", "operator", "reviewer", "superuser")


def _questioned(world: World) -> dict[str, Any]:
    return {"request_id": questioned(world).pk}


def _signature(world: World) -> dict[str, Any]:
    return {"signature_id": questioned(world).signatures.order_by("pk").first().pk}  # type: ignore[union-attr]


ROWS: dict[str, Op] = {
    "request_list": Op(expect=signed_in(200)),
    "request_get": Op(expect=only(SEES_REQUEST, 200), path=_questioned),
    "request_submit": Op(
        expect=only(SEES_REQUEST, 403, **dict.fromkeys(ACTS_FOR_PARTNER, 409)),
        body=lambda world: {"document": prepared(world).key},
    ),
    "request_answer": Op(
        expect=only(SEES_REQUEST, 403, **dict.fromkeys(ACTS_FOR_PARTNER, 400)),
        path=lambda world: {"request_id": answered(world)[0].pk},
    ),
    "signature_list": Op(expect=signed_in(200)),
    "signature_get": Op(expect=only(SEES_REQUEST, 200), path=_signature),
}
