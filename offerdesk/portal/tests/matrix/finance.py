"""The matrix rows of finance's pages (exchange rates, payment runs, statements) and the partner's Statements.

Finance (and a superuser) alone open finance's pages; everyone else signed in is refused (403). The posts change
nothing between personas: a zero rate, a file missing, a run without a date and a failure without a reason are
refused (400); an item is not paid before its run is sent (409), nor reversed before it is paid (400); marking the
run sent twice is marking it once (302). The partner side reads its own statements; another partner's, or another
partner's FPM, finds none (404)."""

from __future__ import annotations

from typing import Any

from offerdesk.payouts.models import PaymentRun, PaymentRunItem, Statement
from offerdesk.payouts.services import payment_run_create, statements_publish
from tests.factories import approve, approved_sow, cso_poe, on

from . import Row, World, only

FINANCE = ("finance", "superuser")
PAGE = only(FINANCE, 200, others=403)
REFUSED = only(FINANCE, 400, others=403)
REDIRECT = only(FINANCE, 302, others=403)
CONFLICT = only(FINANCE, 409, others=403)
PARTNER_LIST = only(("owner", "colleague", "other_partner", "other_fpm", "superuser"), 200, others=403)
PARTNER_DETAIL = only(("owner", "colleague", "superuser"), 200, others=403, other_partner=404, other_fpm=404)


def ledger(world: World) -> tuple[PaymentRun, PaymentRunItem, Statement]:
    """Fabrikam's $9,000.00 for Contoso's POE (payable 2024-03-16) in a run up to March, and March's statement."""
    existing = PaymentRun.objects.first()
    if existing is None:
        cast = world.cast
        approved_sow(cast, voucher=world.cso, submitted="2023-10-02", approved="2023-10-04")
        approve(
            cast,
            cso_poe(actor=cast.pat, voucher=world.cso, partner=cast.fabrikam, when="2024-01-10"),
            when="2024-01-12",
        )
        with on("2024-04-02"):
            statements_publish(on="2024-04-02")
            existing = payment_run_create(actor=cast.finance, up_to="2024-03-31")
    item = PaymentRunItem.objects.get(run=existing)
    return existing, item, Statement.objects.get()


def run(world: World) -> dict[str, Any]:
    return {"pk": ledger(world)[0].pk}


def item(world: World) -> dict[str, Any]:
    found, one, _ = ledger(world)
    return {"pk": found.pk, "item": one.pk}


def statement(world: World) -> dict[str, Any]:
    return {"pk": ledger(world)[2].pk}


ROWS: dict[str, Row] = {
    "portal:finance-rates": Row(expect=PAGE),
    "portal:finance-rate-add": Row(
        expect=REFUSED,
        method="post",
        data=lambda w: {"currency": "INR", "rate": "0", "effective_from": "2024-03-01"},
    ),
    "portal:finance-rates-import": Row(expect=REFUSED, method="post"),
    "portal:finance-runs": Row(expect=PAGE),
    "portal:finance-run-create": Row(expect=REFUSED, method="post", data=lambda w: {"up_to": ""}),
    "portal:finance-run": Row(expect=PAGE, kwargs=run),
    "portal:finance-run-export": Row(expect=PAGE, kwargs=lambda w: {**run(w), "file_format": "csv"}),
    "portal:finance-run-send": Row(expect=REDIRECT, kwargs=run, method="post"),
    "portal:finance-run-item-paid": Row(expect=CONFLICT, kwargs=item, method="post"),
    "portal:finance-run-item-failed": Row(expect=REFUSED, kwargs=item, method="post", data=lambda w: {"reason": ""}),
    "portal:finance-run-item-reverse": Row(
        expect=REFUSED, kwargs=item, method="post", data=lambda w: {"amount": "1.00", "reason": "overstated"}
    ),
    "portal:finance-statements": Row(expect=PAGE),
    "portal:finance-statement": Row(expect=PAGE, kwargs=statement),
    "portal:finance-statement-file": Row(expect=PAGE, kwargs=lambda w: {**statement(w), "file_format": "pdf"}),
    "portal:partner-statements": Row(expect=PARTNER_LIST),
    "portal:partner-statement": Row(expect=PARTNER_DETAIL, kwargs=statement),
    "portal:partner-statement-file": Row(
        expect=PARTNER_DETAIL, kwargs=lambda w: {**statement(w), "file_format": "csv"}
    ),
}
