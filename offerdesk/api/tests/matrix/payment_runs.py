"""The matrix rows of /payment-runs: runs are finance's alone (access_finance_scope): anyone else lists none and
finds none (404), and may create none (403, I-15). The writes change nothing between personas: a run without a
date and a failure without a reason are refused (400); an item is not paid before its run is sent (409), nor
reversed before it is paid (400); marking the run sent twice is marking it once (200)."""

from __future__ import annotations

from typing import Any

from offerdesk.portal.tests.matrix.finance import ledger

from . import Op, World, only, signed_in

FINANCE = ("finance", "superuser")


def run(world: World) -> dict[str, Any]:
    return {"run_id": ledger(world)[0].pk}


def item(world: World) -> dict[str, Any]:
    found, one, _ = ledger(world)
    return {"run_id": found.pk, "item_id": one.pk}


ROWS: dict[str, Op] = {
    "payment_run_list": Op(expect=signed_in(200)),
    "payment_run_create": Op(expect=signed_in(403, finance=400, superuser=400), body=lambda w: {"up_to": ""}),
    "payment_run_get": Op(expect=only(FINANCE, 200), path=run),
    "payment_run_send": Op(expect=only(FINANCE, 200), path=run),
    "payment_run_export": Op(expect=only(FINANCE, 200), path=lambda w: {**run(w), "file_format": "csv"}),
    "payment_run_item_list": Op(expect=only(FINANCE, 200), path=run),
    "payment_run_item_paid": Op(expect=only(FINANCE, 409), path=item),
    "payment_run_item_failed": Op(expect=only(FINANCE, 400), path=item, body=lambda w: {"reason": ""}),
    "payment_run_item_reverse": Op(
        expect=only(FINANCE, 400), path=item, body=lambda w: {"amount": "1.00", "reason": "overstated"}
    ),
}
