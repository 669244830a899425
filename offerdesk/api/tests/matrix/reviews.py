"""The matrix rows of /reviews: the queue and a request's file are the review desk's (reviewers, operators,
auditors, a superuser), everyone else is refused (403), whatever the object; the steps are the conversation of
Microsoft and the requesting partner (its customer does not see them: 404). The decisions are the services' to
refuse: approving a request that waits for information is bad input (400) for those who decide, a role for
anyone else who finds the request (403); an empty rejection, question or count of verified users is refused (400)
for those who may take that step.

The objects (the portal matrix's): the owner's SOW, questioned; the owner's SOW answered with a file."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.partner import answered
from offerdesk.portal.tests.matrix.review import questioned

from . import Op, World, only, signed_in
from .requests import SEES_REQUEST

DESK = ("operator", "reviewer", "auditor", "superuser")
DECIDES = ("reviewer", "superuser")
# The review conversation: the partner's users and staff; not its customer.
SEES_STEPS = tuple(p for p in SEES_REQUEST if p != "customer")


def _questioned(world: World) -> dict[str, Any]:
    return {"request_id": questioned(world).pk}


def _step(world: World) -> dict[str, Any]:
    return {"decision_id": questioned(world).decisions.get().pk}


def _attachment(world: World) -> dict[str, Any]:
    request, step = answered(world)
    return {"request_id": request.pk, "decision_id": step.pk}


def decides(*personas: str, status: int = 400) -> dict[str, int]:
    """Those who take the step get `status`; anyone else who finds the request is refused its role (403)."""
    return only(SEES_REQUEST, 403, **dict.fromkeys(personas, status))


ROWS: dict[str, Op] = {
    "review_queue": Op(expect=only(DESK, 200, others=403)),
    "review_get": Op(expect=only(DESK, 200, others=403), path=_questioned),
    "review_reject_grounds": Op(expect=signed_in(200)),
    "decision_list": Op(expect=signed_in(200)),
    "decision_get": Op(expect=only(SEES_STEPS, 200), path=_step),
    "decision_attachment": Op(expect=only(SEES_STEPS, 200), path=_attachment),
    "review_approve": Op(expect=decides(*DECIDES), path=_questioned, body=lambda world: {}),
    "review_reject": Op(expect=decides(*DECIDES), path=_questioned, body=lambda world: {"reason": ""}),
    "review_request_info": Op(expect=decides(*DECIDES), path=_questioned, body=lambda world: {"question": ""}),
    "review_verify_seats": Op(
        expect=decides("operator", *DECIDES), path=_questioned, body=lambda world: {"users": "many"}
    ),
}
