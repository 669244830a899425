"""Vouchers change status without touching an index: the expiry index no longer names `status`, and on PostgreSQL
each page keeps half its room free, so that an UPDATE of status (or of what is committed against a voucher) is a
HOT update — the new row version goes on the same page and no index is written (ADR 18).

The fillfactor applies to pages written from now on; an existing table gets it on its next rewrite
(`VACUUM FULL vouchers_voucher`, in a maintenance window: it locks the table)."""

from django.db import migrations, models

TABLE = "vouchers_voucher"


def keep_room(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def fill_pages(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0002_voucher_indexes_for_the_daily_run"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="voucher", name="voucher_live_expiry"),
        migrations.AddIndex(
            model_name="voucher",
            index=models.Index(fields=["expiry_date"], name="voucher_expiry"),
        ),
        migrations.RunPython(keep_room, fill_pages),
    ]
