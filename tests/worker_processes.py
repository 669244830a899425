"""Real worker processes (`offerdesk worker`, as a deployment runs them) on the test's own database, for tests
that kill them: the database the running (transactional) test uses, reached by a URL, and settings from the
environment as a deployment has them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the database this (transactional) test is connected to: its throwaway copy (the same for
    the worker processes of these tests and of the jobs' tests, `offerdesk/jobs/tests/processes.py`)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or "5432"
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def worker_env(*, smtp_port: int, **extra: Any) -> dict[str, str]:
    """A worker's environment: the test's database, the database task queue, SMTP to the test's server."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.dev",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
        **{key: str(value) for key, value in extra.items()},
    }


def start_worker(env: dict[str, str], *, log: Path | None = None) -> subprocess.Popen[bytes]:
    """One `offerdesk worker` process, polling the queue every 0.1 s; what it logs is appended to `log` (or
    dropped), never left in a pipe nobody reads (a full pipe would stall it)."""
    command = [sys.executable, "-m", "offerdesk.manage", "worker", "--interval", "0.1"]
    if log is None:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)


def stop_worker(worker: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """SIGKILL it (`kill`), or ask it to stop and kill it if it will not; always reaped."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
