"""The shape every `offerdesk` command shares: --help, exit status 0 / 1 / 2, --json, progress on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from offerdesk.core.cli import OfferDeskCommand, Progress, json_line, main_argv

ROOT = Path(__file__).resolve().parents[3]


def offerdesk_commands() -> list[tuple[str, str]]:
    return sorted((name, app) for name, app in get_commands().items() if app.startswith("offerdesk."))


def offerdesk(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OFFERDESK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.test"}
    env.pop("DATABASE_URL", None)  # a throwaway SQLite file: these runs never touch the test database
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(("name", "app"), offerdesk_commands())
def test_every_offerdesk_command_has_the_common_shape_and_a_help(name: str, app: str) -> None:
    command = load_command_class(app, name)
    assert isinstance(command, OfferDeskCommand), f"{name} ({app}) does not build on offerdesk.core.cli"
    text = command.create_parser("offerdesk", name).format_help()
    assert command.help and command.help.split()[0] in text
    if command.supports_json:
        assert "--json" in text


def test_the_commands_the_issue_lists_are_there() -> None:
    names = dict(offerdesk_commands())
    for name in (
        "daily",
        "demo",
        "parameter",
        "db_roles",
        "worker",
        "schedule",
        "health",
        "serve",
        "run",
        "export_audit",
        "outbox",
    ):
        assert name in names, name


def test_exit_status_is_0_done_1_refused_2_usage(tmp_path: Path) -> None:
    assert offerdesk("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    helped = offerdesk("daily", "--help", tmp_path=tmp_path)
    assert (helped.returncode, "--date" in helped.stdout) == (0, True)
    done = offerdesk("daily", "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"expired", "referrals_lapsed", "reminders", "sla_alerts", "emails_sent"}
    refused = offerdesk("daily", "--date", "x", "--json", tmp_path=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "CommandError: on: a date is written YYYY-MM-DD, not 'x' (OD-IN-01)"
    assert json.loads(refused.stdout) == {
        "ok": False,
        "error": "on: a date is written YYYY-MM-DD, not 'x' (OD-IN-01)",
        "rules": ["OD-IN-01"],
    }
    wrong_option = offerdesk("daily", "--dat", "2024-01-01", "--bogus", tmp_path=tmp_path)
    assert wrong_option.returncode == 2
    assert "unrecognized arguments: --bogus" in wrong_option.stderr
    unknown = offerdesk("no-such-command", tmp_path=tmp_path)
    assert unknown.returncode == 2
    assert "Unknown command: 'no-such-command'" in unknown.stderr


def test_a_hyphenated_name_is_the_command_with_underscores() -> None:
    known = {"export_audit": "offerdesk.audit", "daily": "offerdesk.jobs"}
    assert main_argv(["offerdesk", "export-audit", "--from", "2024-01-01"], known) == [
        "offerdesk",
        "export_audit",
        "--from",
        "2024-01-01",
    ]
    assert main_argv(["offerdesk", "no-such"], known) == ["offerdesk", "no-such"]
    assert main_argv(["offerdesk", "--help"], known) == ["offerdesk", "--help"]


class _Stream(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_progress_counts_and_shows_the_rate_on_its_stream() -> None:
    stream = _Stream()
    bar = Progress(label="rows", total=4, stream=stream, enabled=True, every=0.0)
    for _ in range(4):
        bar.advance()
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("rows: 1/4 25% (")
    assert lines[-1].startswith("rows: 4/4 100% (") and lines[-1].endswith("/s)")
    assert bar.done == 4


def test_quiet_progress_writes_nothing() -> None:
    stream = _Stream()
    bar = Progress(label="rows", total=None, stream=stream, enabled=False, every=0.0)
    bar.advance(10)
    bar.close()
    assert (stream.getvalue(), bar.line().split(" (")[0]) == ("", "rows: 10")


def test_json_lines_take_dates_decimals_and_sets() -> None:
    import datetime as dt
    from decimal import Decimal

    data: dict[str, Any] = {"on": dt.date(2024, 4, 4), "amount": Decimal("1.50"), "tags": {"b", "a"}}
    assert json.loads(json_line(data)) == {"on": "2024-04-04", "amount": "1.50", "tags": ["a", "b"]}
