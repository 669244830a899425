"""The documents app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class DocumentOrigin(models.TextChoices):
    GENERATED = "generated", "Generated and signed in OfferDesk"
    UPLOADED = "uploaded", "Signed outside OfferDesk and uploaded"


class DocumentStatus(models.TextChoices):
    AWAITING_PARTNER = "awaiting_partner", "Awaiting the partner's signature"
    AWAITING_CUSTOMER = "awaiting_customer", "Awaiting the customer's signature"
    SEALED = "sealed", "Signed by both and sealed"
    SUBMITTED = "submitted", "Submitted"
    DECLINED = "declined", "Declined"


class SignatureMethod(models.TextChoices):
    PORTAL = "portal", "Signed in OfferDesk"
    DECLARED = "declared", "Declared by the partner (signed outside OfferDesk)"


# The partner signs first, then the customer; the customer's signature seals the document.
DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentStatus.AWAITING_PARTNER: frozenset({DocumentStatus.AWAITING_CUSTOMER, DocumentStatus.DECLINED}),
    DocumentStatus.AWAITING_CUSTOMER: frozenset({DocumentStatus.SEALED, DocumentStatus.DECLINED}),
    DocumentStatus.SEALED: frozenset({DocumentStatus.SUBMITTED, DocumentStatus.DECLINED}),
}

# A document still on its way to a request: one per voucher and kind at a time.
LIVE_DOCUMENT_STATUSES = (DocumentStatus.AWAITING_PARTNER, DocumentStatus.AWAITING_CUSTOMER, DocumentStatus.SEALED)
