"""Reviewers' decisions: the history of each request, written only by the review services; view-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from offerdesk.core.admin import ViewOnlyAdmin, ViewOnlyTabularInline, admin_add_inlines
from offerdesk.redemptions.admin import RedemptionRequestAdmin

from .models import Decision


class DecisionInline(ViewOnlyTabularInline):
    model = Decision
    fields = ("outcome", "reason", "decided_at", "decided_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Decision]:
        return super().get_queryset(request).select_related("decided_by")


admin_add_inlines(RedemptionRequestAdmin, DecisionInline)


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin):
    list_display = ("request", "outcome", "decided_at", "decided_by", "reason")
    list_filter = ("outcome", "decided_at")
    list_select_related = ("request", "decided_by")
    search_fields = ("reason", "request__voucher__code", "request__voucher__customer__tpid")
    date_hierarchy = "decided_at"
