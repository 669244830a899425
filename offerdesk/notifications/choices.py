"""The notifications app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class NoticeKind(models.TextChoices):
    REFERRAL = "referral"
    VOUCHER_ISSUED = "voucher issued"
    EXPIRY_REMINDER = "voucher expiry reminder"
    REQUEST_APPROVED = "request approved"
    REQUEST_REJECTED = "request rejected"
    INFO_REQUESTED = "information requested"
    REFERRAL_DECLINED = "referral declined"
    PARTNER_CHOSEN = "partner chosen"
    DOCUMENT_TO_SIGN = "document to sign"
    DOCUMENT_SIGNED = "document signed"
    DOCUMENT_DECLINED = "document declined"
    REVIEW_OVERDUE = "review overdue"
    STATEMENT_PUBLISHED = "statement published"


class OutboxStatus(models.TextChoices):
    PENDING = "pending"  # waiting for its next attempt (`next_attempt_at`)
    SENDING = "sending"  # claimed by a worker until `lease_until`
    SENT = "sent"
    DEAD = "dead"  # a dead letter: refused for good, or out of attempts; an operator re-sends it


OUTBOX_TRANSITIONS: dict[str, frozenset[str]] = {
    # Claimed by a worker; or, by an operator's retry, due again at once.
    OutboxStatus.PENDING: frozenset({OutboxStatus.SENDING, OutboxStatus.PENDING}),
    # Sent; back to wait (a transient failure); a dead letter (refused for good, or its last attempt); or,
    # its worker dead and the lease run out, claimed again by another.
    OutboxStatus.SENDING: frozenset({OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.DEAD, OutboxStatus.SENDING}),
    # An operator re-sends a dead letter, or a sent message its reader says never came (same Message-ID).
    OutboxStatus.DEAD: frozenset({OutboxStatus.PENDING}),
    OutboxStatus.SENT: frozenset({OutboxStatus.PENDING}),
}


class WebhookEvent(models.TextChoices):
    """What a webhook subscription may ask to hear about (issue 9, point 6); `type` in each payload."""

    VOUCHER_ISSUED = "voucher.issued"
    VOUCHER_EXPIRING = "voucher.expiring"
    REQUEST_SUBMITTED = "request.submitted"
    REQUEST_APPROVED = "request.approved"
    REQUEST_REJECTED = "request.rejected"
    REQUEST_NEEDS_INFORMATION = "request.needs_information"
    PAYMENT_SCHEDULED = "payment.scheduled"
    PAYMENT_PAID = "payment.paid"
    STATEMENT_PUBLISHED = "statement.published"


# A subscription's test ping: sent to that one subscription when asked, whatever events it subscribed to.
WEBHOOK_PING = "webhook.ping"

# What an operator may put back in the queue by hand (`offerdesk outbox retry`, the admin's re-send): not a message
# a worker holds right now, though the worker itself may move it back to pending.
OUTBOX_REQUEUEABLE = frozenset({OutboxStatus.DEAD, OutboxStatus.SENT, OutboxStatus.PENDING})
