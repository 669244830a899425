"""The audit trail and the ledger refuse DELETE on SQLite too, and TRUNCATE on PostgreSQL.

0002 left both open because the tests reset their database with them; transactional tests now run in a
throwaway database instead (the root conftest), so nothing needs to empty these tables ever."""

from django.db import migrations

from offerdesk.audit.triggers import guard, unguard

TABLES = ("audit_auditevent", "payouts_payment")
NEW = ("_no_delete", "_no_truncate")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    guard(schema_editor, *TABLES, only=NEW)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    unguard(schema_editor, *TABLES, only=NEW)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
