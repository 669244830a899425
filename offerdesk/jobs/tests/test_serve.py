"""`offerdesk serve` for real: gunicorn under production settings on a free loopback port, /healthz and a static
file through WhiteNoise, then a graceful stop that leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .processes import ROOT, kill_all, stop, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_answers_healthz_and_static_files_then_stops(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.production",
        "SECRET_KEY": "s" * 64 + "-a-production-like-key-for-this-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "OFFERDESK_VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "false",
        "OFFERDESK_BIND": f"127.0.0.1:{port}",
        "OFFERDESK_WEB_PROCESSES": "2",
        "OFFERDESK_WEB_THREADS": "2",
    }

    def manage(*args: str) -> None:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    # Given a deployment's steps: migrate, collect the static files, one daily run done
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage("daily")
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # When it is up
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base), timeout=60, what="the server to answer")
        # Then /healthz says healthy, as JSON
        status, headers, body = get(f"{base}/healthz")
        report = json.loads(body)
        assert (status, headers["Content-Type"]) == (200, "application/json"), body
        assert report["healthy"] is True and report["database"]["ok"] is True
        # and a static file comes from WhiteNoise, compressed and cacheable, under its hashed name
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["admin/css/base.css"]
        status, headers, body = get(f"{base}/static/{hashed}")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in headers["Cache-Control"]
        assert body == (tmp_path / "static" / hashed).read_bytes()
        assert get(f"{base}/static/admin/css/no-such.css")[0] == 404

        # and it runs the processes the settings ask for: a master and two workers (the second may still be
        # booting when the first answers, on a loaded machine)
        def group() -> list[str]:
            return subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout.split()

        wait_for(lambda: len(group()) == 3, timeout=30, what="a master and two workers")
        assert len(group()) == 3, group()
    finally:
        code = stop(server, sig=signal.SIGTERM)
        kill_all([server])
    # And SIGTERM stopped it gracefully, its worker processes with it
    assert code == 0, (tmp_path / "serve.log").read_text()
    wait_for(lambda: not group_alive(server.pid), timeout=10, what="the workers to go")
    assert "Booting worker" in (tmp_path / "serve.log").read_text()


def _answers(base: str) -> bool:
    try:
        return get(f"{base}/healthz")[0] in (200, 503)
    except OSError:
        return False
