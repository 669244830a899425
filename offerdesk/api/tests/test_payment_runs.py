"""/payment-runs through HTTP: finance creates a run up to a date (safe to retry with an Idempotency-Key), sends it,
marks items paid or failed, reverses part of a paid payment and exports the run; every refusal with its rule IDs;
another role finds no run; a page costs the same queries with one row and with fifty."""

from __future__ import annotations

from typing import Any

import pytest

from offerdesk.payouts.models import PaymentReversal, PaymentRun
from offerdesk.payouts.tests.ledger import rate
from tests.factories import Cast, audit_events, on, partner_user
from tests.factories import partner as make_partner

from .client import Api, problem_of
from .money import payments, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(cast: Cast) -> dict[str, Any]:
    """Fabrikam (USD) owed $9,000.00 and Infosphere (INR at 83.4) $9,000.00, both payable 2024-03-16."""
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    partner_user(indian, "ira")
    rate(cast, "INR", "83.4")
    [fabrikam] = payments(cast, 1)
    [infosphere] = payments(cast, 1, partner=indian, first=2)
    return {"fabrikam": fabrikam, "infosphere": infosphere}


def _create(api: Api, up_to: str = "2024-03-31", key: str | None = None) -> Any:
    with on("2024-04-20"):
        return api.post("/payment-runs/", {"up_to": up_to}, key=key)


def test_finance_runs_a_payment_run_end_to_end(cast: Cast, ledger: dict[str, Any]) -> None:
    fiona = Api(cast.finance)
    # When finance creates a run up to the end of March
    made = _create(fiona, key="run-march")
    assert made.status_code == 201, made.content
    run = made.json()
    assert (run["status"], run["up_to"], run["item_count"], run["usd_total"]) == (
        "created",
        "2024-03-31",
        2,
        "18000.00",
    )
    assert run["created_by"] == "fiona" and run["held"] == []
    # Then its items carry the fixed rates and local amounts, as decimal strings
    items = fiona.get(f"/payment-runs/{run['id']}/items").json()["items"]
    assert [(i["partner_name"], i["rate"], i["local_amount"], i["status"]) for i in items] == [
        ("Fabrikam", "1", "9000.00", "pending"),
        ("Infosphere", "83.4", "750600.00", "pending"),
    ]
    fabrikam, infosphere = items
    base = f"/payment-runs/{run['id']}"
    # When it is sent (twice: once), Fabrikam's item paid and Infosphere's failed
    with on("2024-04-21"):
        assert fiona.post(f"{base}/send").json()["status"] == "sent"
        assert fiona.post(f"{base}/send").json()["status"] == "sent"
    with on("2024-04-25"):
        paid = fiona.post(f"{base}/items/{fabrikam['id']}/paid").json()
        failed = fiona.post(f"{base}/items/{infosphere['id']}/failed", {"reason": "IBAN rejected"}).json()
    assert (paid["status"], paid["settled_by"]) == ("paid", "fiona")
    assert (failed["status"], failed["failure_reason"]) == ("failed", "IBAN rejected")
    assert fiona.get(base).json()["status"] == "closed"
    # And part of the paid payment is reversed, at its fixed rate: a new entry
    with on("2024-04-28"):
        reversed_ = fiona.post(f"{base}/items/{fabrikam['id']}/reverse", {"amount": "250.00", "reason": "overstated"})
    assert reversed_.status_code == 201, reversed_.content
    assert {k: reversed_.json()[k] for k in ("amount", "local_amount", "rate")} == {
        "amount": "250.00",
        "local_amount": "250.00",
        "rate": "1",
    }
    assert fiona.get(f"{base}/items", {"status": "paid"}).json()["items"][0]["reversed_usd"] == "250.00"
    assert [r["status"] for r in fiona.get("/payment-runs/").json()["items"]] == ["closed"]


def test_a_replayed_create_makes_one_run(cast: Cast, ledger: dict[str, Any]) -> None:
    fiona = Api(cast.finance)
    first = _create(fiona, key="run-1")
    replay = _create(fiona, key="run-1")
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert PaymentRun.objects.count() == 1 and len(audit_events("payment_run.create", "done")) == 1
    # without the key, a second create is a second request: nothing is waiting any more
    again = problem_of(_create(fiona))
    assert again["status"] == 400 and again["rules"] == ["I-15"] and "waiting" in again["detail"]
    assert PaymentRun.objects.count() == 1


def test_the_export_is_a_file_for_the_payment_system(cast: Cast, ledger: dict[str, Any]) -> None:
    fiona = Api(cast.finance)
    run = _create(fiona).json()
    csv = fiona.get(f"/payment-runs/{run['id']}/export/csv")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["X-Content-Type-Options"] == "nosniff" and csv["Cache-Control"] == "private, no-store"
    assert csv["Content-Disposition"] == f'attachment; filename="payment-run-{run["id"]}-20240331.csv"'
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("run,item,partner") and len(lines) == 3 and ",750600.00," in lines[2]
    xlsx = fiona.get(f"/payment-runs/{run['id']}/export/xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert len(audit_events("payment_run.export", "done")) == 2
    bad = problem_of(fiona.get(f"/payment-runs/{run['id']}/export/pdf"))
    assert bad["status"] == 400 and bad["errors"][0]["field"] == "file_format"


def test_refusals_carry_their_rule_ids_and_change_nothing(cast: Cast, ledger: dict[str, Any]) -> None:
    fiona = Api(cast.finance)
    # another role may not create a run (403, I-15); bad input is refused by its field (400)
    refused = problem_of(_create(Api(cast.operator)))
    assert refused["status"] == 403 and refused["rules"] == ["I-15"]
    bad_day = problem_of(_create(fiona, up_to="31/03/2024"))
    assert bad_day["status"] == 400 and bad_day["errors"][0]["field"] == "up to"
    unknown = problem_of(fiona.post("/payment-runs/", {"up_to": "2024-03-31", "dry_run": True}))
    assert unknown["status"] == 400 and unknown["errors"][0]["field"] == "dry_run"
    assert not PaymentRun.objects.exists()
    run = _create(fiona).json()
    base = f"/payment-runs/{run['id']}"
    item = fiona.get(f"{base}/items").json()["items"][0]["id"]
    # an item is not paid before its run is sent (409), nor reversed before it is paid (400, I-15)
    early = problem_of(fiona.post(f"{base}/items/{item}/paid"))
    assert early["status"] == 409 and early["type"] == "urn:offerdesk:problem:illegal_transition"
    unpaid = problem_of(fiona.post(f"{base}/items/{item}/reverse", {"amount": "1.00", "reason": "x"}))
    assert unpaid["status"] == 400 and unpaid["rules"] == ["I-15"]
    with on("2024-04-21"):
        fiona.post(f"{base}/send")
    no_reason = problem_of(fiona.post(f"{base}/items/{item}/failed", {"reason": " "}))
    assert no_reason["status"] == 400 and no_reason["errors"][0]["field"] == "reason"
    with on("2024-04-25"):
        fiona.post(f"{base}/items/{item}/paid")
    # money is a string: a JSON number is refused by its field; more than was paid is refused (I-15)
    as_number = problem_of(fiona.post(f"{base}/items/{item}/reverse", {"amount": 10.5, "reason": "x"}))
    assert as_number["status"] == 400 and as_number["errors"][0]["field"] == "amount"
    too_much = problem_of(fiona.post(f"{base}/items/{item}/reverse", {"amount": "9000.01", "reason": "x"}))
    assert too_much["status"] == 400 and too_much["rules"] == ["I-15"] and "at most $9,000.00" in too_much["detail"]
    negative = problem_of(fiona.post(f"{base}/items/{item}/reverse", {"amount": "-5", "reason": "x"}))
    assert negative["status"] == 400 and negative["errors"][0]["field"] == "amount"
    assert not PaymentReversal.objects.exists()


def test_no_one_but_finance_finds_a_run(cast: Cast, ledger: dict[str, Any]) -> None:
    run = _create(Api(cast.finance)).json()
    for user in (cast.pat, cast.operator, cast.auditor):
        caller = Api(user)
        assert caller.get("/payment-runs/").json()["items"] == []
        assert problem_of(caller.get(f"/payment-runs/{run['id']}"))["status"] == 404
        assert caller.post(f"/payment-runs/{run['id']}/send").status_code == 404
    assert PaymentRun.objects.get().status == "created"


def test_a_page_costs_the_same_queries_with_one_row_and_with_fifty(cast: Cast) -> None:
    fiona = Api(cast.finance)
    payments(cast, 1)
    one_run = _create(fiona).json()["id"]
    runs_one = queries(fiona, "/payment-runs/")
    items_one = queries(fiona, f"/payment-runs/{one_run}/items")
    payments(cast, 50, first=2)
    fifty_run = _create(fiona).json()["id"]
    PaymentRun.objects.bulk_create(
        PaymentRun(up_to=f"2024-03-{day:02}", created_by=cast.finance) for day in range(1, 31)
    )
    PaymentRun.objects.bulk_create(
        PaymentRun(up_to=f"2024-02-{day:02}", created_by=cast.finance) for day in range(1, 19)
    )
    assert PaymentRun.objects.count() == 50
    assert queries(fiona, "/payment-runs/", {"limit": 50}) == runs_one == 2  # the token, the page
    assert queries(fiona, f"/payment-runs/{fifty_run}/items", {"limit": 50}) == items_one == 3  # and the run
