"""The base model every domain model builds on."""

from typing import Any

from django.db import models

from . import dates


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed, by the domain clock (`dates.now`)."""

    created_at = models.DateTimeField(default=dates.now, editable=False)
    updated_at = models.DateTimeField(default=dates.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.updated_at = dates.now()
        super().save(*args, **kwargs)


class DailyRun(models.Model):
    """One day's scheduled work; running the same day twice does the work once."""

    run_date = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"daily run {self.run_date}"
