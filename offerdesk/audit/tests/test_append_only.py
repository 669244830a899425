"""The database refuses to remove an append-only row on every path, whatever goes past the ORM's guard.

The ORM's own guard (`AppendOnlyError`) covers `obj.delete()` and `Model.objects…delete()`; each test here
takes a path round it and expects the database's triggers to refuse (`IntegrityError`), on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, models, router, transaction
from django.db.models.deletion import Collector

from offerdesk.audit.models import AppendOnlyError, AuditEvent
from offerdesk.audit.services import audit_record
from offerdesk.payouts.models import Payment
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow


def audit_row(cast: Cast, dep: Voucher) -> models.Model:
    return audit_record(actor=cast.operator, action="partner.touch")


def ledger_row(cast: Cast, dep: Voucher) -> models.Model:
    approved_sow(cast, voucher=dep, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12")
    return Payment.objects.get()


ROWS = {"audit event": audit_row, "ledger entry": ledger_row}


def model_delete(obj: models.Model) -> None:
    models.Model.delete(obj)  # the base class's delete, past the override that raises


def queryset_delete(obj: models.Model) -> None:
    type(obj)._base_manager.filter(pk=obj.pk).delete()  # a plain manager, past AppendOnlyQuerySet


def raw_delete(obj: models.Model) -> None:
    type(obj)._default_manager.filter(pk=obj.pk)._raw_delete(router.db_for_write(type(obj)))


def collector_delete(obj: models.Model) -> None:
    # What a cascade from a parent does: collect the rows that go with it, then delete them in bulk
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    collector.delete()


def sql_delete(obj: models.Model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {obj._meta.db_table} WHERE id = %s", [obj.pk])


def sql_update(obj: models.Model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {obj._meta.db_table} SET id = id WHERE id = %s", [obj.pk])


PATHS: dict[str, Callable[[models.Model], None]] = {
    "Model.delete": model_delete,
    "QuerySet.delete": queryset_delete,
    "_raw_delete": raw_delete,
    "Collector": collector_delete,
    "raw DELETE": sql_delete,
    "raw UPDATE": sql_update,
}


@pytest.mark.parametrize("path", PATHS, ids=str)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_database_refuses_to_remove_or_rewrite_a_row_on_every_path(
    cast: Cast, dep: Voucher, row: str, path: str
) -> None:
    # Given an append-only row
    obj = ROWS[row](cast, dep)
    before = type(obj)._base_manager.filter(pk=obj.pk).values_list()[0]
    # When a path round the ORM's guard removes or rewrites it; Then the database refuses
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        PATHS[path](obj)
    assert type(obj)._base_manager.filter(pk=obj.pk).values_list()[0] == before


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_orm_refuses_first_with_its_own_error(cast: Cast, dep: Voucher, row: str) -> None:
    obj = ROWS[row](cast, dep)
    with pytest.raises(AppendOnlyError):
        obj.delete()
    with pytest.raises(AppendOnlyError):
        type(obj)._default_manager.filter(pk=obj.pk).delete()
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's; SQLite has none")
@pytest.mark.parametrize("cascade", ["", " CASCADE"], ids=["plain", "cascade"])
@pytest.mark.parametrize("table", ["audit_auditevent", "payouts_payment"])
def test_postgresql_refuses_to_truncate_the_trail_and_the_ledger(cast: Cast, table: str, cascade: str) -> None:
    audit_record(actor=cast.operator, action="partner.touch")
    count = AuditEvent.objects.count()
    with pytest.raises(IntegrityError, match="TRUNCATE on"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the insert's deferred checks, so TRUNCATE may run
        cursor.execute(f"TRUNCATE {table}{cascade}")
    assert AuditEvent.objects.count() == count
