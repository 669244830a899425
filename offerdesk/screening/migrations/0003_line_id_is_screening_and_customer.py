"""A screening line's id is its screening and its customer (screening × 2**32 + customer, ADR 15, second
addendum): the primary key is the table's one index, and the (screening, customer) index goes. Stored lines and
the nominations made from them are renumbered first (the old ids are far below 2**32, so no new id meets an old
one). Going back keeps the numbers."""

import django.db.models.expressions
from django.db import migrations, models

SPAN = 2**32

RENUMBER = [
    f"UPDATE screening_screeningnomination SET line_id = (SELECT l.screening_id * {SPAN} + l.customer_id "
    "FROM screening_screeningline l WHERE l.id = screening_screeningnomination.line_id) "
    "WHERE line_id IN (SELECT id FROM screening_screeningline)",
    f"UPDATE screening_screeningline SET id = screening_id * {SPAN} + customer_id",
]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_usage_share_exact"),
        ("screening", "0002_one_line_per_customer"),
    ]

    operations = [
        migrations.RunSQL(RENUMBER, reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="screeningline", name="screening_line_by_customer"),
        migrations.AlterField(
            model_name="screeningline",
            name="id",
            field=models.BigIntegerField(
                help_text="The screening × 2**32 + the customer (LINE_SPAN).", primary_key=True, serialize=False
            ),
        ),
        migrations.AddConstraint(
            model_name="screeningline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("customer__gte", 0),
                    ("customer__lt", SPAN),
                    (
                        "id",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("screening"), "*", models.Value(SPAN)
                            ),
                            "+",
                            models.F("customer"),
                        ),
                    ),
                ),
                name="screening_line_id_is_screening_and_customer",
            ),
        ),
    ]
