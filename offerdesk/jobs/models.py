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


class ScheduledRun(models.Model):
    """One daily job's slot on one program day: the scheduler that inserts it enqueues the job, so it runs once
    however many schedulers tick (ADR 16)."""

    job = models.CharField(max_length=40)
    run_date = models.DateField()
    enqueued_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("run_date", "job")
        constraints = [models.UniqueConstraint(fields=("job", "run_date"), name="jobs_one_slot_per_job_and_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}"


class WorkerBeat(models.Model):
    """A running worker's heartbeat: a task whose worker stopped beating is taken up again by another."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"
