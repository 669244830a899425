"""The daily runs, view-only: they change only by running."""

from django.contrib import admin

from offerdesk.core.admin import ViewOnlyAdmin

from .models import DailyRun, ScheduledRun, WorkerBeat


@admin.register(DailyRun)
class DailyRunAdmin(ViewOnlyAdmin):
    list_display = ("run_date", "started_at", "finished_at", "summary")
    date_hierarchy = "run_date"
    ordering = ("-run_date",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ViewOnlyAdmin):
    list_display = ("run_date", "job", "enqueued_at", "task_id")
    list_filter = ("job",)
    ordering = ("-run_date", "job")


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ViewOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "seen_at")
    ordering = ("-seen_at",)
