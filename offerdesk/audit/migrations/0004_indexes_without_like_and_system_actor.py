"""The audit trail's indexes: `action` without its LIKE twin (no query matches a prefix of it), the actor only
where there is one (the daily run writes a million system events on its worst day; ADR 18).

SQLite alters a column by rebuilding its table, which drops the table's triggers: the append-only guard is
put back after the change, both ways."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from offerdesk.audit.triggers import guard


def reguard(apps, schema_editor):  # type: ignore[no-untyped-def]
    guard(schema_editor, "audit_auditevent")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_refuse_delete_and_truncate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reguard),  # undone last: after the rebuild going back
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=80),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action"], name="audit_event_action"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)), fields=["actor"], name="audit_event_actor"
            ),
        ),
        migrations.RunPython(reguard, migrations.RunPython.noop),
    ]
