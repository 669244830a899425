"""The payouts app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class PaymentKind(models.TextChoices):
    INITIAL = "initial", "Initial payment (SOW)"
    FINAL = "final", "Final payment (POE)"
    SINGLE = "single", "Single payment (POE)"
