"""The redemptions app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class RequestKind(models.TextChoices):
    SOW = "SOW", "Statement of Work (initial)"
    POE = "POE", "Proof of Execution (final)"


class RequestStatus(models.TextChoices):
    RECEIVED = "received"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.RECEIVED: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.NEEDS_INFO, RequestStatus.WITHDRAWN}
    ),
    RequestStatus.NEEDS_INFO: frozenset({RequestStatus.RECEIVED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}),
}


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.NEEDS_INFO, RequestStatus.APPROVED)


class SignatureParty(models.TextChoices):
    CUSTOMER = "customer"
    PARTNER = "partner"
