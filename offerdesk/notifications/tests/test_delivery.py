"""Delivery through a real SMTP server on loopback: retries with exponential backoff while the server is down or
answers 4xx, a dead letter when it refuses for good or the attempts run out, a lease that a dead worker's
messages come back from, and one Message-ID per message however often it is sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from offerdesk.core import dates
from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage
from offerdesk.notifications.services import (
    delivery_policy,
    notice_queue,
    outbox_deliver,
    outbox_message_id,
    outbox_next_due,
    outbox_retry,
    outbox_retry_dead,
)
from tests.factories import Cast, moment, on
from tests.smtp import SmtpServer

CONTEXT = {"partner_name": "Fabrikam"}


def queue(to: str = "ops@fabrikam.example") -> OutboxMessage:
    message = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[to], context=CONTEXT)
    assert message is not None
    return message


def row(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


@pytest.fixture
def policy(settings: Any) -> None:
    """Four attempts, 60 s before the second, doubling, at most 200 s; a five-minute lease."""
    settings.OFFERDESK_OUTBOX_MAX_ATTEMPTS = 4
    settings.OFFERDESK_OUTBOX_RETRY_BASE = 60
    settings.OFFERDESK_OUTBOX_RETRY_CAP = 200
    settings.OFFERDESK_OUTBOX_LEASE = 300


def test_each_message_reaches_the_server_once_under_its_own_message_id(db: None, smtp: SmtpServer) -> None:
    # Given three queued notices
    with on("2024-03-01", "09:00"):
        messages = [queue(f"p{n}@x.example") for n in range(3)]
        # When the outbox is delivered, twice
        assert outbox_deliver() == 3
        assert outbox_deliver() == 0
    # Then the server took each once, under the Message-ID made from its row, to its recipient
    accepted = smtp.mailbox.snapshot()
    assert [(a.message_id, a.recipients) for a in accepted] == [
        (outbox_message_id(m), (f"p{n}@x.example",)) for n, m in enumerate(messages)
    ]
    assert {row(m).status for m in messages} == {OutboxStatus.SENT}


def test_messages_wait_with_backoff_while_the_server_is_down_and_all_leave_when_it_returns(
    db: None, policy: None, smtp: SmtpServer
) -> None:
    # Given the mail server is down at 09:00, with five notices queued
    smtp.stop()
    with on("2024-03-01", "09:00"):
        messages = [queue(f"p{n}@x.example") for n in range(5)]
        assert outbox_deliver() == 0
    # Then each waits 60 s after its first attempt, the error kept
    first = row(messages[0])
    assert (first.status, first.attempts) == (OutboxStatus.PENDING, 1)
    assert first.next_attempt_at == moment("2024-03-01", "09:01")
    assert "ConnectionRefusedError" in first.last_error
    # When workers run again before then, nothing is tried
    with on("2024-03-01", "09:00:59"):
        assert outbox_deliver() == 0
    assert {row(m).attempts for m in messages} == {1}
    # When they run when it falls due, the server still down: the second attempt fails, the wait doubles
    with on("2024-03-01", "09:01"):
        assert outbox_deliver() == 0
    assert row(messages[0]).next_attempt_at == moment("2024-03-01", "09:03")
    with on("2024-03-01", "09:03"):
        assert outbox_deliver() == 0
    assert row(messages[0]).next_attempt_at == moment("2024-03-01", "09:06:20")  # 240 s, capped at 200
    assert outbox_next_due() == moment("2024-03-01", "09:06:20")
    # When the server is back and the next attempt falls due, all five leave, once each
    smtp.start()
    with on("2024-03-01", "09:06:20"):
        assert outbox_deliver() == 5
        assert outbox_deliver() == 0
    assert sorted(smtp.mailbox.copies().items()) == sorted((outbox_message_id(m), 1) for m in messages)
    assert {(row(m).status, row(m).attempts) for m in messages} == {(OutboxStatus.SENT, 4)}
    assert outbox_next_due() is None


def test_a_temporary_refusal_is_retried_until_the_attempts_run_out_then_it_is_a_dead_letter(
    db: None, policy: None, smtp: SmtpServer
) -> None:
    # Given a mailbox the server answers "try later" for, and another it takes
    smtp.mailbox.refuse["full@x.example"] = "452 4.2.2 mailbox full"
    at = moment("2024-03-01", "09:00")
    with dates.clock_at(at):
        full, fine = queue("full@x.example"), queue("fine@x.example")
    # When the outbox is worked each time the message falls due
    for _ in range(4):
        with dates.clock_at(at):
            outbox_deliver()
        at = row(full).next_attempt_at
    # Then the other left at once; this one was tried four times (the policy's maximum) and is a dead letter
    assert row(fine).status == OutboxStatus.SENT
    dead = row(full)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 4)
    assert "452" in dead.last_error
    with dates.clock_at(at + dt.timedelta(days=1)):
        assert outbox_deliver() == 0  # a dead letter is not tried again by itself
    assert [a.recipients for a in smtp.mailbox.snapshot()] == [("fine@x.example",)]


def test_a_permanent_refusal_is_a_dead_letter_at_once_and_retry_dead_sends_it(
    cast: Cast, policy: None, smtp: SmtpServer
) -> None:
    # Given the server refuses a mailbox for good
    smtp.mailbox.refuse["gone@x.example"] = "550 5.1.1 no such user"
    with on("2024-03-01", "09:00"):
        message = queue("gone@x.example")
        outbox_deliver()
    # Then the message is a dead letter after one attempt
    dead = row(message)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 1)
    assert "550" in dead.last_error and smtp.mailbox.snapshot() == []
    # When the mailbox is fixed and the operator re-sends the dead letters
    del smtp.mailbox.refuse["gone@x.example"]
    with on("2024-03-01", "10:00"):
        assert outbox_retry_dead(actor=cast.operator) == 1
        assert (row(message).status, row(message).attempts) == (OutboxStatus.PENDING, 0)
        assert outbox_deliver() == 1
    # Then it left, under its own Message-ID
    [accepted] = smtp.mailbox.snapshot()
    assert accepted.message_id == outbox_message_id(message)
    assert row(message).status == OutboxStatus.SENT


def test_a_message_left_sending_by_a_dead_worker_goes_out_when_its_lease_runs_out(
    db: None, policy: None, smtp: SmtpServer
) -> None:
    # Given a message a worker claimed at 09:00 (five-minute lease) and died holding
    with on("2024-03-01", "09:00"):
        message = queue()
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING, attempts=1, claim="dead-worker", lease_until=moment("2024-03-01", "09:05")
        )
    # When another worker runs before the lease runs out, it leaves the message alone
    with on("2024-03-01", "09:04:59"):
        assert outbox_deliver() == 0
    assert outbox_next_due() == moment("2024-03-01", "09:05")
    # Then, once it has, the message is taken over and sent, once
    with on("2024-03-01", "09:05"):
        assert outbox_deliver() == 1
        assert outbox_deliver() == 0
    assert smtp.mailbox.copies() == {outbox_message_id(message): 1}
    assert (row(message).status, row(message).attempts) == (OutboxStatus.SENT, 2)


def test_a_resend_carries_the_same_message_id(cast: Cast, settings: Any, smtp: SmtpServer) -> None:
    # Given a message sent once, at 09:00
    settings.DEFAULT_FROM_EMAIL = "OfferDesk <notices@offerdesk.example>"
    with on("2024-03-01", "09:00"):
        message = queue()
        assert outbox_deliver() == 1
    # When its reader says it never came and the operator re-sends it, the next day
    with on("2024-03-02", "10:00"):
        [again] = outbox_retry(actor=cast.operator, ids=[str(message.pk)])
        assert again.status == OutboxStatus.PENDING
        assert outbox_deliver() == 1
    # Then both copies carry one Message-ID, made from the outbox row, so the reader's client folds them
    created = int(row(message).created_at.timestamp())
    assert [a.message_id for a in smtp.mailbox.snapshot()] == [f"<outbox-{message.pk}.{created}@offerdesk.example>"] * 2


def test_another_message_gets_another_message_id(db: None, settings: Any, smtp: SmtpServer) -> None:
    settings.DEFAULT_FROM_EMAIL = "offerdesk@localhost"
    with on("2024-03-01", "09:00"):
        queue("a@x.example")
        queue("b@x.example")
        assert outbox_deliver() == 2
    first, second = (a.message_id for a in smtp.mailbox.snapshot())
    assert first != second and first.endswith("@localhost>")


def test_a_connection_lost_mid_batch_leaves_the_rest_waiting_and_sends_them_later(
    db: None, policy: None, smtp: SmtpServer, settings: Any
) -> None:
    # Given a server that takes the first message and then is gone (the second kills the connection)
    settings.OFFERDESK_OUTBOX_BATCH = 10
    smtp.mailbox.refuse["boom@x.example"] = "421 4.3.2 shutting down"
    with on("2024-03-01", "09:00"):
        first, boom, rest = queue("a@x.example"), queue("boom@x.example"), queue("c@x.example")
        assert outbox_deliver() == 1
    # Then what was sent is sent, and the message that met the failure and the rest wait their backoff
    assert row(first).status == OutboxStatus.SENT
    assert {(row(m).status, row(m).next_attempt_at) for m in (boom, rest)} == {
        (OutboxStatus.PENDING, moment("2024-03-01", "09:01"))
    }
    del smtp.mailbox.refuse["boom@x.example"]
    with on("2024-03-01", "09:01"):
        assert outbox_deliver() == 2
    assert sorted(smtp.mailbox.copies().values()) == [1, 1, 1]


def test_the_delivery_settings_are_checked(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.OFFERDESK_OUTBOX_RETRY_BASE = 0
    with pytest.raises(ImproperlyConfigured, match="OFFERDESK_OUTBOX_RETRY_BASE must be a positive number"):
        delivery_policy()
    settings.OFFERDESK_OUTBOX_RETRY_BASE = 600
    settings.OFFERDESK_OUTBOX_RETRY_CAP = 60
    with pytest.raises(ImproperlyConfigured, match="RETRY_CAP must be at least"):
        delivery_policy()
