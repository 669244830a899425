"""The database refuses to remove an append-only row on every path, whatever goes past the ORM's guard.

The ORM's own guard (`AppendOnlyError`) covers `obj.delete()` and `Model.objects…delete()`; each test here
takes a path round it and expects the database's triggers to refuse (`IntegrityError`), on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, models, router, transaction
from django.db.models.deletion import Collector

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.roles import append_only_tables
from offerdesk.audit.services import audit_record
from offerdesk.audit.triggers import trigger_names
from offerdesk.core.models import AppendOnlyError
from offerdesk.payouts.models import Payment
from offerdesk.payouts.services import exchange_rate_set, payment_fix_local_amount
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, on


def audit_row(cast: Cast, dep: Voucher) -> models.Model:
    return audit_record(actor=cast.operator, action="partner.touch")


def ledger_row(cast: Cast, dep: Voucher) -> Payment:
    approved_sow(cast, voucher=dep, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12")
    return Payment.objects.get()


def rate_row(cast: Cast, dep: Voucher) -> models.Model:
    with on("2024-02-01"):
        return exchange_rate_set(actor=cast.finance, currency="INR", rate="83.4", effective_from=dt.date(2024, 3, 1))


def fixed_amount_row(cast: Cast, dep: Voucher) -> models.Model:
    payment = ledger_row(cast, dep)
    with on("2024-01-05"):
        return payment_fix_local_amount(actor=cast.finance, payment=payment)


ROWS = {
    "audit event": audit_row,
    "ledger entry": ledger_row,
    "exchange rate": rate_row,
    "fixed local amount": fixed_amount_row,
}


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


def test_every_append_only_table_has_its_triggers(db: None) -> None:
    # A migration that rebuilds a table (SQLite does, to alter a column) drops its triggers with it:
    # this is the test that notices
    assert append_only_tables() == (
        "audit_auditevent",
        "payouts_exchangerate",
        "payouts_payment",
        "payouts_paymentconversion",
        "payouts_paymentreversal",
    )
    for table in append_only_tables():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            assert {name for (name,) in cursor.fetchall()} == trigger_names(connection.vendor, table), table


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's; SQLite has none")
@pytest.mark.parametrize("table", append_only_tables())
def test_postgresql_refuses_to_truncate_an_append_only_table(cast: Cast, table: str) -> None:
    audit_record(actor=cast.operator, action="partner.touch")
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the insert's deferred checks, so that TRUNCATE may run
    # CASCADE, or a table that others reference would be refused for that reason rather than by the trigger
    with (
        pytest.raises(IntegrityError, match=f"TRUNCATE on {table}"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == count
