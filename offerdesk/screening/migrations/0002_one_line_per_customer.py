"""One screening line per customer, with every offer's result side by side (ADR 15, addendum), and the
nominations made from a line in a table of their own (a line is nominated from once per offer).

The stored lines are converted: a screening's four lines per customer become one, in the order of its offers;
a line's nomination becomes a ScreeningNomination. Going back keeps the screenings but not their lines (pruned
data: screen again)."""

import itertools

import django.db.models.deletion
from django.db import migrations, models

import offerdesk.screening.models

CHUNK = 5_000


def one_line_per_customer(apps, schema_editor):
    Screening = apps.get_model("screening", "Screening")
    Old = apps.get_model("screening", "ScreeningLineOld")
    Line = apps.get_model("screening", "ScreeningLine")
    Nominated = apps.get_model("screening", "ScreeningNomination")
    codes = dict(apps.get_model("catalogue", "Offer").objects.values_list("pk", "code"))
    for screening in Screening.objects.order_by("pk").iterator():
        at = {code: i for i, code in enumerate(screening.offers)}
        old = Old.objects.filter(screening=screening).order_by("customer_id", "id")
        rows = old.values_list("customer_id", "offer_id", "cap", "variant", "failing").iterator(chunk_size=CHUNK)
        batch = []
        for customer_id, lines in itertools.groupby(rows, key=lambda row: row[0]):
            failing, caps, variants = [0] * len(at), [None] * len(at), [None] * len(at)
            for _, offer_id, cap, variant, bits in lines:
                i = at.get(codes.get(offer_id))
                if i is not None:
                    failing[i] = bits
                    caps[i] = int(cap * 100) if not bits and cap is not None else None
                    variants[i] = variant or None if not bits else None
            batch.append(Line(screening=screening, customer_id=customer_id, failing=failing, caps=caps, variants=variants))
            if len(batch) >= CHUNK:
                Line.objects.bulk_create(batch)
                batch = []
        Line.objects.bulk_create(batch)
        nominated = old.filter(nomination__isnull=False).values_list("customer_id", "offer_id", "nomination_id")
        for customer_id, offer_id, nomination_id in nominated:
            line = Line.objects.filter(screening=screening, customer_id=customer_id).first()
            if line is not None:
                Nominated.objects.create(screening=screening, line=line, offer_id=offer_id, nomination_id=nomination_id)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_parameter_withdrawal"),
        ("customers", "0002_usage_share_exact"),
        ("vouchers", "0001_initial"),
        ("screening", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="screeningline", name="screening_line_by_screening"),
        migrations.RemoveIndex(model_name="screeningline", name="screening_line_candidates"),
        migrations.RenameModel(old_name="ScreeningLine", new_name="ScreeningLineOld"),
        migrations.AlterField(
            model_name="screening",
            name="offers",
            field=models.JSONField(default=list, help_text="The offer codes screened, in the order of a line's lists."),
        ),
        migrations.AlterField(
            model_name="screening",
            name="candidates",
            field=models.PositiveIntegerField(default=0, help_text="Customer × offer pairs on which every rule passes."),
        ),
        migrations.CreateModel(
            name="ScreeningLine",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "failing",
                    offerdesk.screening.models.PerOffer(
                        help_text="Per offer, the failing rules as bits in the screening's rule order.", of="bigint"
                    ),
                ),
                (
                    "caps",
                    offerdesk.screening.models.PerOffer(
                        help_text="Per offer, a candidate's highest voucher value in cents, else null.", of="bigint"
                    ),
                ),
                (
                    "variants",
                    offerdesk.screening.models.PerOffer(
                        help_text="Per offer, a candidate's variant, else null.", of="varchar(20)"
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "screening",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="screening.screening",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["screening", "customer"], name="screening_line_by_customer")],
            },
        ),
        migrations.CreateModel(
            name="ScreeningNomination",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "line",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="screening.screeningline",
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="vouchers.nomination"
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalogue.offer"
                    ),
                ),
                (
                    "screening",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nominations",
                        to="screening.screening",
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("line", "offer"), name="screening_nominated_once")],
            },
        ),
        migrations.RunPython(one_line_per_customer, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="ScreeningLineOld"),
    ]
