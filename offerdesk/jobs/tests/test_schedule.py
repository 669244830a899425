"""The schedule (once per program day, missed days caught up), dead workers' tasks taken up again, old results
pruned: the services behind `offerdesk schedule` and `offerdesk worker`, in one process."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from offerdesk.audit.models import AuditEvent
from offerdesk.jobs.models import DailyRun, ScheduledRun, WorkerBeat
from offerdesk.jobs.services import schedule_due, schedule_tick, task_results_prune, tasks_recover, worker_beat
from tests.factories import moment, on

D = dt.date.fromisoformat


def slots() -> list[tuple[str, str]]:
    return [(s.job, s.run_date.isoformat()) for s in ScheduledRun.objects.order_by("job", "run_date")]


def task_row(*, status: str, started: dt.datetime | None = None, workers: list[str] | None = None, **kw: Any) -> Any:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="offerdesk.jobs.tasks.task_results_prune_task",
        backend_name="default",
        run_after=moment("2024-04-04"),
        started_at=started,
        worker_ids=workers or [],
        **kw,
    )


@pytest.mark.django_db
def test_the_first_tick_enqueues_today_only_and_a_second_nothing() -> None:
    with on("2024-04-04", "09:00"):
        first = schedule_tick()
        again = schedule_tick()
    assert [(s.job, s.run_date) for s in first] == [
        ("daily", D("2024-04-04")),
        ("prune", D("2024-04-04")),
        ("statements", D("2024-04-04")),
    ]
    assert again == []
    assert list(DailyRun.objects.values_list("run_date", flat=True)) == [D("2024-04-04")]  # run (immediate queue)


@pytest.mark.django_db
def test_before_the_daily_hour_the_day_is_not_due_yet_and_the_day_follows_the_program_time_zone() -> None:
    # 00:30 in Los Angeles is 08:30 UTC: still the day before for the schedule (OFFERDESK_DAILY_AT 01:00)
    assert schedule_due(now=moment("2024-04-04", "00:30"))[-1] == D("2024-04-03")
    assert schedule_due(now=moment("2024-04-04", "01:00"))[-1] == D("2024-04-04")
    # 23:30 on the 4th in Los Angeles is already the 5th in UTC: the program's day is the 4th
    assert schedule_due(now=moment("2024-04-04", "23:30"))[-1] == D("2024-04-04")


@pytest.mark.django_db
def test_missed_days_are_caught_up_oldest_first_each_day_once() -> None:
    # Given the daily jobs last enqueued on April 1st, and nothing since (the machines were off)
    with on("2024-04-01", "09:00"):
        schedule_tick()
    # When the schedule ticks again on the 4th
    with on("2024-04-04", "09:00"):
        caught_up = schedule_tick()
    # Then the 2nd, 3rd and 4th are enqueued, oldest first, and each day's run happened once
    assert [(s.job, str(s.run_date)) for s in caught_up] == [
        ("daily", "2024-04-02"),
        ("daily", "2024-04-03"),
        ("daily", "2024-04-04"),
        ("prune", "2024-04-02"),
        ("prune", "2024-04-03"),
        ("prune", "2024-04-04"),
        ("statements", "2024-04-02"),
        ("statements", "2024-04-03"),
        ("statements", "2024-04-04"),
    ]
    runs = DailyRun.objects.order_by("run_date")
    assert [str(r.run_date) for r in runs] == ["2024-04-01", "2024-04-02", "2024-04-03", "2024-04-04"]
    assert all(r.finished_at is not None for r in runs)


@pytest.mark.django_db
@override_settings(OFFERDESK_SCHEDULE_CATCH_UP_DAYS=3)
def test_catching_up_goes_back_no_further_than_the_setting() -> None:
    with on("2024-03-01", "09:00"):
        schedule_tick()
    with on("2024-04-04", "09:00"):
        caught_up = schedule_tick()
    assert [str(s.run_date) for s in caught_up if s.job == "daily"] == ["2024-04-02", "2024-04-03", "2024-04-04"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_schedulers_ticking_at_once_enqueue_each_day_once() -> None:
    # Given four schedulers (threads, each with its own connection) ticking at the same moment
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=30)
            with on("2024-04-04", "09:00"):
                schedule_tick()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    # Then each job was enqueued once for the day, one task each
    assert errors == []
    assert slots() == [("daily", "2024-04-04"), ("prune", "2024-04-04"), ("statements", "2024-04-04")]
    assert DBTaskResult.objects.count() == 3
    assert set(ScheduledRun.objects.values_list("task_id", flat=True)) == {
        str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)
    }


@pytest.mark.django_db
def test_a_running_task_of_a_silent_worker_goes_back_to_the_queue() -> None:
    with on("2024-04-04", "09:00"):
        worker_beat(worker_id="alive", hostname="h", pid=1)
    dead = task_row(status=TaskResultStatus.RUNNING, started=moment("2024-04-04", "08:00"), workers=["dead"])
    busy = task_row(status=TaskResultStatus.RUNNING, started=moment("2024-04-04", "08:00"), workers=["alive"])
    fresh = task_row(status=TaskResultStatus.RUNNING, started=moment("2024-04-04", "08:59:50"), workers=["new"])
    with on("2024-04-04", "09:00:30"):
        counts = tasks_recover(dead_after=dt.timedelta(seconds=60), max_attempts=3)
    assert counts == {"requeued": 1, "failed": 0}
    statuses = {t.pk: (t.status, t.started_at) for t in DBTaskResult.objects.all()}
    assert statuses[dead.pk] == (TaskResultStatus.READY, None)
    assert statuses[busy.pk][0] == statuses[fresh.pk][0] == TaskResultStatus.RUNNING
    event = AuditEvent.objects.get(action="task.requeued")
    assert event.data == {"task": str(dead.pk), "path": dead.task_path, "workers": ["dead"]}


@pytest.mark.django_db
def test_a_task_that_killed_its_worker_max_attempts_times_fails_rather_than_loops() -> None:
    poison = task_row(status=TaskResultStatus.RUNNING, started=moment("2024-04-04", "08:00"), workers=["a", "b", "c"])
    with on("2024-04-04", "09:00"):
        assert tasks_recover(dead_after=dt.timedelta(seconds=60), max_attempts=3) == {"requeued": 0, "failed": 1}
        assert tasks_recover(dead_after=dt.timedelta(seconds=60), max_attempts=3) == {"requeued": 0, "failed": 0}
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert poison.exception_class_path == "offerdesk.jobs.services.WorkerDied"
    assert "its worker died 3 times" in poison.traceback


@pytest.mark.django_db
@override_settings(OFFERDESK_TASK_RESULTS_KEEP_DAYS=14)
def test_old_finished_results_are_pruned_and_nothing_pending() -> None:
    old, recent = moment("2024-03-01"), moment("2024-03-30")
    gone = [
        task_row(status=TaskResultStatus.SUCCESSFUL, finished_at=old),
        task_row(status=TaskResultStatus.FAILED, finished_at=old),
    ]
    kept = [
        task_row(status=TaskResultStatus.SUCCESSFUL, finished_at=recent),
        task_row(status=TaskResultStatus.READY),
        task_row(status=TaskResultStatus.RUNNING, started=old, workers=["x"]),
    ]
    with on("2024-03-01"):
        worker_beat(worker_id="long-gone", hostname="h", pid=1)
    with on("2024-04-04"):
        worker_beat(worker_id="alive", hostname="h", pid=2)
        assert task_results_prune() == {"task_results": 2, "worker_beats": 1}
    assert set(DBTaskResult.objects.values_list("id", flat=True)) == {t.pk for t in kept}
    assert {t.pk for t in gone}.isdisjoint(DBTaskResult.objects.values_list("id", flat=True))
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["alive"]


@pytest.mark.django_db
def test_schedule_once_prints_what_it_enqueued_as_json() -> None:
    out = io.StringIO()
    with on("2024-04-04", "09:00"):
        call_command("schedule", "--once", "--json", stdout=out)
    enqueued = json.loads(out.getvalue())
    assert [(s["job"], s["on"]) for s in enqueued] == [
        ("daily", "2024-04-04"),
        ("prune", "2024-04-04"),
        ("statements", "2024-04-04"),
    ]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_task_that_cannot_be_done_fails_cleanly_and_the_worker_carries_on() -> None:
    from offerdesk.jobs.tasks import daily_run_task

    # Given a task for a day that does not exist, queued before a sound one
    bad = daily_run_task.enqueue(on="2024-02-30")
    good = daily_run_task.enqueue(on="2024-04-03")
    # When a worker works the queue
    with on("2024-04-04", "09:00"):
        call_command("worker", "--batch", "--worker-id", f"t-{uuid.uuid4().hex[:8]}", verbosity=0)
    # Then the bad one failed with its reason, and the next one ran
    statuses = {r.pk: r for r in DBTaskResult.objects.all()}
    assert statuses[uuid.UUID(bad.id)].status == TaskResultStatus.FAILED
    assert "no such date" in statuses[uuid.UUID(bad.id)].traceback
    assert statuses[uuid.UUID(good.id)].status == TaskResultStatus.SUCCESSFUL
    assert list(DailyRun.objects.values_list("run_date", flat=True)) == [D("2024-04-03")]


def test_the_worker_refuses_a_queue_that_is_not_the_database() -> None:
    # the test settings' immediate backend: there is nothing for a worker to poll
    with pytest.raises(CommandError, match=r"TASKS_BACKEND is .*ImmediateBackend: the worker needs") as refused:
        call_command("worker", "--batch", verbosity=0)
    assert refused.value.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--max-tasks", "0"), "--max-tasks: at least 1"),
        (("--heartbeat", "0"), "--heartbeat: more than 0 seconds, not 0.0"),
        (("--dead-after", "-1"), "--dead-after: more than 0 seconds, not -1.0"),
    ],
)
def test_the_worker_refuses_nonsense_timings_as_usage(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("worker", *args, verbosity=0)
    assert refused.value.returncode == 2
