"""The payouts app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class PaymentKind(models.TextChoices):
    INITIAL = "initial", "Initial payment (SOW)"
    FINAL = "final", "Final payment (POE)"
    SINGLE = "single", "Single payment (POE)"


class RunStatus(models.TextChoices):
    CREATED = "created", "Created"  # its items taken and their local amounts fixed
    SENT = "sent", "Sent"  # handed to the payment system
    CLOSED = "closed", "Closed"  # every item paid or failed


RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    RunStatus.CREATED: frozenset({RunStatus.SENT}),
    RunStatus.SENT: frozenset({RunStatus.CLOSED}),  # by the last item settled
    RunStatus.CLOSED: frozenset(),
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"  # the payment goes to the next run


ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.PENDING: frozenset({ItemStatus.PAID, ItemStatus.FAILED}),
    ItemStatus.PAID: frozenset(),  # a correction is a reversal, never a change
    ItemStatus.FAILED: frozenset(),
}

# An item in one of these holds its payment: no other run may take it (the partial unique index)
LIVE_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.PAID)
