"""FastTrack Ready Partners."""

from __future__ import annotations

from django.db import models

from offerdesk.core.models import TimeStampedModel

from .choices import FrpStatus


class Partner(TimeStampedModel):
    """A FastTrack Ready Partner: who redeems vouchers and is paid."""

    name = models.CharField(max_length=200, unique=True)
    frp_status = models.CharField(max_length=12, choices=FrpStatus.choices, default=FrpStatus.APPROVED)
    company_group = models.ForeignKey(
        "customers.CompanyGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="partners"
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; where customers find it on the approved FRP list."
    )
    primary_contact = models.EmailField(blank=True)
    program_manager = models.EmailField("FastTrack program manager", blank=True)
    payout_currency = models.CharField(max_length=3, default="USD")
    payment_profile = models.CharField(
        max_length=80, blank=True, help_text="The existing Payment Central profile (CSO-PAY-08)."
    )

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                name="partner_currency_iso", condition=models.Q(payout_currency__regex=r"^[A-Z]{3}$")
            ),
            models.CheckConstraint(
                name="partner_country_iso", condition=models.Q(country="") | models.Q(country__regex=r"^[A-Z]{2}$")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved_frp(self) -> bool:
        return self.frp_status == FrpStatus.APPROVED
