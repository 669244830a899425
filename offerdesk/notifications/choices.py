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


class OutboxStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
