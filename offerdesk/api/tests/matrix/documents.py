"""The matrix rows of /documents: a document is its partner's, its voucher's customer's and staff's (another
partner, customer or FPM: 404). Preparing one is for those who may act for the partner (a role: 403 for anyone
else), and a negative value is refused (400); signing with no name and declining with no reason are refused (400)
for whoever may see the document; submitting one not yet sealed is "not now" (409). Verifying a file is the
desk's, operators', finance's and auditors' (no file sent: 200, not intact).

The upload is multipart: the matrix's JSON body sends none of its fields, so every caller is refused by field
(400) before anything is looked up; test_documents asks it as each tenant with a real file."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.partner import prepared

from . import Op, World, only, signed_in
from .requests import ACTS_FOR_PARTNER, SEES_REQUEST

SEES_DOCUMENT = SEES_REQUEST
VERIFIES = ("operator", "reviewer", "finance", "auditor", "superuser")


def _key(world: World) -> dict[str, Any]:
    return {"key": prepared(world).key}


ROWS: dict[str, Op] = {
    "document_list": Op(expect=signed_in(200)),
    "document_get": Op(expect=only(SEES_DOCUMENT, 200), path=_key),
    "document_download": Op(expect=only(SEES_DOCUMENT, 200), path=_key),
    "document_prepare": Op(
        expect=only(SEES_DOCUMENT, 403, **dict.fromkeys(ACTS_FOR_PARTNER, 400)),
        body=lambda world: {"voucher": world.cso.code, "kind": "SOW", "value": "-1"},
    ),
    "document_sign": Op(
        expect=only(SEES_DOCUMENT, 400),
        path=_key,
        body=lambda world: {"party": "partner", "name": "", "title": "", "shown_sha256": prepared(world).sha256},
    ),
    "document_decline": Op(expect=only(SEES_DOCUMENT, 400), path=_key, body=lambda world: {"reason": ""}),
    "document_submit": Op(expect=only(SEES_DOCUMENT, 403, **dict.fromkeys(ACTS_FOR_PARTNER, 409)), path=_key),
    "document_upload": Op(expect=signed_in(400)),
    "document_verify": Op(expect=only(VERIFIES, 200, others=403)),
}
