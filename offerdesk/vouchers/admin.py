"""Nominations, referrals, deals and vouchers: view-only; every change goes through the vouchers services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline

from .models import Deal, Nomination, Referral, Voucher, VoucherReminder


@admin.register(Nomination)
class NominationAdmin(ViewOnlyAdmin):
    list_display = ("customer", "offer", "partner", "status", "nominated_at", "nominated_by")
    list_filter = ("status", "offer")
    list_select_related = ("customer", "offer", "partner", "nominated_by")
    search_fields = ("customer__tpid", "customer__name", "partner__name")
    date_hierarchy = "nominated_at"


@admin.register(Referral)
class ReferralAdmin(ViewOnlyAdmin):
    list_display = (
        "nomination",
        "partner",
        "status",
        "notified_on",
        "respond_by",
        "responded_at",
        "responded_by",
    )
    list_filter = ("status",)
    list_select_related = ("nomination__customer", "nomination__offer", "partner", "responded_by")
    search_fields = ("nomination__customer__tpid", "nomination__customer__name", "partner__name")
    date_hierarchy = "notified_on"


@admin.register(Deal)
class DealAdmin(ViewOnlyAdmin):
    list_display = (
        "customer",
        "value",
        "close_date",
        "workloads",
        "upsell_attested",
        "recorded_at",
        "recorded_by",
    )
    list_filter = ("upsell_attested", "close_date")
    list_select_related = ("customer", "recorded_by")
    search_fields = ("customer__tpid", "customer__name")
    date_hierarchy = "close_date"


class ReminderInline(ViewOnlyTabularInline):
    model = VoucherReminder
    fields = ("days_before", "sent_on")
    show_change_link = False


@admin.register(Voucher)
class VoucherAdmin(ViewOnlyAdmin):
    list_display = (
        "code",
        "customer",
        "offer",
        "variant",
        "partner",
        "status",
        "face_value",
        "committed_total",
        "issue_date",
        "expiry_date",
    )
    list_filter = ("status", "offer", "variant", "holds_limit", "expiry_date")
    list_select_related = ("customer", "offer", "partner")
    search_fields = ("code", "customer__tpid", "customer__name", "partner__name")
    date_hierarchy = "issue_date"
    fieldsets = (
        (None, {"fields": ("code", "status", "offer", "variant", "family", "customer", "partner")}),
        ("Money", {"fields": ("face_value", "cap_at_issue", "committed_total")}),
        ("Dates", {"fields": ("issue_date", "expiry_date", "created_at", "updated_at")}),
        (
            "Issue",
            {
                "fields": (
                    "nomination",
                    "deal",
                    "issued_by",
                    "holds_limit",
                    "paid_in_scope_at_issue",
                    "unused_at_issue",
                )
            },
        ),
    )
    # Its requests and payments are added by the redemptions and payouts admins (`admin_add_inlines`).
    inlines = (ReminderInline,)


@admin.register(VoucherReminder)
class VoucherReminderAdmin(ViewOnlyAdmin):
    list_display = ("voucher", "customer", "days_before", "sent_on")
    list_filter = ("days_before", "sent_on")
    list_select_related = ("voucher__customer",)
    search_fields = ("voucher__code", "voucher__customer__tpid", "voucher__customer__name")

    @admin.display(ordering="voucher__customer__name")
    def customer(self, obj: VoucherReminder) -> Any:
        return obj.voucher.customer
