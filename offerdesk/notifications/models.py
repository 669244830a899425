"""The outbox: every e-mail is a row written in the transaction that caused it, delivered at least once (ADR 7);
each recipient user's in-app copy of it, a notice; and the webhooks, delivered by the same machinery (ADR 33):
the subscriptions, each delivery of an event to one, and each attempt at it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from offerdesk.core import dates
from offerdesk.core.models import TimeStampedModel

from .choices import NoticeKind, OutboxStatus


class Delivered(TimeStampedModel):
    """What the outbox's worker delivers at least once (ADR 7): a status, attempts with backoff, a claim and lease."""

    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # since it was queued, or last put back by hand
    next_attempt_at = models.DateTimeField(default=dates.now)  # pending: not tried again before then (backoff)
    claim = models.CharField(max_length=32, blank=True)  # sending: the batch that holds it
    lease_until = models.DateTimeField(null=True, blank=True)  # sending: when another worker may take it over
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class OutboxMessage(Delivered):
    """An e-mail waiting to leave, being sent under a worker's lease, sent, or a dead letter."""

    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

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


class WebhookSubscription(TimeStampedModel):
    """Where a partner (or, without one, the program's operators) wants to hear of some events, signed with its
    secret (Standard Webhooks); a rotated-out secret still signs, next to the new one, for a while."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_subscriptions"
    )  # none: a program-wide subscription, the operators'
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # WebhookEvent values
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=64)  # whsec_…: kept to sign with, so kept as it is
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("partner", "id"))]

    def __str__(self) -> str:
        return f"webhook {self.pk} to {self.url}"


class WebhookDelivery(Delivered):
    """One event for one subscription: its payload, signed anew at each attempt under the same webhook-id."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=40)
    webhook_id = models.CharField(max_length=40)  # msg_…: one per event, the same on every attempt and replay
    payload = models.TextField()  # the exact JSON body, as signed
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("subscription", "webhook_id"), name="one_delivery_per_event_and_hook")
        ]
        indexes = [
            models.Index(fields=("subscription", "id")),
            models.Index(
                fields=("next_attempt_at", "id"), name="webhook_due", condition=models.Q(status=OutboxStatus.PENDING)
            ),
            models.Index(
                fields=("lease_until",), name="webhook_leased", condition=models.Q(status=OutboxStatus.SENDING)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id} to hook {self.subscription_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, how long, the receiver's status code or the error (the delivery log)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts_made")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_body = models.TextField(blank=True)  # its first kilobyte, for the sender's debugging

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("delivery", "id"))]

    def __str__(self) -> str:
        return f"attempt at {self.delivery_id}: {self.status_code or self.error[:40]}"
