"""The daily runs, view-only: they change only by running."""

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin

from .models import DailyRun


@admin.register(DailyRun)
class DailyRunAdmin(ViewOnlyAdmin):
    list_display = ("run_date", "started_at", "finished_at", "summary")
    date_hierarchy = "run_date"
    ordering = ("-run_date",)
