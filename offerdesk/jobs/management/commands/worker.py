"""`offerdesk worker`: run the task queue (django-tasks-db) with OfferDesk's settings and a heartbeat."""

from __future__ import annotations

import logging
import os
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend

from offerdesk.core.cli import OfferDeskCommand, refuse_usage
from offerdesk.jobs.worker import HeartbeatWorker


class Command(OfferDeskCommand):
    help = (
        "Work the task queue: e-mail delivery, the scheduled daily jobs. Run as many as you like, on as many "
        "machines (PostgreSQL); a task whose worker died is taken up again after OFFERDESK_WORKER_DEAD_AFTER "
        "seconds. SIGTERM or Ctrl-C finishes the running task, then stops."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default=DEFAULT_TASK_QUEUE_NAME, help="Queues, comma-separated; '*' for all.")
        parser.add_argument("--batch", action="store_true", help="Run what is ready, then stop.")
        parser.add_argument("--max-tasks", type=int, help="Stop after this many tasks.")
        parser.add_argument("--worker-id", help="A name unique in the pool (default: host, process id and a nonce).")
        parser.add_argument(
            "--interval", type=float, help="Seconds between polls when idle (OFFERDESK_WORKER_INTERVAL)."
        )
        parser.add_argument("--heartbeat", type=float, help="Seconds between heartbeats (OFFERDESK_WORKER_HEARTBEAT).")
        parser.add_argument(
            "--dead-after", type=float, help="Seconds of silence before a worker counts as dead (…_DEAD_AFTER)."
        )

    def run(self, **options: Any) -> None:
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise refuse_usage("--max-tasks: at least 1")
        for name in ("interval", "heartbeat", "dead_after"):
            value = options[name]
            if value is not None and not (value > 0 if name != "interval" else value >= 0):
                raise refuse_usage(f"--{name.replace('_', '-')}: more than 0 seconds, not {value}")
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"TASKS_BACKEND is {type(backend).__module__}.{type(backend).__name__}: the worker needs "
                "django_tasks_db.DatabaseBackend (set TASKS_BACKEND=django_tasks_db.DatabaseBackend)"
            )
        worker_id = options["worker_id"] or f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
        if len(worker_id) > 64:
            raise refuse_usage("--worker-id: at most 64 characters")
        self._configure_logging(int(options["verbosity"]))
        HeartbeatWorker(
            queue_names=options["queue"].split(","),
            excluded_queue_names=[],
            interval=options["interval"] if options["interval"] is not None else settings.OFFERDESK_WORKER_INTERVAL,
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            heartbeat=options["heartbeat"] if options["heartbeat"] is not None else settings.OFFERDESK_WORKER_HEARTBEAT,
            dead_after=options["dead_after"]
            if options["dead_after"] is not None
            else settings.OFFERDESK_WORKER_DEAD_AFTER,
            max_attempts=settings.OFFERDESK_TASK_MAX_ATTEMPTS,
        ).run_until_stopped()

    def _configure_logging(self, verbosity: int) -> None:
        """django-tasks-db's own lines (start, stop) on stderr, as its db_worker shows them."""
        logger = logging.getLogger("django_tasks_db")
        logger.setLevel({0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG))
        if not logger.handlers:
            logger.addHandler(logging.StreamHandler(sys.stderr))
