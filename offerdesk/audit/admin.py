"""The audit trail in the admin (read-only), and the audited admin every app's editable reference data uses."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse

from offerdesk.accounts.admin import OfferDeskUserAdmin
from offerdesk.accounts.models import User

from .models import AuditEvent
from .services import audit_record

ADMIN_SOURCE = "admin"


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None  # the admin lets only signed-in staff in


def _admin_audit(request: HttpRequest, obj: models.Model, verb: str, fields: list[str] | None = None) -> None:
    label = obj._meta.model_name
    audit_record(
        actor=_actor(request),
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


# ------------------------------------------------------------------------------- users and groups, audited
# Here rather than in accounts/admin.py: accounts sits below audit in the layers (pyproject.toml), so the
# audit app takes the accounts' admin pages over and adds the trail to them.

PASSWORD_FIELDS = frozenset({"password", "password1", "password2", "usable_password"})


def _changed_fields(form: ModelForm) -> list[str]:
    """The changed fields by name; any password field only as "password", and never its value or hash."""
    names: list[str] = []
    for name in form.changed_data:
        name = "password" if name in PASSWORD_FIELDS else name
        if name not in names:
            names.append(name)
    return names


def _value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(str(related) for related in getattr(obj, name).all())
    value = getattr(obj, name)
    return value if isinstance(value, bool | int | None) else str(value)


class AuditedAccountAdmin(AuditedAdmin):
    """Users and groups: each save leaves an event naming the changed fields and, for those that grant access,
    their new values; written after the many-to-many fields are saved, so groups and permissions are known."""

    audited_values: frozenset[str] = frozenset()

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super(AuditedAdmin, self).save_model(request, obj, form, change)  # the event waits for save_related

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj, fields = form.instance, _changed_fields(form)
        audit_record(
            actor=_actor(request),
            action=f"{obj._meta.model_name}.admin_{'change' if change else 'add'}",
            target=obj,
            source=ADMIN_SOURCE,
            data={"fields": fields, "values": {f: _value(obj, f) for f in fields if f in self.audited_values}},
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any | None = None,
    ) -> HttpResponse:
        form = context["adminform"].form
        if request.method == "POST" and form.errors:  # a refused attempt (e.g. a partner user made staff)
            audit_record(
                actor=_actor(request),
                action=f"{self.model._meta.model_name}.admin_{'add' if add else 'change'}",
                target=obj,
                outcome="refused",
                source=ADMIN_SOURCE,
                data={"fields": _changed_fields(form), "errors": {k: list(v) for k, v in form.errors.items()}},
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class AuditedUserAdmin(AuditedAccountAdmin, OfferDeskUserAdmin):
    audited_values = frozenset(
        {"username", "email", "is_active", "is_staff", "is_superuser", "role", "partner", "customer", "groups"}
        | {"managed_partners"}
        | {"user_permissions"}
    )

    @transaction.atomic
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == HTTPStatus.FOUND:  # changed, not refused
            audit_record(
                actor=_actor(request),
                action="user.admin_password_change",
                target=self.get_object(request, unquote(id)),
                source=ADMIN_SOURCE,
                data={"fields": ["password"]},
            )
        return response


class AuditedGroupAdmin(AuditedAccountAdmin, GroupAdmin):
    audited_values = frozenset({"name", "permissions"})


for _model, _admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)
