"""The matrix rows of the partner area's routes: partner users and their FPM read, another partner or another
partner's FPM asking for the owner's object is not found (ADR 10), customers and staff are refused (403).

The owner's objects are Contoso's CSO voucher (mapped to Fabrikam, its referral accepted) and, made on first
use, a SOW on it that the reviewer questioned and the owner answered with a file."""

from __future__ import annotations

from typing import Any

from offerdesk.documents.models import Document
from offerdesk.documents.services import document_prepare
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_provide_info, review_request_info
from tests.factories import on, submit

from . import Row, World, only

READERS = ("owner", "colleague", "other_partner", "other_fpm", "superuser")
LIST = only(READERS, 200, others=403)  # everyone of the partner side sees its own list (maybe empty)
DETAIL = only(("owner", "colleague", "superuser"), 200, others=403, other_partner=404, other_fpm=404)
# A refused answer (the referral is answered already, the form is empty): nothing changes for anyone.
REFUSED_POST = only(("owner", "colleague", "superuser"), 400, others=403, other_partner=404, other_fpm=404)


def answered(world: World) -> tuple[RedemptionRequest, Decision]:
    """The owner's SOW on Contoso's voucher: questioned on 2023-10-03, answered with a PDF on 2023-10-04."""
    made = world.__dict__.get("_answered_sow")
    if made is None:
        cast = world.cast
        sow = submit(actor=cast.pat, voucher=world.cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="1")
        with on("2023-10-03"):
            review_request_info(actor=cast.reviewer, request=sow, question="Which sites?")
        with on("2023-10-04"):
            review_provide_info(actor=cast.pat, request=sow, note="Both", attachment=("sites.pdf", b"%PDF-1.7\n"))
        made = world.__dict__["_answered_sow"] = (sow, Decision.objects.get(request=sow, outcome="info_provided"))
    return made


def prepared(world: World) -> Document:
    """The owner's SOW on Contoso's voucher, generated on 2023-09-05 and not signed yet."""
    made = world.__dict__.get("_prepared_sow")
    if made is None:
        cast = world.cast
        with on("2023-09-05"):
            made = document_prepare(actor=cast.pat, voucher=world.cso, partner=cast.fabrikam, kind="SOW", value="1")
        world.__dict__["_prepared_sow"] = made
    return made


def _key(world: World) -> dict[str, Any]:
    return {"key": prepared(world).key}


def _code(world: World) -> dict[str, Any]:
    return {"code": world.cso.code}


ROWS: dict[str, Row] = {
    "portal:partner-referrals": Row(expect=LIST),
    "portal:partner-referral-accept": Row(
        expect=REFUSED_POST, method="post", kwargs=lambda w: {"pk": w.cso.nomination.referral.pk}
    ),
    "portal:partner-referral-decline": Row(
        expect=REFUSED_POST, method="post", kwargs=lambda w: {"pk": w.cso.nomination.referral.pk}
    ),
    "portal:partner-vouchers": Row(expect=LIST),
    "portal:partner-voucher": Row(expect=DETAIL, kwargs=_code),
    "portal:partner-redeem": Row(expect=LIST),
    "portal:partner-redeem-figures": Row(expect=DETAIL, kwargs=lambda w: {**_code(w), "kind": "SOW"}),
    "portal:partner-redeem-upload": Row(expect=DETAIL, kwargs=lambda w: {**_code(w), "kind": "POE"}),
    "portal:partner-document": Row(expect=DETAIL, kwargs=_key),
    "portal:partner-document-pdf": Row(expect=DETAIL, kwargs=_key),
    "portal:partner-document-sign": Row(expect=REFUSED_POST, method="post", kwargs=_key),
    # Not signed by both yet: submitting it is "not now" (409), for whoever may see it.
    "portal:partner-document-submit": Row(
        expect=only(("owner", "colleague", "superuser"), 409, others=403, other_partner=404, other_fpm=404),
        method="post",
        kwargs=_key,
    ),
    "portal:partner-document-withdraw": Row(expect=REFUSED_POST, method="post", kwargs=_key),
    "portal:partner-redemptions": Row(expect=LIST),
    "portal:partner-redemption": Row(expect=DETAIL, kwargs=lambda w: {"pk": answered(w)[0].pk}),
    "portal:partner-redemption-answer": Row(
        expect=REFUSED_POST, method="post", kwargs=lambda w: {"pk": answered(w)[0].pk}
    ),
    "portal:partner-redemption-attachment": Row(
        expect=DETAIL, kwargs=lambda w: {"pk": answered(w)[0].pk, "step": answered(w)[1].pk}
    ),
    "portal:partner-payments": Row(expect=LIST),
}
