"""Migration 0003 renumbers the stored lines (a line's id becomes its screening and its customer) and the
nominations made from them follow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from offerdesk.screening.models import LINE_SPAN, ScreeningLine, ScreeningNomination
from tests.factories import customer, make_cast, mws_nominate

BEFORE = [("screening", "0002_one_line_per_customer")]


@pytest.mark.django_db(transaction=True)
def test_stored_lines_and_their_nominations_are_renumbered() -> None:
    # Given a database before 0003, with a screening of two lines and a nomination made from the second
    executor = MigrationExecutor(connection)
    old_apps = executor.migrate(BEFORE).apps
    cast = make_cast()
    contoso = customer(cast.operator, tpid="T-1", name="Contoso")
    tailspin = customer(cast.operator, tpid="T-2", name="Tailspin")
    nomination = mws_nominate(cast, customer=tailspin, when="2023-09-01")
    screening = old_apps.get_model("screening", "Screening").objects.create(on="2023-09-01", offers=["DEP"])
    line = old_apps.get_model("screening", "ScreeningLine")
    line.objects.create(screening=screening, customer_id=contoso.pk, failing=[4], caps=[None], variants=[None])
    nominated = line.objects.create(
        screening=screening, customer_id=tailspin.pk, failing=[0], caps=[7500000], variants=["DEP"]
    )
    old_apps.get_model("screening", "ScreeningNomination").objects.create(
        screening=screening, line=nominated, offer_id=nomination.offer_id, nomination_id=nomination.pk
    )

    # When it migrates forward
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Then each line's id is its screening and customer, and the nomination points at the same line
    ids = {c: screening.pk * LINE_SPAN + c for c in (contoso.pk, tailspin.pk)}
    assert dict(ScreeningLine.objects.values_list("customer_id", "id")) == ids
    [made] = ScreeningNomination.objects.all()
    assert made.line_id == ids[tailspin.pk] and made.line.customer_id == tailspin.pk
