"""The scheduled jobs as tasks (django.tasks): what the schedule enqueues and `offerdesk worker` runs."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from offerdesk.apikeys.services import idempotency_prune
from offerdesk.documents.services import document_files_sweep
from offerdesk.payouts.services import statements_publish
from offerdesk.screening.services import screening_prune

from .services import daily_run, task_results_prune


@task()
def daily_run_task(*, on: str) -> dict[str, Any]:
    """One program day's run (idempotent per day)."""
    return daily_run(on=on)


@task()
def task_results_prune_task(*, on: str) -> dict[str, int]:
    """Drop finished task results older than OFFERDESK_TASK_RESULTS_KEEP_DAYS, heartbeats of long-gone workers, and
    screenings older than OFFERDESK_SCREENINGS_KEEP_DAYS, stored PDFs no document refers to, and the API's
    idempotency keys older than OFFERDESK_IDEMPOTENCY_KEEP_HOURS."""
    kept = {"idempotency_keys": idempotency_prune()}
    return {**task_results_prune(), **screening_prune(), **document_files_sweep(), **kept}


@task()
def statements_publish_task(*, on: str) -> dict[str, int]:
    """On a month's first days, last month's partner statements, each partner and month once (ADR 25)."""
    return statements_publish(on=on)
