"""Scheduled work: the daily run (expiries, lapsed referrals, reminders, overdue reviews, e-mail; safe to run twice
a day), the schedule that enqueues it once per program day, and the upkeep of the task queue (dead workers, old
results)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates
from offerdesk.core.parsing import parse_date, refuse
from offerdesk.notifications.services import outbox_deliver
from offerdesk.reviews.services import review_sla_alerts_send
from offerdesk.vouchers.services import referrals_lapse, voucher_reminders_send, vouchers_expire

from .lock_objects import daily_run_lock
from .models import DailyRun, ScheduledRun, WorkerBeat

log = logging.getLogger(__name__)


@audited_refusals("daily.run")
def daily_run(*, on: dt.date | str | None = None) -> dict[str, Any]:
    """Do one day's work. Each step is idempotent on its own, so a second run the same day changes nothing,
    and a run after missed days catches up: everything due by `on` is done (expiry ≤ on, latest reminder)."""
    today = dates.today()
    on = today if on is None else parse_date(on, field="on")
    if on > today:
        # A run for a day still to come would expire every voucher live until then, and expiry is final.
        raise refuse("on", f"a day up to today ({today} in {settings.TIME_ZONE}), not {on}")
    try:
        with transaction.atomic():
            run, _ = DailyRun.objects.get_or_create(run_date=on, defaults={"started_at": dates.now()})
    except IntegrityError:  # another worker created it at the same moment
        run = DailyRun.objects.get(run_date=on)
    summary = {
        "expired": vouchers_expire(on=on),
        "referrals_lapsed": referrals_lapse(on=on),
        "reminders": voucher_reminders_send(on=on),
        "sla_alerts": review_sla_alerts_send(on=on),
    }
    summary["emails_sent"] = outbox_deliver()
    with transaction.atomic():
        run = daily_run_lock(run_id=run.pk)
        totals = {key: run.summary.get(key, 0) + value for key, value in summary.items()}
        DailyRun.objects.filter(pk=run.pk).update(finished_at=dates.now(), summary=totals)
    return summary


def _daily_jobs() -> dict[str, Task[Any, Any]]:
    """The jobs the schedule runs once a program day, in this order, each with the day as `on`."""
    from .tasks import daily_run_task, statements_publish_task, task_results_prune_task  # they import this module

    return {"daily": daily_run_task, "prune": task_results_prune_task, "statements": statements_publish_task}


def schedule_due(*, now: dt.datetime) -> list[dt.date]:
    """The program days whose jobs are due at `now`: up to today once OFFERDESK_DAILY_AT has passed there."""
    local = timezone.localtime(now)
    last = local.date() if local.time() >= settings.OFFERDESK_DAILY_AT else local.date() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=settings.OFFERDESK_SCHEDULE_CATCH_UP_DAYS - 1)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def schedule_tick(*, now: dt.datetime | None = None) -> list[ScheduledRun]:
    """Enqueue each daily job for every due program day it has not been enqueued for, oldest day first: a day
    missed while nothing ran is caught up (back to OFFERDESK_SCHEDULE_CATCH_UP_DAYS, and never before the job's
    first slot). The slot row and the task are written in one transaction, and the slot is unique per job and
    day, so any number of schedulers enqueue each job once a day (ADR 16)."""
    now = dates.now() if now is None else now
    due = schedule_due(now=now)
    enqueued: list[ScheduledRun] = []
    for job, job_task in _daily_jobs().items():
        last = ScheduledRun.objects.filter(job=job).aggregate(last=models.Max("run_date"))["last"]
        days = due[-1:] if last is None else [day for day in due if day > last]
        for day in days:
            try:
                with transaction.atomic():
                    slot = ScheduledRun.objects.create(job=job, run_date=day, enqueued_at=now)
                    result = job_task.enqueue(on=day.isoformat())
                    ScheduledRun.objects.filter(pk=slot.pk).update(task_id=str(result.id))
            except IntegrityError:  # another scheduler took this slot first
                continue
            enqueued.append(slot)
    return enqueued


def task_results_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete finished task results older than OFFERDESK_TASK_RESULTS_KEEP_DAYS, and the heartbeats of workers
    silent for as long; pending and running tasks are never touched."""
    now = dates.now() if now is None else now
    before = now - dt.timedelta(days=settings.OFFERDESK_TASK_RESULTS_KEEP_DAYS)
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    beats, _ = WorkerBeat.objects.filter(seen_at__lt=before).delete()
    return {"task_results": results, "worker_beats": beats}


def worker_beat(*, worker_id: str, hostname: str, pid: int) -> None:
    """Record that a worker is alive now."""
    now = dates.now()
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerBeat.objects.update_or_create(
            worker_id=worker_id, defaults={"hostname": hostname, "pid": pid, "started_at": now, "seen_at": now}
        )


def worker_gone(*, worker_id: str) -> None:
    """A worker that stops cleanly takes its heartbeat with it."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


class WorkerDied(Exception):
    """A task whose worker died as often as OFFERDESK_TASK_MAX_ATTEMPTS allows: it is failed, not run again."""


def tasks_recover(*, dead_after: dt.timedelta, max_attempts: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Take up again the tasks whose worker died: running, and the worker that claimed them has not beaten for
    `dead_after` (or never did). Each goes back to ready, unless it already had `max_attempts` workers, then it
    fails. Each change is a conditional UPDATE on the claim's start time, so two recovering workers (or the
    task's own worker finishing after all) never both win."""
    now = dates.now() if now is None else now
    stale = now - dead_after
    alive = set(WorkerBeat.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True))
    counts = {"requeued": 0, "failed": 0}
    running = DBTaskResult.objects.running().filter(started_at__lt=stale)
    for task_id, started_at, workers, path in running.values_list("id", "started_at", "worker_ids", "task_path"):
        if workers and workers[-1] in alive:
            continue
        claim = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at)
        outcome = "failed" if len(workers) >= max_attempts else "requeued"
        with transaction.atomic():
            if outcome == "failed":
                changed = claim.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                    traceback=f"{WorkerDied.__qualname__}: its worker died {len(workers)} times "
                    f"(OFFERDESK_TASK_MAX_ATTEMPTS={max_attempts}); workers {', '.join(workers)}\n",
                )
            else:
                changed = claim.update(status=TaskResultStatus.READY, started_at=None)
            if not changed:
                continue
            audit_record(
                actor=None,
                action=f"task.{outcome}",
                data={"task": str(task_id), "path": path, "workers": workers},
                source="worker",
            )
        counts[outcome] += 1
        log.warning("task %s (%s) of dead worker %s: %s", task_id, path, workers[-1] if workers else "?", outcome)
    return counts
