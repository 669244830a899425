"""`offerdesk run` (what `make run` starts): the web server, a worker and the schedule come up together on the
SQLite default, do their work (the schedule enqueues the day's run, the worker runs it, /healthz turns healthy),
and one SIGINT (Ctrl-C) stops all three, leaving no process behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from .processes import ROOT, kill_all, stop, wait_for
from .test_serve import free_port, get


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def started(log: Path) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", log.read_text())}


def start_stack(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, str]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.dev",
        "OFFERDESK_VAR_DIR": str(tmp_path),
        "OFFERDESK_WORKER_HEARTBEAT": "0.5",
        "OFFERDESK_SCHEDULE_INTERVAL": "1",
        "OFFERDESK_WEB_PROCESSES": "1",
        "OFFERDESK_WEB_THREADS": "2",
    }
    env.pop("DATABASE_URL", None)  # the SQLite default under OFFERDESK_VAR_DIR
    done = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    log = tmp_path / "run.log"
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "run", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return stack, log, f"http://127.0.0.1:{port}"


def healthy(base: str) -> dict[str, object] | None:
    try:
        status, _, body = get(f"{base}/healthz")
    except OSError:
        return None
    return json.loads(body) if status == 200 else None


def test_run_starts_web_worker_and_schedule_and_one_sigint_stops_all(tmp_path: Path) -> None:
    stack, log, base = start_stack(tmp_path)
    try:
        # Given the three processes started
        pids = wait_for(lambda: len(started(log)) == 3 and started(log), timeout=60, what="three processes")
        assert set(pids) == {"web", "worker", "schedule"}
        # When they have had a moment: the schedule enqueued today's run, the worker ran it, the web answers
        report = wait_for(lambda: healthy(base), timeout=120, what="/healthz to turn healthy", every=0.5)
        assert report["workers"] == {"alive": 1}
        assert all(alive(pid) for pid in pids.values())
        # Then one SIGINT (what Ctrl-C sends) stops all three, and the supervisor says so
        code = stop(stack, sig=signal.SIGINT, timeout=30)
    finally:
        kill_all([stack])
    text = log.read_text()
    assert code == 0, text
    assert not [name for name, pid in pids.items() if alive(pid)], text
    assert "SIGINT: stopped all" in text
    assert re.search(r"schedule\s*\| schedule: enqueued daily for ", text)


def test_when_one_process_dies_the_others_are_stopped_too(tmp_path: Path) -> None:
    stack, log, _ = start_stack(tmp_path)
    try:
        pids = wait_for(lambda: len(started(log)) == 3 and started(log), timeout=60, what="three processes")
        os.kill(pids["worker"], signal.SIGKILL)
        code = stack.wait(timeout=60)
    finally:
        kill_all([stack])
    assert code == 1
    assert not [name for name, pid in pids.items() if alive(pid)]
    assert "worker exited with status -9: stopped all" in log.read_text()
