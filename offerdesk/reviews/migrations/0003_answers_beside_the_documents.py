"""A partner's answer attachment is stored beside the documents (the documents' storage: private, served only
through the portal's checks) rather than in the default storage; files already stored are copied across."""

from django.core.files.storage import default_storage
from django.db import migrations, models

import offerdesk.documents.models


def copy_across(apps, schema_editor):  # type: ignore[no-untyped-def]
    documents = offerdesk.documents.models.document_storage()
    decisions = apps.get_model("reviews", "Decision").objects.exclude(attachment="").values_list("attachment", flat=True)
    for name in decisions.iterator():
        if not documents.exists(name) and default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                documents.save(name, handle)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_decision_attachment"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="attachment",
            field=models.FileField(
                blank=True, max_length=200, storage=offerdesk.documents.models.document_storage, upload_to="answers/"
            ),
        ),
        migrations.RunPython(copy_across, migrations.RunPython.noop),
    ]
