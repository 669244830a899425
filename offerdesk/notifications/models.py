"""The outbox: every e-mail is a row written in the transaction that caused it, delivered at least once (ADR 7);
and each recipient user's in-app copy of it, a notice."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from offerdesk.core import dates
from offerdesk.core.models import TimeStampedModel

from .choices import NoticeKind, OutboxStatus


class OutboxMessage(TimeStampedModel):
    """An e-mail waiting to leave, being sent under a worker's lease, sent, or a dead letter."""

    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # since it was queued, or last put back by hand
    next_attempt_at = models.DateTimeField(default=dates.now)  # pending: not tried again before then (backoff)
    claim = models.CharField(max_length=32, blank=True)  # sending: the batch that holds it
    lease_until = models.DateTimeField(null=True, blank=True)  # sending: when another worker may take it over
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=("status", "id")),
            # What a delivery run looks for, kept small: only the rows still to send are in them.
            models.Index(
                fields=("next_attempt_at", "id"), name="outbox_due", condition=models.Q(status=OutboxStatus.PENDING)
            ),
            models.Index(
                fields=("lease_until",), name="outbox_leased", condition=models.Q(status=OutboxStatus.SENDING)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.to)} ({self.status})"


class Notice(TimeStampedModel):
    """One user's in-app copy of an e-mail addressed or copied to them, read or not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="notices")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints = [models.UniqueConstraint(fields=("user", "message"), name="one_notice_per_user_and_message")]
        indexes = [
            models.Index(fields=("user", "id")),
            models.Index(fields=("user",), name="notice_unread", condition=models.Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.message.subject} for {self.user}"
