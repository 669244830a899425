"""Admin building blocks shared by every app, and the daily runs.

The admin is a window, not a back door: rows that the rules or the ledger guard are view-only here and
change only through their services; reference data may be edited, and every edit is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from offerdesk.audit.services import audit_record

from .models import DailyRun

ADMIN_SOURCE = "admin"


def all_field_names(model: type[models.Model]) -> tuple[str, ...]:
    """Every concrete and many-to-many field of a model, in declaration order."""
    opts = model._meta
    return tuple(f.name for f in (*opts.concrete_fields, *opts.many_to_many))


class ViewOnlyMixin:
    """No adding, changing or deleting from the admin: every field is shown read-only."""

    model: type[models.Model]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        own = tuple(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return own + tuple(name for name in all_field_names(self.model) if name not in own)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ViewOnlyAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """A model whose rows change only through services (or never): listed and shown, not edited."""


class ViewOnlyTabularInline(ViewOnlyMixin, admin.TabularInline):
    """Related rows shown under their parent, read-only."""

    extra = 0
    show_change_link = True


def _admin_audit(request: HttpRequest, obj: models.Model, verb: str, fields: list[str] | None = None) -> None:
    label = obj._meta.model_name
    audit_record(
        actor=request.user,
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


@admin.register(DailyRun)
class DailyRunAdmin(ViewOnlyAdmin):
    list_display = ("run_date", "started_at", "finished_at", "summary")
    date_hierarchy = "run_date"
    ordering = ("-run_date",)
