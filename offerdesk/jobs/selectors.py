"""How the background work is doing: what `offerdesk health` and `/healthz` report."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from offerdesk.core import dates
from offerdesk.notifications.choices import OutboxStatus
from offerdesk.notifications.models import OutboxMessage

from .models import DailyRun, WorkerBeat
from .services import schedule_due


def _age(since: dt.datetime | None, now: dt.datetime) -> float | None:
    return None if since is None else round(max((now - since).total_seconds(), 0.0), 1)


def health_report(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The database, the queue (depth, age of the oldest ready task), the outbox (age of the oldest pending
    message), the live workers and the last daily run; `healthy` is false when any check fails, with the
    reasons in `problems`. Thresholds: OFFERDESK_HEALTH_MAX_TASK_AGE, OFFERDESK_HEALTH_MAX_MESSAGE_AGE (seconds);
    the daily run fails the check when the last finished one is more than a day behind the schedule."""
    now = dates.now() if now is None else now
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {
            "healthy": False,
            "problems": [f"database: {error}".strip()],
            "database": {"ok": False, "vendor": connection.vendor, "error": str(error)},
        }
    database = {"ok": True, "vendor": connection.vendor, "ms": round(1000 * (time.monotonic() - started), 1)}
    ready = DBTaskResult.objects.ready()
    queue = {
        "depth": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_pending_age_s": _age(ready.aggregate(at=Min("enqueued_at"))["at"], now),
        "failed_last_day": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
        ).count(),
    }
    pending = OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
    outbox = {
        "pending": pending.count(),
        "oldest_pending_age_s": _age(pending.aggregate(at=Min("created_at"))["at"], now),
    }
    workers = {
        "alive": WorkerBeat.objects.filter(
            seen_at__gte=now - dt.timedelta(seconds=settings.OFFERDESK_WORKER_DEAD_AFTER)
        ).count()
    }
    last = DailyRun.objects.filter(finished_at__isnull=False).order_by("-run_date").first()
    due = schedule_due(now=now)[-1]
    behind = (due - last.run_date).days if last else None
    daily = {
        "last_run_date": last.run_date if last else None,
        "finished_at": last.finished_at if last else None,
        "due": due,
        "days_behind": behind,
    }
    problems = []
    if (queue["oldest_pending_age_s"] or 0) > settings.OFFERDESK_HEALTH_MAX_TASK_AGE:
        problems.append(
            f"queue: the oldest ready task waits {queue['oldest_pending_age_s']:.0f}s "
            f"(over {settings.OFFERDESK_HEALTH_MAX_TASK_AGE}s: is a worker running?)"
        )
    if (outbox["oldest_pending_age_s"] or 0) > settings.OFFERDESK_HEALTH_MAX_MESSAGE_AGE:
        problems.append(
            f"outbox: the oldest pending message waits {outbox['oldest_pending_age_s']:.0f}s "
            f"(over {settings.OFFERDESK_HEALTH_MAX_MESSAGE_AGE}s)"
        )
    if last is None:
        problems.append("daily run: none has finished yet (is `offerdesk schedule` running?)")
    elif behind is not None and behind > 1:
        problems.append(f"daily run: the last finished is {last.run_date}, {behind} days before {due}")
    return {
        "healthy": not problems,
        "problems": problems,
        "checked_at": now,
        "database": database,
        "queue": queue,
        "outbox": outbox,
        "workers": workers,
        "daily_run": daily,
    }
