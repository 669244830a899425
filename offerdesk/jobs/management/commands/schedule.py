"""`offerdesk schedule [--once] [--json]`: enqueue each daily job once per program day (ADR 16)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import close_old_connections

from offerdesk.core.cli import OfferDeskCommand, refuse_usage
from offerdesk.jobs.services import schedule_tick

log = logging.getLogger("offerdesk.jobs")


class Command(OfferDeskCommand):
    help = (
        "Every OFFERDESK_SCHEDULE_INTERVAL seconds, enqueue each daily job (the daily run, the pruning of old task "
        "results) once for each program day due, after OFFERDESK_DAILY_AT in the program time zone, catching up "
        "missed days. Any number may run side by side: each day's job is enqueued once. Workers run the jobs."
    )
    supports_json = True

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, then stop.")
        parser.add_argument("--interval", type=float, help="Seconds between ticks (OFFERDESK_SCHEDULE_INTERVAL).")

    def run(self, **options: Any) -> list[dict[str, Any]] | None:
        if options["once"]:
            return self._tick()
        interval = settings.OFFERDESK_SCHEDULE_INTERVAL if options["interval"] is None else options["interval"]
        if interval <= 0:
            raise refuse_usage(f"--interval: more than 0 seconds, not {interval}")
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, _stop)
        self.say(f"schedule: daily jobs after {settings.OFFERDESK_DAILY_AT:%H:%M} {settings.TIME_ZONE}")
        while not stop.is_set():
            close_old_connections()
            try:
                self._tick()
            except Exception:  # the database away for a moment: tick again next time
                log.exception("schedule: tick failed")
            stop.wait(interval)
        self.say("schedule: stopped")
        return None

    def _tick(self) -> list[dict[str, Any]]:
        slots = [{"job": s.job, "on": s.run_date, "enqueued_at": s.enqueued_at} for s in schedule_tick()]
        for slot in slots:
            self.say(f"schedule: enqueued {slot['job']} for {slot['on']}")
        return slots
