"""The matrix rows of /statements: a published statement is read as a payment is (access_payment_scope): by the
partner's people and every staff role but sellers; another partner, its FPM and customers find none (404)."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.finance import ledger

from . import Op, World, only, signed_in

SEES_STATEMENTS = ("owner", "colleague", "operator", "reviewer", "finance", "auditor", "superuser")


def statement(world: World) -> dict[str, Any]:
    return {"statement_id": ledger(world)[2].pk}


ROWS: dict[str, Op] = {
    "statement_list": Op(expect=signed_in(200)),
    "statement_get": Op(expect=only(SEES_STATEMENTS, 200), path=statement),
    "statement_file": Op(expect=only(SEES_STATEMENTS, 200), path=lambda w: {**statement(w), "file_format": "pdf"}),
}
