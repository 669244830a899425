"""Users and their roles; a partner or customer user belongs to exactly one tenant."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from .choices import Role

TENANT_ROLES = (Role.PARTNER, Role.CUSTOMER)


class User(AbstractUser):
    """A person who signs in; partner, customer and FPM users are scoped to their tenant."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SELLER)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # The explicit link an FPM's scope follows; `Partner.program_manager` is only the e-mail copied on notices.
    managed_partners = models.ManyToManyField("partners.Partner", blank=True, related_name="fpm_users")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="partner_user_has_partner",
                condition=~models.Q(role=Role.PARTNER) | models.Q(partner__isnull=False),
            ),
            models.CheckConstraint(
                name="customer_user_has_customer",
                condition=~models.Q(role=Role.CUSTOMER) | models.Q(customer__isnull=False),
            ),
            # A tenant's user never reaches the admin or bypasses a scope, whatever a form or a script says.
            models.CheckConstraint(
                name="tenant_user_is_never_staff",
                condition=~models.Q(role__in=TENANT_ROLES) | models.Q(is_staff=False, is_superuser=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        if self.role in TENANT_ROLES and (self.is_staff or self.is_superuser):
            raise ValidationError(
                {"is_staff": f"a {self.get_role_display().lower()} can never be staff or a superuser"}
            )
