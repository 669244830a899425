"""/webhooks (issue 9, point 6; ADR 33): subscriptions through HTTP, and deliveries to a real receiver on loopback
that checks every signature with the `standardwebhooks` package, as a partner's integration would."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from offerdesk.core import dates
from offerdesk.notifications.choices import OutboxStatus
from offerdesk.notifications.models import WebhookDelivery, WebhookSubscription
from offerdesk.notifications.webhooks import webhook_deliver, webhook_subscription_create
from offerdesk.vouchers.models import Voucher
from tests import factories
from tests.factories import Cast

from .client import Api, problem_of

# ============================================================================================ the receiver


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A partner's endpoint: answers each POST with the next scripted status (the last one after that)."""

    url: str
    answers: list[int] = field(default_factory=lambda: [200])
    got: list[Received] = field(default_factory=list)

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """Every request received, checked with the secret (Webhook.verify raises on a bad signature)."""
        return [Webhook(secret).verify(r.body, r.headers) for r in self.got]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.got.append(Received(headers=dict(self.headers.items()), body=body))
            status = state.answers[min(len(state.got), len(state.answers)) - 1]
            payload = b'{"ok": true}' if status < 300 else b"receiver down"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/offerdesk"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def subscribe(api: Api, url: str, events: list[str], **more: Any) -> dict[str, Any]:
    response = api.post("/webhooks/", {"url": url, "events": events, **more})
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


# ============================================================================================ signatures


def test_a_ping_reaches_the_receiver_signed_and_the_secret_is_shown_once(
    cast: Cast, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # Given pat subscribes Fabrikam's receiver to voucher events
    pat = Api(cast.pat)
    made = subscribe(pat, receiver.url, ["voucher.issued", "voucher.expiring"], description="Fabrikam PSA")
    secret = made["secret"]
    assert secret.startswith("whsec_") and made["partner"] == cast.fabrikam.pk
    # When pat asks for a test ping (delivered once the call's transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        ping = pat.post(f"/webhooks/{made['id']}/ping")
    # Then the receiver got one request whose Standard Webhooks signature verifies with the secret
    assert ping.status_code == 202
    [payload] = receiver.verified(secret)
    assert payload["type"] == "webhook.ping" and payload["data"]["subscription"] == made["id"]
    assert payload["timestamp"].endswith("Z")
    headers = receiver.got[0].headers
    assert headers["webhook-id"] == ping.json()["webhook_id"] and headers["Content-Type"] == "application/json"
    # and a wrong secret, or a changed body, does not verify
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "B" * 43).verify(receiver.got[0].body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(receiver.got[0].body.replace(b"hello", b"HELLO"), headers)
    # and the delivery log says so, attempt by attempt; the secret is never shown again
    log = pat.get(f"/webhooks/{made['id']}/deliveries").json()["items"]
    assert [(d["status"], d["attempts"], [a["status_code"] for a in d["log"]]) for d in log] == [("sent", 1, [200])]
    assert "secret" not in pat.get(f"/webhooks/{made['id']}").json()


def test_a_domain_event_goes_to_the_partners_and_the_programs_subscriptions_under_one_webhook_id(
    cast: Cast, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Fabrikam's subscription, the program's (an operator's), Northwind's, and one Fabrikam paused
    fabrikam = webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["voucher.issued"]).secret
    program = webhook_subscription_create(actor=cast.operator, url=receiver.url, events=["voucher.issued"]).secret
    webhook_subscription_create(actor=cast.nico, url=receiver.url, events=["voucher.issued"])
    webhook_subscription_create(actor=cast.paula, url=receiver.url, events=["voucher.issued"], active=False)
    webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["request.approved"])
    # When a CSO voucher is issued to Fabrikam (the referral accepted), and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        voucher = factories.cso_voucher(cast, customer=factories.cso_customer(cast.operator))
    # Then Fabrikam's and the program's receivers each got it once, under one webhook-id, each signed with its secret
    assert len(receiver.got) == 2
    assert {r.headers["webhook-id"] for r in receiver.got} == {
        d.webhook_id for d in WebhookDelivery.objects.filter(event_type="voucher.issued")
    }
    assert len({r.headers["webhook-id"] for r in receiver.got}) == 1
    verified = [
        Webhook(secret).verify(r.body, r.headers) for r, secret in zip(receiver.got, (fabrikam, program), strict=True)
    ]
    assert {p["type"] for p in verified} == {"voucher.issued"}
    data = verified[0]["data"]
    assert data["voucher"] == voucher.code and data["partner"] == cast.fabrikam.pk
    assert data["face_value"] == f"{voucher.face_value:.2f}" and data["expiry_date"] == voucher.expiry_date.isoformat()


def test_a_request_submitted_and_approved_and_its_payment_scheduled_are_events(cso: Voucher, cast: Cast) -> None:
    # Given Fabrikam subscribes to the request and payment events
    events = ["request.submitted", "request.approved", "payment.scheduled", "request.rejected"]
    hook = webhook_subscription_create(actor=cast.pat, url="http://127.0.0.1:9/", events=events).subscription
    # When pat submits a SOW and rita approves it (a CSO SOW earns nothing), then the same with the POE (it pays)
    sow = factories.approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04", value="9000")
    poe = factories.cso_poe(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-11-01")
    factories.approve(cast, poe, when="2023-11-03")
    # Then the subscription has one delivery for each, in order, about that request and its payment
    rows = list(hook.deliveries.order_by("id"))
    assert [d.event_type for d in rows] == [
        "request.submitted",
        "request.approved",
        "request.submitted",
        "payment.scheduled",
        "request.approved",
    ]
    payloads = [json.loads(d.payload) for d in rows]
    assert [p["type"] for p in payloads] == [d.event_type for d in rows]
    sow_submitted, sow_approved, poe_submitted, scheduled, poe_approved = (p["data"] for p in payloads)
    assert sow_submitted["request"] == sow.pk and sow_submitted["kind"] == "SOW"
    assert sow_submitted["value"] == "9000.00" and sow_approved["payment"] is None
    assert poe_submitted["request"] == poe.pk and poe_submitted["users_deployed"] == 600
    assert scheduled["request"] == poe.pk and scheduled["amount"] == poe_approved["amount"] != "0.00"
    assert poe_approved["status"] == "approved" and poe_approved["payment"] == scheduled["payment"]
    assert len({d.webhook_id for d in rows}) == 5


# ============================================================================================ retries


def test_a_receiver_that_fails_then_answers_gets_the_same_delivery_again_after_the_backoff(
    cast: Cast, receiver: Receiver
) -> None:
    # Given a receiver that answers 500, then 200
    receiver.answers = [500, 200]
    made = webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["voucher.issued"])
    start = factories.moment("2024-01-08", "09:00")
    with dates.clock_at(start):
        Api(cast.pat).post(f"/webhooks/{made.subscription.pk}/ping")
        # When the worker delivers: the 500 makes it wait base × 2^0 (OFFERDESK_OUTBOX_RETRY_BASE, 60 s)
        assert webhook_deliver() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (OutboxStatus.PENDING, 1, 500)
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=60)
    # Then nothing is sent again before the backoff has passed
    with dates.clock_at(start + dt.timedelta(seconds=59)):
        assert webhook_deliver() == 0
    assert len(receiver.got) == 1
    # and after it, the same delivery (same webhook-id and body, a fresh signature) reaches the receiver
    with dates.clock_at(start + dt.timedelta(seconds=61)):
        assert webhook_deliver() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (OutboxStatus.SENT, 2, 200)
    assert [r.headers["webhook-id"] for r in receiver.got] == [delivery.webhook_id] * 2
    assert receiver.got[0].body == receiver.got[1].body
    assert len(receiver.verified(made.secret)) == 2
    log = [(a.status_code, a.error) for a in delivery.attempts_made.all()]
    assert log == [(500, "HTTP 500"), (200, "")]


@override_settings(OFFERDESK_OUTBOX_MAX_ATTEMPTS=3)
def test_a_delivery_is_a_dead_letter_after_the_last_attempt_and_a_replay_resends_it_under_the_same_id(
    cast: Cast, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a receiver that is down (503) for three attempts, and a delivery waiting for it
    receiver.answers = [503, 503, 503, 200]
    pat = Api(cast.pat)
    made = webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["voucher.issued"])
    start = factories.moment("2024-01-08", "09:00")
    with dates.clock_at(start):
        pat.post(f"/webhooks/{made.subscription.pk}/ping")
    # When the worker tries each time its backoff (60 s, 120 s) has passed
    for wait in (0, 60, 180):
        with dates.clock_at(start + dt.timedelta(seconds=wait)):
            webhook_deliver()
    # Then after the third failure it is a dead letter, and no run sends it again
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (OutboxStatus.DEAD, 3, 503)
    with dates.clock_at(start + dt.timedelta(days=1)):
        assert webhook_deliver() == 0
    assert len(receiver.got) == 3
    # When pat replays it through the API, now that the receiver is back
    path = f"/webhooks/{made.subscription.pk}/deliveries/{delivery.pk}/replay"
    with django_capture_on_commit_callbacks(execute=True):
        replayed = pat.post(path)
    # Then it arrives once more, with the same webhook-id and body, signed afresh; its log holds all four attempts
    assert replayed.status_code == 202
    assert len(receiver.got) == 4 and len(receiver.verified(made.secret)) == 4
    assert {r.headers["webhook-id"] for r in receiver.got} == {delivery.webhook_id}
    assert {r.body for r in receiver.got} == {delivery.payload.encode()}
    got = pat.get(f"/webhooks/{made.subscription.pk}/deliveries/{delivery.pk}").json()
    assert (got["status"], got["attempts"]) == ("sent", 1)
    assert [a["status_code"] for a in got["log"]] == [503, 503, 503, 200]


def test_a_replay_of_the_same_api_call_makes_one_delivery(
    cast: Cast, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a subscription
    pat = Api(cast.pat)
    made = webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["voucher.issued"])
    # When pat sends the same ping twice under one Idempotency-Key
    with django_capture_on_commit_callbacks(execute=True):
        first = pat.post(f"/webhooks/{made.subscription.pk}/ping", key="ping-1")
    with django_capture_on_commit_callbacks(execute=True):
        second = pat.post(f"/webhooks/{made.subscription.pk}/ping", key="ping-1")
    # Then the second gets the first answer back, and one event was made and delivered
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert WebhookDelivery.objects.count() == 1 and len(receiver.got) == 1


def test_a_rotated_secret_signs_next_to_the_old_one_for_a_while(cast: Cast, receiver: Receiver) -> None:
    # Given a subscription whose secret pat rotates
    pat = Api(cast.pat)
    made = webhook_subscription_create(actor=cast.pat, url=receiver.url, events=["voucher.issued"])
    rotated = pat.post(f"/webhooks/{made.subscription.pk}/rotate-secret")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != made.secret
    # When a ping is delivered within the overlap, and another after it
    pat.post(f"/webhooks/{made.subscription.pk}/ping")
    webhook_deliver()
    later = dates.now() + dt.timedelta(hours=25)
    with dates.clock_at(later):
        pat.post(f"/webhooks/{made.subscription.pk}/ping")
        webhook_deliver()
    # Then the first verifies with either secret, the second with the new one only
    first, second = receiver.got
    assert Webhook(new).verify(first.body, first.headers) and Webhook(made.secret).verify(first.body, first.headers)
    assert Webhook(new).verify(second.body, second.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(made.secret).verify(second.body, second.headers)


# ============================================================================================ management


def test_partner_users_manage_their_partners_subscriptions_and_operators_the_programs(cast: Cast) -> None:
    # Given one subscription of Fabrikam's (pat's) and one program-wide (omar's)
    url = "http://127.0.0.1:9/hook"
    fabrikam = subscribe(Api(cast.pat), url, ["voucher.issued"])
    program = subscribe(Api(cast.operator), url, ["statement.published"])
    assert program["partner"] is None
    # Then each sees its own, a colleague sees Fabrikam's, another partner and other staff see none
    listed = {
        name: [s["id"] for s in Api(user).get("/webhooks/").json()["items"]]
        for name, user in {
            "pat": cast.pat,
            "paula": cast.paula,
            "nico": cast.nico,
            "omar": cast.operator,
            "rita": cast.reviewer,
        }.items()
    }
    assert listed == {
        "pat": [fabrikam["id"]],
        "paula": [fabrikam["id"]],
        "nico": [],
        "omar": [program["id"]],
        "rita": [],
    }
    nico = Api(cast.nico)
    assert nico.get(f"/webhooks/{fabrikam['id']}").status_code == 404
    assert nico.send("PATCH", f"/webhooks/{fabrikam['id']}", {"active": False}).status_code == 404
    assert Api(cast.pat).get(f"/webhooks/{program['id']}").status_code == 404
    # and a reviewer may make none
    refused = Api(cast.reviewer).post("/webhooks/", {"url": url, "events": ["voucher.issued"]})
    assert refused.status_code == 403
    # When paula pauses Fabrikam's and changes its events
    paula = Api(cast.paula)
    changed = paula.send("PATCH", f"/webhooks/{fabrikam['id']}", {"active": False, "events": ["payment.paid"]})
    assert changed.status_code == 200
    assert (changed.json()["active"], changed.json()["events"]) == (False, ["payment.paid"])
    # and removes it
    assert paula.delete(f"/webhooks/{fabrikam['id']}").status_code == 204
    assert not WebhookSubscription.objects.filter(pk=fabrikam["id"]).exists()
    assert paula.get(f"/webhooks/{fabrikam['id']}").status_code == 404


@pytest.mark.parametrize(
    ("url", "local", "says"),
    [
        ("https://10.1.2.3/hook", True, "private"),
        ("https://192.168.0.10/hook", False, "private"),
        ("https://169.254.169.254/latest/meta-data", False, "private"),
        ("https://[fd00::1]/hook", False, "private"),
        ("http://127.0.0.1:8080/hook", False, "loopback"),
        ("https://localhost/hook", False, "this server itself"),
        ("https://[::ffff:127.0.0.1]/hook", False, "loopback"),
        ("http://93.184.216.34/hook", False, "https://"),
        ("ftp://93.184.216.34/hook", True, "https://"),
        ("https://user:pw@93.184.216.34/hook", False, "password"),
        ("https://93.184.216.34:99999/hook", False, "port"),
        ("hook", True, "https://"),
    ],
)
def test_a_receiver_on_a_private_network_or_without_https_is_refused_by_its_field(
    cast: Cast, url: str, local: bool, says: str
) -> None:
    # Given the setting that allows this machine (development, tests) on or off, as in production
    with override_settings(OFFERDESK_WEBHOOK_ALLOW_LOCAL=local):
        # When pat subscribes that URL
        response = Api(cast.pat).post("/webhooks/", {"url": url, "events": ["voucher.issued"]})
    # Then it is refused as bad input, naming the field and why; nothing is made
    problem = problem_of(response)
    assert response.status_code == 400 and problem["rules"] == ["OD-IN-01"]
    assert [e["field"] for e in problem["errors"]] == ["url"] and says in problem["detail"]
    assert not WebhookSubscription.objects.exists()


def test_a_public_https_receiver_is_accepted_in_production(cast: Cast) -> None:
    with override_settings(OFFERDESK_WEBHOOK_ALLOW_LOCAL=False):
        made = Api(cast.pat).post("/webhooks/", {"url": "https://93.184.216.34/hook", "events": ["payment.paid"]})
    assert made.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": ["voucher.deleted"]}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": "voucher.issued"}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": ["voucher.issued"], "secret": "mine"}, "secret"),
        ({"events": ["voucher.issued"]}, "url"),
    ],
)
def test_bad_input_is_refused_by_field(cast: Cast, body: dict[str, Any], field: str) -> None:
    response = Api(cast.pat).post("/webhooks/", body)
    problem = problem_of(response)
    assert response.status_code == 400
    assert [e["field"].partition("[")[0] for e in problem["errors"]] == [field]  # events[0]: the item at fault
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("count", [1, 30])
def test_a_page_of_the_delivery_log_costs_the_same_queries_however_long(
    cast: Cast, count: int, django_assert_num_queries: Any
) -> None:
    # Given a subscription with `count` deliveries, each tried twice
    made = webhook_subscription_create(actor=cast.pat, url="http://127.0.0.1:9/", events=["voucher.issued"])
    for n in range(count):
        delivery = WebhookDelivery.objects.create(
            subscription=made.subscription, event_type="voucher.issued", webhook_id=f"msg_{n}", payload="{}"
        )
        for code in (500, 200):
            delivery.attempts_made.create(started_at=dates.now(), status_code=code)
    pat = Api(cast.pat)
    pat.get("/webhooks/")  # the token's first use is written once
    # Then the page is a fixed number of queries: token, subscription, deliveries, their attempts
    with django_assert_num_queries(4):
        page = pat.get(f"/webhooks/{made.subscription.pk}/deliveries", {"limit": 50})
    assert len(page.json()["items"]) == count
    assert all(len(d["log"]) == 2 for d in page.json()["items"])
