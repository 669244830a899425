"""Redemption requests (SOW = initial, POE = final) and their signatures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from offerdesk.core.fields import money_field
from offerdesk.core.models import TimeStampedModel

from .choices import OPEN_REQUEST_STATUSES, RequestKind, RequestStatus, SignatureParty


class RedemptionRequest(TimeStampedModel):
    """A SOW or POE a partner submitted against a voucher; it stays Received until a reviewer decides."""

    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=3, choices=RequestKind.choices)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="requests")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    submitted_at = models.DateTimeField()
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = money_field(null=True, blank=True, help_text="The SOW value S (USD).")
    users_deployed = models.PositiveIntegerField(null=True, blank=True)
    workload_users = models.JSONField(default=dict, blank=True)
    verified_users = models.PositiveIntegerField(null=True, blank=True)
    # CSO: the users Microsoft verified on each workload, which CSO-WL-02 is checked on again at approval.
    verified_workload_users = models.JSONField(default=dict, blank=True)
    template_id = models.CharField(max_length=40, help_text="The template the document was made from.")
    document_hash = models.CharField(max_length=64, blank=True)
    sla_due_on = models.DateField()
    sla_paused_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("submitted_at", "id")
        indexes = [models.Index(fields=("status", "sla_due_on"))]
        constraints = [
            models.UniqueConstraint(
                fields=("voucher", "kind"),
                condition=Q(status__in=[*OPEN_REQUEST_STATUSES]),
                name="one_open_request_per_kind",
            ),
            models.CheckConstraint(
                name="request_value_non_negative", condition=Q(value__isnull=True) | Q(value__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.voucher_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Received, waiting for information or approved: it still counts (a rejected or withdrawn one does not)."""
        return self.status in OPEN_REQUEST_STATUSES


class Signature(models.Model):
    """A signature on a request's document: who, in what role, when, over which document hash."""

    request = models.ForeignKey(RedemptionRequest, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=SignatureParty.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField()
    document_hash = models.CharField(max_length=64, blank=True)
    # The OfferDesk user who signed, when one did: separation of duties (OD-SOD-01) keeps them from deciding.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=("request", "party"), name="one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.party}: {self.name}"
