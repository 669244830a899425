"""Users and their roles; a partner or customer user belongs to exactly one tenant."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    SELLER = "seller", "Field seller"
    OPERATOR = "operator", "Program operator"
    REVIEWER = "reviewer", "Reviewer"
    FINANCE = "finance", "Finance"
    FPM = "fpm", "FastTrack program manager"
    PARTNER = "partner", "Partner user"
    CUSTOMER = "customer", "Customer user"
    AUDITOR = "auditor", "Auditor"


class User(AbstractUser):
    """A person who signs in; partner, customer and FPM users are scoped to their tenant."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SELLER)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="partner_user_has_partner",
                condition=~models.Q(role="partner") | models.Q(partner__isnull=False),
            ),
            models.CheckConstraint(
                name="customer_user_has_customer",
                condition=~models.Q(role="customer") | models.Q(customer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.get_role_display()})"
