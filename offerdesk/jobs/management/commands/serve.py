"""`offerdesk serve`: the production web server (gunicorn; ADR 17), static files through WhiteNoise."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from gunicorn.app.base import BaseApplication

from offerdesk.core.cli import OfferDeskCommand, refuse_usage


class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn with its options from OfferDesk's settings rather than its own command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from offerdesk.config.wsgi import application

        return application


class Command(OfferDeskCommand):
    help = (
        "Serve the web application with gunicorn: OFFERDESK_WEB_PROCESSES processes of OFFERDESK_WEB_THREADS "
        "threads each, listening on OFFERDESK_BIND; static files (after `offerdesk collectstatic`) through "
        "WhiteNoise. SIGTERM or Ctrl-C stops it gracefully."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="host:port or unix:PATH (OFFERDESK_BIND).")
        parser.add_argument("--processes", type=int, help="Worker processes (OFFERDESK_WEB_PROCESSES).")
        parser.add_argument("--threads", type=int, help="Threads per process (OFFERDESK_WEB_THREADS).")

    def run(self, **options: Any) -> None:
        processes = settings.OFFERDESK_WEB_PROCESSES if options["processes"] is None else options["processes"]
        threads = settings.OFFERDESK_WEB_THREADS if options["threads"] is None else options["threads"]
        if processes < 1 or threads < 1:
            raise refuse_usage("--processes and --threads: at least 1")
        bind = options["bind"] or settings.OFFERDESK_BIND
        self.say(f"serving on {bind}: {processes} processes × {threads} threads")
        sys.stdout.flush()
        _Server(
            {
                "bind": [bind],
                "workers": processes,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": settings.OFFERDESK_WEB_TIMEOUT,
                "graceful_timeout": 30,
                "accesslog": "-",
                "errorlog": "-",
                "forwarded_allow_ips": "*" if settings.OFFERDESK_BEHIND_PROXY else "127.0.0.1,::1",
                "proc_name": "offerdesk",
            }
        ).run()
