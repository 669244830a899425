"""Redemption requests and their signatures: view-only; requests move only through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline, admin_add_inlines
from offerdesk.vouchers.admin import VoucherAdmin

from .models import RedemptionRequest, Signature


class SignatureInline(ViewOnlyTabularInline):
    model = Signature
    fields = ("party", "name", "role", "signed_at", "document_hash")


class RequestInline(ViewOnlyTabularInline):
    model = RedemptionRequest
    fields = ("kind", "partner", "status", "value", "submitted_on", "sla_due_on", "decided_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RedemptionRequest]:
        return super().get_queryset(request).select_related("partner")


@admin.register(RedemptionRequest)
class RedemptionRequestAdmin(ViewOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "voucher",
        "customer",
        "partner",
        "status",
        "value",
        "submitted_on",
        "sla_due_on",
        "decided_at",
    )
    list_filter = ("status", "kind", "voucher__offer", "submitted_on", "sla_due_on")
    list_select_related = ("voucher__customer", "partner")
    search_fields = (
        "voucher__code",
        "voucher__customer__tpid",
        "voucher__customer__name",
        "partner__name",
        "document_hash",
    )
    date_hierarchy = "submitted_on"
    fieldsets = (
        (None, {"fields": ("id", "kind", "status", "voucher", "partner", "template_id", "document_hash")}),
        ("Figures", {"fields": ("value", "users_deployed", "workload_users", "verified_users")}),
        (
            "Dates",
            {
                "fields": (
                    "submitted_at",
                    "submitted_on",
                    "submitted_by",
                    "sla_due_on",
                    "sla_paused_on",
                    "decided_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    # Its decisions and payments are added by the reviews and payouts admins (`admin_add_inlines`).
    inlines = (SignatureInline,)

    @admin.display(ordering="voucher__customer__name")
    def customer(self, obj: RedemptionRequest) -> Any:
        return obj.voucher.customer


admin_add_inlines(VoucherAdmin, RequestInline)


@admin.register(Signature)
class SignatureAdmin(ViewOnlyAdmin):
    list_display = ("request", "party", "name", "role", "signed_at")
    list_filter = ("party",)
    list_select_related = ("request",)
    search_fields = ("name", "role", "request__voucher__code", "document_hash")
    date_hierarchy = "signed_at"
