"""The partners app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class FrpStatus(models.TextChoices):
    APPROVED = "approved", "On the approved list"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"
