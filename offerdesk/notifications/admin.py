"""The outbox: written by the services, emptied by the worker; view-only here, but for re-sending (audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from offerdesk.core.admin import ViewOnlyAdmin
from offerdesk.core.errors import DomainError

from .models import Notice, OutboxMessage, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .services import outbox_message_id, outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ViewOnlyAdmin):
    list_display = ("id", "kind", "recipients", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "to", "object_type", "object_id")
    date_hierarchy = "created_at"
    actions = ("resend",)
    fieldsets = (
        (None, {"fields": ("id", "message_id", "kind", "status", "to", "cc", "subject")}),
        ("Body", {"fields": ("body_text", "body_html")}),
        (
            "Delivery",
            {
                "fields": (
                    "object_type",
                    "object_id",
                    "attempts",
                    "next_attempt_at",
                    "claim",
                    "lease_until",
                    "last_error",
                    "sent_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: OutboxMessage | None = None) -> tuple[str, ...]:
        return ("message_id", *super().get_readonly_fields(request, obj))

    @admin.display(description="to")
    def recipients(self, obj: OutboxMessage) -> str:
        return ", ".join(str(address) for address in obj.to)

    @admin.display(description="Message-ID")
    def message_id(self, obj: OutboxMessage) -> str:
        return outbox_message_id(obj)

    @admin.action(description="Re-send the selected messages (same Message-ID)")
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        try:
            again = outbox_retry(actor=request.user, ids=list(queryset.values_list("pk", flat=True)))  # type: ignore[arg-type]
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"{len(again)} message(s) queued to be sent again.", messages.SUCCESS)


@admin.register(Notice)
class NoticeAdmin(ViewOnlyAdmin):
    list_display = ("id", "user", "message", "read_at", "created_at")
    list_filter = ("read_at",)
    list_select_related = ("user", "message")
    search_fields = ("user__username", "user__email", "message__subject")
    raw_id_fields = ("user", "message")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ViewOnlyAdmin):
    list_display = ("id", "partner", "url", "active", "created_at")
    list_filter = ("active",)
    list_select_related = ("partner",)
    search_fields = ("url", "partner__name")
    secrets = ("secret", "previous_secret")  # told once, to the subscriber; not to whoever reads the admin
    exclude = secrets

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> tuple[str, ...]:
        return tuple(name for name in super().get_readonly_fields(request, obj) if name not in self.secrets)


class WebhookAttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "duration_ms", "status_code", "error", "response_body")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdmin):
    list_display = ("id", "subscription", "event_type", "webhook_id", "status", "attempts", "last_status_code")
    list_filter = ("status", "event_type")
    list_select_related = ("subscription",)
    search_fields = ("webhook_id", "subscription__url")
    raw_id_fields = ("subscription",)
    inlines = (WebhookAttemptInline,)
