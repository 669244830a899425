"""The accounts app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """What a user does; partner and customer users are outsiders, everyone else works for Microsoft."""

    SELLER = "seller", "Field seller"
    OPERATOR = "operator", "Program operator"
    REVIEWER = "reviewer", "Reviewer"
    FINANCE = "finance", "Finance"
    FPM = "fpm", "FastTrack program manager"
    PARTNER = "partner", "Partner user"
    CUSTOMER = "customer", "Customer user"
    AUDITOR = "auditor", "Auditor"
