"""DailyRun, moved here from core: the state learns the model, the database keeps the table core_dailyrun."""

from typing import Any

from django.db import migrations, models


def _move_content_type(apps: Any, schema_editor: Any, *, source: str, target: str) -> None:
    # Permissions granted on the old content type follow the model instead of pointing at a stale one.
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=target, model="dailyrun").exists():
        content_type.objects.filter(app_label=source, model="dailyrun").update(app_label=target)


def content_type_to_jobs(apps: Any, schema_editor: Any) -> None:
    _move_content_type(apps, schema_editor, source="core", target="jobs")


def content_type_to_core(apps: Any, schema_editor: Any) -> None:
    _move_content_type(apps, schema_editor, source="jobs", target="core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0001_initial"),  # creates the table core_dailyrun
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("run_date", models.DateField(unique=True)),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("summary", models.JSONField(default=dict)),
                    ],
                    options={"db_table": "core_dailyrun"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_jobs, content_type_to_core),
    ]
