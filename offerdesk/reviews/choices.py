"""The reviews app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    APPROVED = "approved"
    REJECTED = "rejected"
    INFO_REQUESTED = "info_requested"
    INFO_PROVIDED = "info_provided"
    SEATS_VERIFIED = "seats_verified"
