"""Reviewers' decisions: the history of each request, written only by the review services; view-only."""

from __future__ import annotations

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin

from .models import Decision


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin):
    list_display = ("request", "outcome", "decided_at", "decided_by", "reason")
    list_filter = ("outcome", "decided_at")
    list_select_related = ("request", "decided_by")
    search_fields = ("reason", "request__voucher__code", "request__voucher__customer__tpid")
    date_hierarchy = "decided_at"
