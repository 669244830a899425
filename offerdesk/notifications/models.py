"""The outbox: every e-mail is a row written in the transaction that caused it, sent once."""

from __future__ import annotations

from django.db import models

from offerdesk.core.models import TimeStampedModel

from .choices import NoticeKind, OutboxStatus


class OutboxMessage(TimeStampedModel):
    """An e-mail waiting to leave, or the record that it left."""

    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("status", "id"))]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.to)} ({self.status})"
