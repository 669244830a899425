"""FastTrack Ready Partners: reference data, edited here and audited."""

from __future__ import annotations

from django.contrib import admin

from offerdesk.audit.admin import AuditedAdmin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = (
        "name",
        "frp_status",
        "company_group",
        "payout_currency",
        "primary_contact",
        "program_manager",
    )
    list_filter = ("frp_status", "payout_currency")
    list_select_related = ("company_group",)
    search_fields = ("name", "primary_contact", "program_manager", "payment_profile")
    autocomplete_fields = ("company_group",)
    readonly_fields = ("created_at", "updated_at")
