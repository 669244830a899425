"""Customers (keyed by TPID), their licences, usage, prior licences and contacts; company groups."""

from __future__ import annotations

from django.db import models

from offerdesk.core.models import TimeStampedModel

from .choices import ContactKind, Sector, Segment


class CompanyGroup(TimeStampedModel):
    """A company and its subsidiaries; a customer's own group may not redeem its voucher (MWS-LIM-06)."""

    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """An organisation Microsoft may nominate, identified by its TPID."""

    tpid = models.CharField("TPID", max_length=40, unique=True)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    segment = models.CharField(max_length=12, choices=Segment.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    company_group = models.ForeignKey(
        CompanyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    ecif_funded = models.BooleanField("deployment funded by ECIF", default=False, help_text="CSO-ELIG-07, MWS-ELIG-06")

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                name="customer_country_is_two_letters", condition=models.Q(country__regex=r"^[A-Z]{2}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tpid})"


class CustomerContact(TimeStampedModel):
    """A person to notify about a customer's vouchers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("customer", "kind", "email"), name="contact_unique")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()})"


class SeatLicence(TimeStampedModel):
    """Paid licences of one SKU and how many of them are in use."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="seats")
    sku = models.CharField(max_length=80)
    paid = models.PositiveIntegerField()
    in_use = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("customer", "sku"), name="seat_licence_unique_sku"),
            models.CheckConstraint(name="seats_in_use_le_paid", condition=models.Q(in_use__lte=models.F("paid"))),
        ]

    def __str__(self) -> str:
        return f"{self.sku}: {self.in_use}/{self.paid}"


class WorkloadUsage(TimeStampedModel):
    """Monthly active usage of one workload, as a share of paid seats (AMB-06)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="usage")
    workload = models.CharField(max_length=80)
    # Ten decimals keep a share exactly as given (119,999 of 200,000 is 59.9995 %, below 60 %); the service
    # refuses a share more precise than that rather than rounding it across a rule's threshold.
    mau = models.DecimalField(max_digits=11, decimal_places=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("customer", "workload"), name="usage_unique_workload"),
            models.CheckConstraint(name="mau_is_a_share", condition=models.Q(mau__gte=0, mau__lte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.workload}: {self.mau:.1%}"


class PriorLicence(TimeStampedModel):
    """Licences the customer owned on a date, e.g. Microsoft 365 E3 before the promotional period."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="prior_licences")
    sku = models.CharField(max_length=80)
    quantity = models.PositiveIntegerField()
    as_of = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("customer", "sku", "as_of"), name="prior_licence_unique")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku} on {self.as_of}"
