from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class OfferDeskUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "partner", "customer", "is_active")
    list_filter = ("role", "is_active")
    filter_horizontal = (*UserAdmin.filter_horizontal, "managed_partners")
    fieldsets = (  # type: ignore[assignment]
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("OfferDesk", {"fields": ("role", "partner", "customer", "managed_partners")}),
    )
