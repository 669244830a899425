"""`offerdesk run`: the web server, a worker and the schedule together on one machine; one Ctrl-C stops all."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from offerdesk.core.cli import OfferDeskCommand
from offerdesk.jobs.supervisor import supervise


class Command(OfferDeskCommand):
    help = (
        "Start the web server (`serve`, or `runserver` with --reload), a worker and the schedule together, "
        "their output prefixed with their names, on the database queue. Ctrl-C (SIGINT) or SIGTERM stops all "
        "three; so does one of them exiting. For one machine: `make run`."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="host:port of the web server (OFFERDESK_BIND).")
        parser.add_argument("--reload", action="store_true", help="Django's runserver, reloading on code changes.")

    def run(self, **options: Any) -> None:
        bind = options["bind"] or settings.OFFERDESK_BIND
        manage = [sys.executable, "-m", "offerdesk.manage"]
        web = [*manage, "runserver", bind] if options["reload"] else [*manage, "serve", "--bind", bind]
        env = {**os.environ, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "PYTHONUNBUFFERED": "1"}
        self.say(f"web on http://{bind}/, a worker and the schedule; Ctrl-C stops all three")
        code = supervise(
            {"web": web, "worker": [*manage, "worker"], "schedule": [*manage, "schedule"]},
            env=env,
            out=sys.stdout,
        )
        if code:
            raise CommandError("one of the processes stopped: stopped the others")
