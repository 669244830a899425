"""The audit trail in the admin (read-only), and the audited admin every app's editable reference data uses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from offerdesk.accounts.models import User

from .models import AuditEvent
from .services import audit_record

ADMIN_SOURCE = "admin"


def _admin_audit(request: HttpRequest, obj: models.Model, verb: str, fields: list[str] | None = None) -> None:
    label = obj._meta.model_name
    audit_record(
        actor=request.user if isinstance(request.user, User) else None,  # the admin lets only staff users in
        action=f"{label}.admin_{verb}",
        target=obj,
        source=ADMIN_SOURCE,
        data={"fields": fields} if fields is not None else {"repr": str(obj)},
    )


class AuditedAdmin(admin.ModelAdmin):
    """Reference data edited in the admin: each add, change and delete leaves an audit event."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _admin_audit(request, obj, "change" if change else "add", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _admin_audit(request, obj, "delete")
        super().delete_model(request, obj)

    @transaction.atomic  # the "delete selected" action, unlike the admin's views, runs outside a transaction
    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _admin_audit(request, obj, "delete")
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        # Deleted rows lose their primary key when deleted, so they are recorded first; the admin's
        # transaction keeps the events and the save together.
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                _admin_audit(request, deleted.instance, "delete")
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _admin_audit(request, obj, "add", [])
        for obj, fields in formset.changed_objects:
            _admin_audit(request, obj, "change", list(fields))


class AuditedTabularInline(admin.TabularInline):
    """Editable reference rows under their parent (audited by the parent's AuditedAdmin)."""

    extra = 0


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "outcome", "object_type", "object_id")
    list_filter = ("outcome", "action")
    search_fields = ("actor_label", "action", "object_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
