"""Reviewers' decisions: the full history of each request."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from offerdesk.core.models import TimeStampedModel
from offerdesk.documents.models import document_storage

from .choices import Outcome, RejectReason


class Decision(TimeStampedModel):
    """One step in a request's review."""

    request = models.ForeignKey("redemptions.RedemptionRequest", on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    # A rejection's ground from the listed ones (the words the partner reads are in `reason`).
    reason_code = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A file the partner attached to its answer: stored under a random name, its own name kept for the download.
    attachment = models.FileField(  # beside the documents: private, served only through the portal's checks
        storage=document_storage, upload_to="answers/", max_length=200, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("decided_at", "id")

    def __str__(self) -> str:
        return f"{self.outcome} on {self.decided_at:%Y-%m-%d}"


class SlaAlert(TimeStampedModel):
    """The registrations team was told, once, that a request's review is overdue."""

    request = models.OneToOneField("redemptions.RedemptionRequest", on_delete=models.PROTECT, related_name="sla_alert")
    due_on = models.DateField(help_text="The review due date that was missed.")
    sent_on = models.DateField(help_text="The daily run that sent the alert.")

    def __str__(self) -> str:
        return f"overdue since {self.due_on}, told on {self.sent_on}"
