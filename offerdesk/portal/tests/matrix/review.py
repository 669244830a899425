"""The matrix rows of the review desk (at "staff/reviews/"): reviewers work it, operators and auditors read it
(a superuser too); everyone else is refused the page (403), whatever the object. The services decide the rest:
an operator or an auditor may not decide (403), a refused decision changes nothing (400).

The objects: the owner's SOW on Contoso's voucher, submitted through a sealed document and waiting for the
partner's answer (so that no persona's approval goes through), and the answered SOW of the partner rows (with
the partner's file attached to its answer)."""

from __future__ import annotations

from typing import Any

from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.services import review_request_info
from tests.factories import on

from ..reviewing import submitted_document
from . import Row, World, only
from .partner import answered

DESK = ("operator", "reviewer", "auditor", "superuser")
PAGE = only(DESK, 200, others=403)
# A form the desk posts empty: refused as bad input before any service runs, for every desk role alike.
EMPTY_POST = only(DESK, 400, others=403)
# Approving a request that waits for information: refused by the service, as bad input for those who decide
# (a reviewer, a superuser), as a role for an operator or an auditor.
APPROVE_WAITING = only(("reviewer", "superuser"), 400, others=403)


def questioned(world: World) -> RedemptionRequest:
    """The owner's SOW with its sealed document, submitted on 2023-10-02 and questioned on 2023-10-03."""
    made = world.__dict__.get("_questioned_sow")
    if made is None:
        made = submitted_document(world.cast, world.cso, when="2023-10-02")
        with on("2023-10-03"):
            review_request_info(actor=world.cast.reviewer, request=made, question="Which sites?")
        world.__dict__["_questioned_sow"] = made
    return made


def _questioned(world: World) -> dict[str, Any]:
    return {"pk": questioned(world).pk}


ROWS: dict[str, Row] = {
    "portal:review-queue": Row(expect=PAGE),
    "portal:review-request": Row(expect=PAGE, kwargs=_questioned),
    "portal:review-document": Row(expect=PAGE, kwargs=_questioned),
    "portal:review-attachment": Row(expect=PAGE, kwargs=lambda w: {"pk": answered(w)[0].pk, "step": answered(w)[1].pk}),
    "portal:review-approve": Row(expect=APPROVE_WAITING, method="post", kwargs=_questioned),
    "portal:review-reject": Row(expect=EMPTY_POST, method="post", kwargs=_questioned),
    "portal:review-ask": Row(expect=EMPTY_POST, method="post", kwargs=_questioned),
    "portal:review-verify-users": Row(expect=EMPTY_POST, method="post", kwargs=_questioned),
}
