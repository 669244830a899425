"""The admin's outbox page: view-only, but for re-sending the selected messages (audited, same Message-ID)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage
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
