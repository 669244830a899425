"""The customers app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class Sector(models.TextChoices):
    COMMERCIAL = "Commercial"
    PUBLIC_SECTOR = "Public Sector"
    GOVERNMENT = "Government"
    US_FEDERAL = "US Federal"
    EDUCATION = "Education"
    NON_PROFIT = "Non-profit"
    GPP = "GPP"
    CSP = "CSP"


class Segment(models.TextChoices):
    ENTERPRISE = "Enterprise"
    SMC_C = "SMC-C"


class ContactKind(models.TextChoices):
    CONTACT = "contact", "Customer contact"
    ACCOUNT_TEAM = "account_team", "Microsoft account team"
