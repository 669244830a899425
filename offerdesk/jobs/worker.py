"""`offerdesk worker`'s process: django-tasks-db's worker loop, plus a heartbeat thread that also takes up again
the tasks of workers that died (SIGKILL, a lost machine) once they have been silent for `dead_after`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from .services import tasks_recover, worker_beat, worker_gone

log = logging.getLogger(__name__)


class HeartbeatWorker(Worker):
    """The database worker with a heartbeat: claims with SKIP LOCKED (PostgreSQL) or an exclusive transaction
    (SQLite), so no task runs on two workers at once; beats every `heartbeat` seconds; recovers dead workers'
    tasks on each beat."""

    def __init__(self, *, heartbeat: float, dead_after: float, max_attempts: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat = heartbeat
        self.dead_after = dt.timedelta(seconds=dead_after)
        self.max_attempts = max_attempts
        self.hostname = socket.gethostname()
        self.pid = os.getpid()
        self._stop = threading.Event()

    def beat(self) -> None:
        """One heartbeat, then one look for dead workers' tasks."""
        worker_beat(worker_id=self.worker_id, hostname=self.hostname, pid=self.pid)
        tasks_recover(dead_after=self.dead_after, max_attempts=self.max_attempts)

    def _beat_forever(self) -> None:
        try:
            while not self._stop.wait(self.heartbeat):
                close_old_connections()
                try:
                    self.beat()
                except Exception:  # the database away for a moment: beat again next time
                    log.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connection.close()  # this thread's own connection

    def run_until_stopped(self) -> None:
        """Run in the foreground: SIGTERM, SIGINT or SIGQUIT finish the running task, then stop."""
        self.configure_signals()
        try:
            self.run()
        finally:
            self.reset_signals()

    def run(self) -> None:
        self.beat()  # alive before the first claim, and a restarted machine frees its dead tasks at once
        beater = threading.Thread(target=self._beat_forever, name=f"heartbeat-{self.worker_id}", daemon=True)
        beater.start()
        try:
            super().run()
        finally:
            self._stop.set()
            beater.join(timeout=self.heartbeat + 5)
            close_old_connections()
            worker_gone(worker_id=self.worker_id)
