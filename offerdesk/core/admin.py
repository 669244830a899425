"""Admin building blocks shared by every app.

The admin is a window, not a back door: rows that the rules or the ledger guard are view-only here and
change only through their services; reference data may be edited through `audit.admin.AuditedAdmin`, and
every edit is audited. An app higher in the layers adds its rows to a lower app's page (`admin_add_inlines`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.http import HttpRequest

from .errors import InvalidInput


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


def admin_add_inlines(model_admin: type[admin.ModelAdmin], *inlines: type[InlineModelAdmin]) -> None:
    """Show another app's rows on a page: the app that owns the rows adds them, so that the page's own app
    need not import it (no app imports one above it, see the import-linter contracts)."""
    model_admin.inlines = (*model_admin.inlines, *inlines)


class ParsedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """An admin form whose fields are read by `core.parsing` as the services read them (OD-IN-01): `parsers`
    maps a field to a function of its value; a refusal is that field's error, and nothing is saved."""

    parsers: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, parse in self.parsers.items():
            if name in cleaned and name not in self.errors:
                try:
                    cleaned[name] = parse(cleaned[name])
                except InvalidInput as refused:
                    self.add_error(name, refused.message)
        return cleaned
