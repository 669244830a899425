"""`offerdesk health` and `/healthz`: the database, the queue, the outbox, the workers, the last daily run."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from offerdesk.jobs.selectors import health_report
from offerdesk.jobs.services import daily_run, worker_beat
from offerdesk.notifications.models import OutboxMessage
from tests.factories import moment, on

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting_message(at: str) -> OutboxMessage:
    with on(at):
        return OutboxMessage.objects.create(kind="referral", to=["a@example.com"], subject="s", body_text="b")


@pytest.mark.django_db
def test_a_fresh_database_is_up_but_unhealthy_until_a_daily_run_finishes() -> None:
    with on("2024-04-04", "09:00"):
        report = health_report()
        assert report["database"]["ok"] is True
        assert (report["healthy"], report["problems"]) == (
            False,
            ["daily run: none has finished yet (is `offerdesk schedule` running?)"],
        )
        daily_run()
        report = health_report()
    assert (report["healthy"], report["problems"]) == (True, [])
    assert report["daily_run"]["last_run_date"].isoformat() == "2024-04-04"
    assert report["queue"] == {"depth": 0, "running": 0, "oldest_pending_age_s": None, "failed_last_day": 0}


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE, OFFERDESK_HEALTH_MAX_TASK_AGE=600, OFFERDESK_HEALTH_MAX_MESSAGE_AGE=3600)
def test_a_task_or_an_email_waiting_too_long_and_a_daily_run_days_behind_are_problems() -> None:
    from offerdesk.jobs.tasks import task_results_prune_task

    with on("2024-04-01", "09:00"):
        daily_run()
    with on("2024-04-04", "08:00"):
        task_results_prune_task.enqueue(on="2024-04-04")
        DBTaskResult.objects.update(enqueued_at=moment("2024-04-04", "08:00"))
    waiting_message("2024-04-04 07:00")
    with on("2024-04-04", "09:00"):
        worker_beat(worker_id="w", hostname="h", pid=1)
        report = health_report()
    assert report["queue"]["depth"] == 1
    assert report["queue"]["oldest_pending_age_s"] == 3600.0
    assert report["outbox"] == {"pending": 1, "oldest_pending_age_s": 7200.0}
    assert report["workers"] == {"alive": 1}
    assert report["problems"] == [
        "queue: the oldest ready task waits 3600s (over 600s: is a worker running?)",
        "outbox: the oldest pending message waits 7200s (over 3600s)",
        "daily run: the last finished is 2024-04-01, 3 days before 2024-04-04",
    ]
    assert report["healthy"] is False


@pytest.mark.django_db
def test_healthz_answers_json_200_when_healthy_and_503_when_not(client: Client) -> None:
    unhealthy = client.get("/healthz")
    assert (unhealthy.status_code, unhealthy["Content-Type"]) == (503, "application/json")
    assert unhealthy.json()["healthy"] is False
    assert "no-cache" in unhealthy["Cache-Control"]
    daily_run()
    healthy = client.get("/healthz")
    body: dict[str, Any] = healthy.json()
    assert healthy.status_code == 200 and body["healthy"] is True
    assert set(body) == {"healthy", "problems", "checked_at", "database", "queue", "outbox", "workers", "daily_run"}
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_the_command_exits_1_when_unhealthy_and_prints_the_report_as_json() -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("health", "--json", stdout=out)
    assert refused.value.returncode == 1
    assert str(refused.value) == "unhealthy: daily run: none has finished yet (is `offerdesk schedule` running?)"
    assert json.loads(out.getvalue())["healthy"] is False
    daily_run()
    out = io.StringIO()
    call_command("health", stdout=out)
    assert out.getvalue().splitlines()[-1] == "healthy"
