from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class OfferDeskUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "partner", "customer", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("OfferDesk", {"fields": ("role", "partner", "customer")}))  # type: ignore[misc]
