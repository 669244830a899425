"""Programs and offers as rows (mirrors of the catalogue files), and operators' parameter overrides."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from offerdesk.core.models import TimeStampedModel


class Program(TimeStampedModel):
    """A program of the catalogue; its rules and defaults live in its catalogue file."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    checksum = models.CharField(max_length=64)
    rulebook = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.name


class Offer(TimeStampedModel):
    """An offer of a program; a voucher is always of one offer."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="offers")
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200, unique=True)
    family = models.CharField(max_length=20, help_text="Offers of a family share the one-voucher-per-TPID limit.")

    def __str__(self) -> str:
        return self.name


class ParameterOverride(models.Model):
    """An operator's value for a parameter from a date on, or the withdrawal of one; never edited."""

    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overrides",
        help_text="Empty: every program that has this parameter.",
    )
    key = models.CharField(max_length=80)
    value = models.JSONField(encoder=DjangoJSONEncoder)
    effective_from = models.DateField(null=True, blank=True, help_text="Empty: from the start.")
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # A withdrawal is a new row pointing at the override it takes back (one withdrawal each); both stay on
    # record, and the value in force falls back to what it was without the withdrawn override.
    withdraws = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="withdrawal", editable=False
    )

    class Meta:
        ordering = ("key", "effective_from", "id")
        indexes = [models.Index(fields=("key", "effective_from"))]

    def __str__(self) -> str:
        if self.withdraws_id is not None:
            return f"{self.key}: override #{self.withdraws_id} withdrawn"
        return f"{self.key} = {self.value} from {self.effective_from or 'the start'}"
