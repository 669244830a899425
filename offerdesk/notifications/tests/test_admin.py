"""The admin's outbox page: view-only, but for re-sending the selected messages (audited, same Message-ID)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage, WebhookDelivery, WebhookSubscription
from offerdesk.notifications.services import notice_queue, outbox_deliver, outbox_message_id
from tests.factories import audit_events, on
from tests.smtp import SmtpServer


def test_the_admin_re_sends_the_selected_messages(admin_client: Any, smtp: SmtpServer) -> None:
    # Given a dead letter and a message being sent by a worker
    smtp.mailbox.refuse["gone@x.example"] = "550 5.1.1 no such user"
    with on("2024-03-01", "09:00"):
        dead = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=["gone@x.example"], context={})
        outbox_deliver()
    assert dead is not None and OutboxMessage.objects.get(pk=dead.pk).status == OutboxStatus.DEAD
    url = reverse("admin:notifications_outboxmessage_changelist")
    page = admin_client.get(url)
    assert "Re-send the selected messages" in page.content.decode()
    detail = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[dead.pk]))
    assert outbox_message_id(dead).replace("<", "&lt;").replace(">", "&gt;") in detail.content.decode()
    # When the superuser re-sends it from the list, once the mailbox is back
    del smtp.mailbox.refuse["gone@x.example"]
    with on("2024-03-01", "10:00"):
        done = admin_client.post(url, {"action": "resend", "_selected_action": [dead.pk]}, follow=True)
        assert "1 message(s) queued to be sent again." in done.content.decode()
        outbox_deliver()
    # Then it left under its own Message-ID, and the trail says who re-sent it
    assert smtp.mailbox.copies() == {outbox_message_id(dead): 1}
    [event] = audit_events("outbox.retry", "done")
    assert (event.actor_label, event.data["was"]) == ("admin", "dead")
    # A message a worker holds is refused there, by its reason
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.SENDING)
    refused = admin_client.post(url, {"action": "resend", "_selected_action": [dead.pk]}, follow=True)
    assert "is being sent: its worker holds it" in refused.content.decode()


def test_the_admin_shows_webhook_deliveries_and_never_a_subscriptions_secret(admin_client: Any) -> None:
    # Given a subscription with a delivery and one attempt at it
    secret = "whsec_" + "S" * 43
    hook = WebhookSubscription.objects.create(url="https://93.184.216.34/h", events=["payment.paid"], secret=secret)
    delivery = WebhookDelivery.objects.create(
        subscription=hook, event_type="payment.paid", webhook_id="msg_admin", payload="{}"
    )
    delivery.attempts_made.create(started_at=delivery.created_at, status_code=503, error="HTTP 503")
    # Then both pages show, the delivery with its attempts, and the secret appears on neither
    pages = [
        admin_client.get(reverse("admin:notifications_webhooksubscription_change", args=[hook.pk])),
        admin_client.get(reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk])),
        admin_client.get(reverse("admin:notifications_webhookdelivery_changelist")),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert "HTTP 503" in pages[1].content.decode() and "msg_admin" in pages[2].content.decode()
    assert not any(secret in p.content.decode() for p in pages)
