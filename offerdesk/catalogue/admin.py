"""Programs and offers mirror the catalogue files; overrides are superseded, never edited: all view-only."""

from __future__ import annotations

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline

from .models import Offer, ParameterOverride, Program


class OfferInline(ViewOnlyTabularInline):
    model = Offer
    fields = ("code", "name", "family")


@admin.register(Program)
class ProgramAdmin(ViewOnlyAdmin):
    list_display = ("code", "name", "rulebook", "version", "checksum", "updated_at")
    list_filter = ("rulebook",)
    search_fields = ("code", "name")
    inlines = (OfferInline,)


@admin.register(Offer)
class OfferAdmin(ViewOnlyAdmin):
    list_display = ("code", "name", "program", "family")
    list_filter = ("program", "family")
    list_select_related = ("program",)
    search_fields = ("code", "name")


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(ViewOnlyAdmin):
    list_display = ("key", "value", "program", "effective_from", "withdraws", "created_by", "reason", "created_at")
    list_filter = ("program", "key")
    list_select_related = ("program", "created_by")
    search_fields = ("key", "reason")
    fields = ("key", "value", "program", "effective_from", "withdraws", "created_by", "reason", "created_at")
