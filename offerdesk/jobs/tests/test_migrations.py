"""DailyRun moved from core to jobs by a state-only migration: no table is recreated, the rows stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from offerdesk.jobs.models import DailyRun

OLD_STATE = [("jobs", None)]  # unapplies core 0002 with it: core still owns DailyRun


def test_a_fresh_database_keeps_the_daily_runs_in_core_dailyrun(db: None) -> None:
    tables = connection.introspection.table_names()
    assert DailyRun._meta.db_table == "core_dailyrun"
    assert "core_dailyrun" in tables and "jobs_dailyrun" not in tables


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_state_migrates_forward_with_its_runs() -> None:
    # Given a database where core still owns DailyRun, holding a run and the permissions on it
    executor = MigrationExecutor(connection)
    old_apps = executor.migrate(OLD_STATE).apps
    old_run = old_apps.get_model("core", "DailyRun")
    old_run.objects.create(run_date=dt.date(2024, 4, 5), started_at=dt.datetime(2024, 4, 5, 19, tzinfo=dt.UTC))
    ContentType.objects.filter(app_label="jobs", model="dailyrun").update(app_label="core")
    old_type = ContentType.objects.get(app_label="core", model="dailyrun")

    # When it migrates forward
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Then jobs reads the same rows from the same table, and the content type (with its permissions) followed
    assert list(DailyRun.objects.values_list("run_date", flat=True)) == [dt.date(2024, 4, 5)]
    assert ContentType.objects.get_for_model(DailyRun).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="core", model="dailyrun").exists()
