"""The record of scheduled work."""

from django.db import models


class DailyRun(models.Model):
    """One day's scheduled work; running the same day twice does the work once."""

    run_date = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        db_table = "core_dailyrun"  # moved from core by a state-only migration: the table and its rows stay

    def __str__(self) -> str:
        return f"daily run {self.run_date}"
