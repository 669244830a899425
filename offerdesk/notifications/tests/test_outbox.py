"""The outbox: notices are queued in the causing transaction and delivered once each (in memory here; through a
real SMTP server in test_delivery.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from offerdesk.core import dates
from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage
from offerdesk.notifications.services import KIND_HEADER, notice_queue, outbox_deliver
from tests.factories import Cast, cso_customer, cso_nominate, customer, mws_voucher, on

CONTEXT = {
    "program_name": "M365 Customer Success Offer",
    "offer_name": "Customer Success Offer",
    "partner_name": "Fabrikam",
    "customer_name": "Contoso",
    "tpid": "T-100",
    "respond_by": "2023-10-01",
}


def queue(to: list[str | None], cc: list[str | None] = ()) -> OutboxMessage | None:  # type: ignore[assignment]
    return notice_queue(kind=NoticeKind.REFERRAL, to=to, cc=cc, context=CONTEXT)


# ============================================================================================ queueing


def test_a_notice_is_rendered_into_the_outbox(db: None) -> None:
    # When a referral notice is queued for Fabrikam with its FPM in copy
    message = queue(["ops@fabrikam.example"], ["fpm@fasttrack.example"])
    # Then it waits in the outbox, rendered, with nothing sent yet
    assert message is not None
    assert (message.status, message.attempts, message.to, message.cc) == (
        OutboxStatus.PENDING,
        0,
        ["ops@fabrikam.example"],
        ["fpm@fasttrack.example"],
    )
    assert "\n" not in message.subject and message.subject
    assert "Contoso" in message.body_text and "2023-10-01" in message.body_text
    assert message.body_html
    assert mail.outbox == []


def test_nobody_to_tell_means_nothing_queued(db: None) -> None:
    assert queue([], ["fpm@fasttrack.example"]) is None
    assert queue([None, ""]) is None
    assert not OutboxMessage.objects.exists()


def test_addresses_are_deduplicated_and_never_both_to_and_cc(db: None) -> None:
    message = queue(["a@x.example", "a@x.example", "b@x.example"], ["b@x.example", "c@x.example", None, "c@x.example"])
    assert message is not None
    assert (message.to, message.cc) == (["a@x.example", "b@x.example"], ["c@x.example"])


# ============================================================================================ delivery


def test_each_message_is_delivered_exactly_once(db: None) -> None:
    # Given two queued notices
    first = queue(["ops@fabrikam.example"], ["fpm@fasttrack.example"])
    queue(["ops@northwind.example"])
    # When the outbox is delivered twice
    assert outbox_deliver() == 2
    assert outbox_deliver() == 0
    # Then each e-mail left once, with its kind in a header and its copies
    assert [m.to for m in mail.outbox] == [["ops@fabrikam.example"], ["ops@northwind.example"]]
    assert mail.outbox[0].cc == ["fpm@fasttrack.example"]
    assert mail.outbox[0].extra_headers[KIND_HEADER] == NoticeKind.REFERRAL
    assert isinstance(mail.outbox[0], EmailMultiAlternatives) and mail.outbox[0].alternatives  # the HTML part
    assert first is not None
    first.refresh_from_db()
    assert (first.status, first.attempts) == (OutboxStatus.SENT, 1)
    assert first.sent_at is not None


def test_a_message_another_worker_has_claimed_is_not_sent_again(db: None) -> None:
    # Given a message another worker is sending right now
    message = queue(["ops@fabrikam.example"])
    assert message is not None
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=1, claim="another", lease_until=dates.now() + dt.timedelta(minutes=5)
    )
    # When this worker delivers; Then it leaves that message alone
    assert outbox_deliver() == 0
    assert mail.outbox == []


def test_delivery_takes_at_most_the_limit(db: None) -> None:
    for n in range(3):
        queue([f"p{n}@x.example"])
    assert outbox_deliver(limit=2) == 2
    assert outbox_deliver(limit=2) == 1
    assert len(mail.outbox) == 3


def test_a_committed_action_delivers_its_notices(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    # Given Contoso, a CSO customer
    contoso = cso_customer(cast.operator)
    # When it is nominated and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    # Then the delivery task runs once the transaction has committed, and the referral leaves once
    [email] = mail.outbox
    assert (email.to, email.cc) == (["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"])
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_refused_action_queues_nothing(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    from offerdesk.core.errors import RuleViolation

    contoso = cso_customer(cast.operator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuleViolation):
        cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-07-20")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_fy24_voucher_notices_copy_the_account_team(cast: Cast) -> None:
    adatum = customer(cast.operator, tpid="T-600", name="Adatum", account_team=["ats1@ms.example", "ats2@ms.example"])
    mws_voucher(cast, customer=adatum)
    with on("2023-10-05"):
        outbox_deliver()
    [email] = [m for m in mail.outbox if m.extra_headers[KIND_HEADER] == NoticeKind.VOUCHER_ISSUED]
    assert (email.to, email.cc) == (["it@adatum.example"], ["ats1@ms.example", "ats2@ms.example"])
    assert "$75,000.00" in email.body and "2024-04-05" in email.body
