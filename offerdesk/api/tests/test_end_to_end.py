"""A whole CSO redemption and a whole FY24 redemption through HTTP alone (issue 9, point 7): from the nomination
to the payment run, each person with a token of their own, every write sent twice with its Idempotency-Key (the
client retrying) and changing things once. Only the customer base itself (master data that arrives by import)
is made beforehand; every step after it is a call to /api/v1, on the day the story says."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest

from offerdesk.audit.models import AuditEvent
from offerdesk.payouts.models import Payment, PaymentRun
from offerdesk.portal.tests.reviewing import customer_signer
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast

from .client import Api
from .redeeming import call

pytestmark = pytest.mark.django_db


def write(api: Api, method: str, path: str, body: Any = None, *, when: str, status: int = 200) -> dict[str, Any]:
    """A write, retried once with the same key as a client does after a timeout: one effect, the same answer."""
    key = f"e2e-{uuid.uuid4()}"
    events = AuditEvent.objects.count()
    first = call(api, method, path, body, when=when, key=key)
    assert first.status_code == status, (path, first.content[:500])
    made = AuditEvent.objects.count() - events
    retried = call(api, method, path, body, when=when, key=key)
    assert (retried.status_code, retried.content) == (first.status_code, first.content), path
    assert retried["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.count() - events == made, f"{path}: the retry had an effect"
    answer: dict[str, Any] = first.json()
    return answer


def read(api: Api, path: str, params: dict[str, Any] | None = None, *, when: str) -> Any:
    answered = call(api, "GET", path, params, when=when)
    assert answered.status_code == 200, (path, answered.content[:500])
    return answered.json()


def sealed(partner: Api, customer: Api, body: dict[str, Any], *, when: str) -> str:
    """A document prepared by the partner, signed by the partner, then by the customer: its key."""
    document = write(partner, "POST", "/documents/", body, when=when, status=201)
    key, shown = document["key"], document["sha256"]
    signer = {"name": "Pat Fabrikam", "title": "Delivery lead", "shown_sha256": shown}
    write(partner, "POST", f"/documents/{key}/sign", {"party": "partner", **signer}, when=when)
    signer = {"name": "Carla Customer", "title": "CIO", "shown_sha256": shown}
    signed = write(customer, "POST", f"/documents/{key}/sign", {"party": "customer", **signer}, when=when)
    assert signed["status"] == "sealed", signed
    return str(key)


def paid_through_a_run(finance: Api, partner: Api, *, up_to: str, when: str, expected: list[str]) -> None:
    """Finance runs the payments up to a day, sends the run and marks every item paid; the partner sees it."""
    run = write(finance, "POST", "/payment-runs/", {"up_to": up_to}, when=when, status=201)
    assert run["item_count"] == len(expected) and run["status"] == "created", run
    write(finance, "POST", f"/payment-runs/{run['id']}/send", when=when)
    items = read(finance, f"/payment-runs/{run['id']}/items", when=when)["items"]
    assert sorted(i["amount"] for i in items) == sorted(expected)
    for item in items:
        paid = write(finance, "POST", f"/payment-runs/{run['id']}/items/{item['id']}/paid", when=when)
        assert paid["status"] == "paid"
    [owed] = read(partner, "/payments/by-partner", when=when)
    lines = [line for voucher in owed["vouchers"] for line in voucher["lines"]]
    assert sorted(line["amount"] for line in lines if line["paid"]) == sorted(expected)
    assert PaymentRun.objects.get(pk=run["id"]).items.count() == len(expected)


def test_a_cso_redemption_from_nomination_to_payment_run_through_the_api_alone(cast: Cast) -> None:
    # Given Contoso in the customer base (2,000 paid seats, low usage: tier 1), and each person's token
    factories.cso_customer(cast.operator)
    seller, pat, reviewer, finance = (Api(u) for u in (cast.seller, cast.pat, cast.reviewer, cast.finance))
    fabrikam = cast.fabrikam.pk
    # And Fabrikam's PSA subscribed to every event (a receiver nobody serves: the deliveries wait, logged)
    events = ["voucher.issued", "request.submitted", "request.approved", "payment.scheduled", "payment.paid"]
    subscribed = call(pat, "POST", "/webhooks/", {"url": "http://127.0.0.1:9/psa", "events": events}, when="2023-09-01")
    assert subscribed.status_code == 201 and subscribed.json()["secret"].startswith("whsec_")
    hook = subscribed.json()
    # When the seller nominates Contoso with Fabrikam, and pat accepts the referral: the voucher is issued
    nomination = write(
        seller,
        "POST",
        "/nominations/",
        {"tpid": "T-100", "offer": "CSO", "partner": fabrikam},
        when="2023-09-01",
        status=201,
    )
    [referral] = read(pat, "/referrals/", {"awaiting": True}, when="2023-09-02")["items"]
    assert referral["nomination"] == nomination["id"]
    voucher = write(pat, "POST", f"/referrals/{referral['id']}/accept", when="2023-09-02")
    assert (voucher["status"], voucher["face_value"], voucher["partner"]) == ("open", "25000.00", fabrikam)
    customer = Api(customer_signer(_voucher(voucher)))
    # And the SOW is prepared, signed by both, submitted and approved
    sow_key = sealed(pat, customer, {"voucher": voucher["code"], "kind": "SOW", "value": "15000.00"}, when="2023-10-02")
    sow = write(pat, "POST", "/requests/", {"document": sow_key}, when="2023-10-02", status=201)
    queue = read(reviewer, "/reviews/queue/", {"kind": "SOW"}, when="2023-10-03")["items"]
    assert [row["id"] for row in queue] == [sow["id"]]
    assert write(reviewer, "POST", f"/reviews/{sow['id']}/approve", {}, when="2023-10-04")["status"] == "approved"
    # And the POE for 600 users on Exchange Online and Teams, verified and approved
    poe_body = {
        "voucher": voucher["code"],
        "kind": "POE",
        "users_deployed": 600,
        "workload_users": {"Exchange Online": 600, "Teams": 600},
    }
    poe_key = sealed(pat, customer, poe_body, when="2024-01-10")
    poe = write(pat, "POST", "/requests/", {"document": poe_key}, when="2024-01-10", status=201)
    verified = {"users": 600, "workload_users": {"Exchange Online": 600, "Teams": 600}}
    write(reviewer, "POST", f"/reviews/{poe['id']}/verify-seats", verified, when="2024-01-11")
    assert write(reviewer, "POST", f"/reviews/{poe['id']}/approve", {}, when="2024-01-12")["status"] == "approved"
    # Then the payment is scheduled, and finance's run pays it: Fabrikam sees it paid
    [payment] = read(pat, "/payments/", when="2024-01-12")["items"]
    assert (payment["kind"], payment["voucher"], payment["amount"]) == ("single", voucher["code"], "9000.00")
    assert Payment.objects.count() == 1
    paid_through_a_run(finance, pat, up_to="2024-03-31", when="2024-04-02", expected=[payment["amount"]])
    assert read(pat, f"/vouchers/{voucher['code']}", when="2024-04-02")["status"] == "completed"
    # And each moment was one event for the PSA, however often its writes were retried
    deliveries = read(pat, f"/webhooks/{hook['id']}/deliveries", {"limit": 200}, when="2024-04-02")["items"]
    assert Counter(d["event"] for d in deliveries) == {
        "voucher.issued": 1,
        "request.submitted": 2,
        "request.approved": 2,
        "payment.scheduled": 1,
        "payment.paid": 1,
    }


def _voucher(answer: dict[str, Any]) -> Voucher:
    """The voucher an answer names (only to find its customer's user, whom the customer base holds)."""
    return Voucher.objects.get(code=answer["code"])


def test_a_fy24_redemption_from_nomination_to_payment_run_through_the_api_alone(cast: Cast) -> None:
    # Given a city's government in the customer base (public sector: paid once, on the POE)
    factories.customer(cast.operator, tpid="T-602", name="City", sector="Public Sector")
    seller, operator, pat, reviewer, finance = (
        Api(u) for u in (cast.seller, cast.operator, cast.pat, cast.reviewer, cast.finance)
    )
    # When the seller nominates it for the Deployment offer and records its qualifying deal
    write(seller, "POST", "/nominations/", {"tpid": "T-602", "offer": "DEP"}, when="2023-09-01", status=201)
    deal = {"tpid": "T-602", "value": "500000.00", "close_date": "2023-10-01", "workloads": ["Microsoft 365 E3"]}
    write(seller, "POST", "/deals/", deal, when="2023-10-01", status=201)
    # And the eligibility quote says what it would get, and the operator issues the voucher under its cap
    quote = read(operator, "/customers/T-602/eligibility", {"on": "2023-10-05"}, when="2023-10-05")
    dep = next(offer for offer in quote["offers"] if offer["offer"] == "DEP")
    assert (dep["eligible"], dep["failing"]) == (True, []), dep
    voucher = write(
        operator,
        "POST",
        "/vouchers/",
        {"tpid": "T-602", "offer": "DEP", "face_value": "75000.00"},
        when="2023-10-05",
        status=201,
    )
    assert (voucher["status"], voucher["partner"]) == ("open", None)
    # And the city's user chooses Fabrikam from the approved list
    customer = Api(customer_signer(_voucher(voucher), "cleo"))
    directory = read(customer, "/partners/directory", when="2023-10-06")["items"]
    fabrikam = next(p for p in directory if p["name"] == "Fabrikam")
    chosen = write(
        customer, "POST", f"/vouchers/{voucher['code']}/partner", {"partner": fabrikam["id"]}, when="2023-10-06"
    )
    assert chosen["partner_name"] == "Fabrikam"
    # And pat's SOW ($70,000) is signed by both, submitted and approved; then the POE
    sow_key = sealed(pat, customer, {"voucher": voucher["code"], "kind": "SOW", "value": "70000.00"}, when="2023-10-10")
    sow = write(pat, "POST", "/requests/", {"document": sow_key}, when="2023-10-10", status=201)
    write(reviewer, "POST", f"/reviews/{sow['id']}/approve", {}, when="2023-10-12")
    assert read(pat, "/payments/", when="2023-10-12")["items"] == []  # public sector: nothing on the SOW
    poe_key = sealed(pat, customer, {"voucher": voucher["code"], "kind": "POE"}, when="2024-01-15")
    poe = write(pat, "POST", "/requests/", {"document": poe_key}, when="2024-01-15", status=201)
    write(reviewer, "POST", f"/reviews/{poe['id']}/approve", {}, when="2024-01-17")
    # Then one payment of the SOW's $70,000 is scheduled, and the run pays it
    [payment] = read(pat, "/payments/", when="2024-01-17")["items"]
    assert (payment["kind"], payment["amount"]) == ("single", "70000.00")
    paid_through_a_run(finance, pat, up_to="2024-12-31", when="2024-12-31", expected=["70000.00"])
