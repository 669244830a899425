"""The outbox: written by the services, emptied by the worker; view-only here."""

from __future__ import annotations

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ViewOnlyAdmin):
    list_display = ("id", "kind", "recipients", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "to", "object_type", "object_id")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("id", "kind", "status", "to", "cc", "subject")}),
        ("Body", {"fields": ("body_text", "body_html")}),
        (
            "Delivery",
            {
                "fields": (
                    "object_type",
                    "object_id",
                    "attempts",
                    "last_error",
                    "sent_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    @admin.display(description="to")
    def recipients(self, obj: OutboxMessage) -> str:
        return ", ".join(str(address) for address in obj.to)
