"""Real `offerdesk` processes for the tests: workers, the schedule, servers on the database the test is using."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.worker_processes import database_url

ROOT = Path(__file__).resolve().parents[3]


def process_env(var: Path, **extra: str) -> dict[str, str]:
    """Development settings with the database queue, on the test's database, its files under `var`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.dev",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "OFFERDESK_VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def start(*args: str, var: Path, log: str, **extra: str) -> subprocess.Popen[bytes]:
    """Start `python manage.py ARGS` in its own process group; its output goes to var/LOG."""
    var.mkdir(parents=True, exist_ok=True)
    out = (var / log).open("wb")
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(var, **extra),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(var: Path, name: str, *, heartbeat: float = 0.5, dead_after: float = 2.0) -> subprocess.Popen[bytes]:
    return start(
        "worker",
        "--worker-id",
        name,
        "--interval",
        "0.1",
        "--heartbeat",
        str(heartbeat),
        "--dead-after",
        str(dead_after),
        var=var,
        log=f"{name}.log",
    )


def wait_for(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.1) -> Any:
    """Poll `check` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal a process and wait for it; kill its whole group if it will not stop."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            raise
    return process.returncode


def kill_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Leave nothing running, whatever the test did."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
