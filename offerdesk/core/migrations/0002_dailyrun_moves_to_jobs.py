"""DailyRun moves to the jobs app: core forgets it, the table core_dailyrun and its rows stay (jobs 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("jobs", "0001_dailyrun_from_core"),  # jobs knows the model before core forgets it
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DailyRun")],
            database_operations=[],
        ),
    ]
