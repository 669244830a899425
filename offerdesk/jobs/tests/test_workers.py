"""Several real `offerdesk worker` processes on one database: no task runs twice, a dead worker's task is taken
up again, the scheduled daily runs each run once per day. The counts come from outside the database too (files
the probe task leaves), so a double run cannot hide."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.db import close_old_connections
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offerdesk.audit.models import AuditEvent
from offerdesk.jobs.models import DailyRun, ScheduledRun, WorkerBeat
from offerdesk.jobs.services import schedule_due, schedule_tick

from .probe import probe, runs
from .processes import kill_all, start_worker, stop, wait_for

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_queue")]


@pytest.fixture
def database_queue() -> Iterator[None]:
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def beating(names: set[str]) -> bool:
    close_old_connections()
    return names <= set(WorkerBeat.objects.values_list("worker_id", flat=True))


def started(folder: Path, attempts: int) -> bool:
    return len(runs(folder, 7, "start")) == attempts


def all_finished() -> bool:
    return not DBTaskResult.objects.exclude(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).exists()


def test_three_workers_share_the_queue_and_no_task_runs_twice(tmp_path: Path) -> None:
    # Given three workers beating side by side on the database
    names = {"w1", "w2", "w3"}
    workers = [start_worker(tmp_path, name) for name in sorted(names)]
    try:
        wait_for(lambda: beating(names), timeout=90, what="three workers to beat")
        # and a day's daily jobs last enqueued three days ago (the machines were down since)
        days = schedule_due(now=timezone.now())
        for job in ("daily", "prune", "statements"):
            ScheduledRun.objects.create(job=job, run_date=days[-1] - dt.timedelta(days=3), enqueued_at=timezone.now())
        # When 90 probe tasks are enqueued and the schedule ticks (twice: the second finds nothing to do)
        folder = tmp_path / "runs"
        folder.mkdir()
        for n in range(90):
            probe.enqueue(n=n, folder=str(folder), seconds=0.05)
        slots = schedule_tick()
        assert schedule_tick() == []
        wait_for(all_finished, timeout=180, what="every task to finish", every=0.25)
        # Then every probe ran exactly once, started once and finished once, and every worker took some
        starts = {n: runs(folder, n, "start") for n in range(90)}
        dones = {n: runs(folder, n, "done") for n in range(90)}
        assert {n: len(pids) for n, pids in starts.items()} == dict.fromkeys(range(90), 1)
        assert {n: len(pids) for n, pids in dones.items()} == dict.fromkeys(range(90), 1)
        assert {pid for pids in starts.values() for pid in pids} == {w.pid for w in workers}
        results = DBTaskResult.objects.all()
        assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
        assert all(len(r.worker_ids) == 1 for r in results)
        # and the missed days were caught up, oldest first, each day's run once
        missed = [days[-1] - dt.timedelta(days=n) for n in (2, 1, 0)]
        assert [(s.job, s.run_date) for s in slots] == [
            (job, d) for job in ("daily", "prune", "statements") for d in missed
        ]
        assert sorted(DailyRun.objects.filter(finished_at__isnull=False).values_list("run_date", flat=True)) == missed
    finally:
        codes = [stop(w) for w in workers]
        kill_all(workers)
    # And SIGTERM stopped each worker cleanly, taking its heartbeat with it
    assert codes == [0, 0, 0]
    close_old_connections()
    assert not WorkerBeat.objects.exists()


def test_a_task_whose_worker_was_killed_is_taken_up_again_after_the_timeout(tmp_path: Path) -> None:
    # Given a task whose first two attempts hang, and a worker that takes it
    folder = tmp_path / "runs"
    folder.mkdir()
    result = probe.enqueue(n=7, folder=str(folder), hang_first=2)
    killed: list[int] = []
    workers = [start_worker(tmp_path, "first")]
    try:
        for attempt, name in enumerate(("second", "third"), start=1):
            wait_for(partial(started, folder, attempt), timeout=90, what=f"attempt {attempt}")
            # When its worker is killed outright mid-task (no clean-up can run)
            os.kill(workers[-1].pid, signal.SIGKILL)
            assert workers[-1].wait(timeout=10) == -signal.SIGKILL
            killed.append(workers[-1].pid)
            close_old_connections()
            assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.RUNNING
            # and another worker starts
            workers.append(start_worker(tmp_path, name))
        # Then, once the dead worker has been silent for --dead-after, the task runs again, and the third try ends
        wait_for(lambda: runs(folder, 7, "done"), timeout=120, what="the task to finish")
        wait_for(all_finished, timeout=30, what="the result to be recorded")
    finally:
        for worker in workers:
            stop(worker)
        kill_all(workers)
    task = DBTaskResult.objects.get(id=result.id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["first", "second", "third"]
    assert runs(folder, 7, "start") == sorted([*killed, workers[-1].pid])
    assert runs(folder, 7, "done") == [workers[-1].pid]
    requeued = AuditEvent.objects.filter(action="task.requeued").order_by("id")
    assert [e.data["workers"] for e in requeued] == [["first"], ["first", "second"]]
