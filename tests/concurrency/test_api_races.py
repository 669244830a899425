"""One Idempotency-Key sent by 16 clients at once (ADR 29): one effect. The first to claim the key runs the write;
each other one is told the first is still running (409) or gets its answer back, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from offerdesk.apikeys.services import api_token_create
from offerdesk.audit.models import AuditEvent
from offerdesk.payouts.models import PaymentRun
from tests.concurrency.test_payment_run_races import given_ledger
from tests.concurrency.test_races import race
from tests.factories import Cast, moment

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 16


def test_one_key_sent_by_sixteen_clients_at_once_makes_one_payment_run(cast: Cast) -> None:
    # Given twelve payments waiting, and finance's script with one token and one key for its run
    given_ledger(cast)
    secret = api_token_create(actor=cast.finance, name="payment system", scope="write").secret
    body = json.dumps({"up_to": "2024-04-30"})

    def arm() -> Any:
        client = Client()
        headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "run-2024-04"}

        def fire() -> tuple[int, str, bytes]:
            answer = client.post("/api/v1/payment-runs/", body, content_type="application/json", headers=headers)
            return answer.status_code, answer.get("Idempotent-Replayed", ""), answer.content

        return fire

    # When the sixteen send it together
    outcome = race("one Idempotency-Key, 16 clients", at=moment("2024-05-01"), arm=arm, threads=CLIENTS)
    # Then one ran it, the others waited (409) or got its answer; one run, one audit event
    assert not outcome.crashes and not outcome.refusals
    first = [w for w in outcome.wins if w[0] == 201 and not w[1]]
    assert len(first) == 1, sorted((w[0], w[1]) for w in outcome.wins)
    assert {(w[0], w[1]) for w in outcome.wins} - {(201, ""), (201, "true"), (409, "")} == set()
    assert all(w[2] == first[0][2] for w in outcome.wins if w[1] == "true")
    assert PaymentRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment_run.create", outcome="done").count() == 1
    print(
        f"\n[api race] {sum(1 for w in outcome.wins if w[0] == 409)} told to wait (409), "
        f"{sum(1 for w in outcome.wins if w[1])} replayed the first answer"
    )
