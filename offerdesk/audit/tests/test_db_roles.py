"""The application's PostgreSQL role (ADR 8): connected as it, nothing append-only can be rewritten, removed or
un-triggered, while the services work as usual. PostgreSQL only: the lead's CI runs the suite on both."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.roles import append_only_tables
from offerdesk.catalogue.selectors import offer_get
from offerdesk.notifications.models import OutboxMessage
from offerdesk.payouts.models import ExchangeRate, Payment, PaymentConversion
from offerdesk.payouts.selectors import partner_owed
from offerdesk.payouts.services import exchange_rate_set, payment_fix_local_amount
from offerdesk.vouchers.services import nomination_create
from tests.databases import connected_to
from tests.factories import approved_sow, customer, make_cast, mws_voucher, on

POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")
SQLITE_ONLY = pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal of a database without roles")
# What the application's role must never do to an append-only table ({t}), and PostgreSQL's refusal of it
FORBIDDEN = {
    "DELETE FROM {t}": "permission denied",
    "TRUNCATE {t}": "permission denied",
    "UPDATE {t} SET id = id": "permission denied",
    "ALTER TABLE {t} DISABLE TRIGGER ALL": "must be owner",
    "ALTER TABLE {t} DISABLE TRIGGER USER": "must be owner",
    "ALTER TABLE {t} DISABLE TRIGGER {t}_append_only": "must be owner",
    "DROP TRIGGER {t}_append_only ON {t}": "must be owner",
    "DROP TRIGGER {t}_no_truncate ON {t}": "must be owner",
    "DROP TABLE {t} CASCADE": "must be owner",
}


@pytest.fixture
def app_role() -> Iterator[dict[str, str]]:
    """The role made by `offerdesk db_roles`; its connection settings. Roles are the server's: dropped after."""
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    password = secrets.token_urlsafe(16)
    call_command("db_roles", app_role=role, password=password, verbosity=0)
    call_command("db_roles", app_role=role, verbosity=0)  # idempotent: a second run changes nothing it needs
    try:
        yield {**connections.settings["default"], "USER": role, "PASSWORD": password}
    finally:
        with connection.cursor() as cursor:  # as the owner again
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_postgresql_app_role_cannot_rewrite_remove_or_untrigger_append_only_tables(app_role: dict[str, str]) -> None:
    with connected_to(app_role):
        # Given the whole story so far, done through the services as the application's role: users and
        # partners, a nomination, a voucher, an approval that schedules a payment, a rate and a fixed amount
        cast = make_cast()
        with on("2023-09-01"):
            nomination_create(
                actor=cast.seller,
                customer=customer(cast.operator, tpid="T-700", name="Tailspin"),
                offer=offer_get(name_or_code="M365 Deployment Offer"),
            )
        voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-600", name="Adatum"))
        approved_sow(cast, voucher=voucher, partner=cast.fabrikam, submitted="2023-10-10", approved="2023-10-12")
        with on("2023-12-01"):
            exchange_rate_set(actor=cast.finance, currency="INR", rate="83.4", effective_from=dt.date(2023, 12, 1))
            payment_fix_local_amount(actor=cast.finance, payment=Payment.objects.get())
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role["USER"],)
        # Then it inserted into every append-only table, and reads them back
        assert AuditEvent.objects.filter(action="nomination.create").exists()
        assert (ExchangeRate.objects.count(), PaymentConversion.objects.count()) == (1, 1)
        assert [line.amount for line in partner_owed(user=cast.finance, partner=cast.fabrikam)] == [Decimal("37500.00")]
        # And elsewhere it has normal rights: the outbox is cleared as usual
        assert OutboxMessage.objects.exists()
        OutboxMessage.objects.all().delete()
        counts = {table: _count(table) for table in append_only_tables()}
        # When it tries anything else on an append-only table; Then PostgreSQL refuses, for want of privilege
        for table in append_only_tables():
            for statement, refusal in FORBIDDEN.items():
                _refused(statement.format(t=table), refusal)
        # nor may it switch triggers off for its session, nor record a migration as run
        _refused("SET session_replication_role = replica", "permission denied")
        _refused("DELETE FROM django_migrations", "permission denied")
        assert {table: _count(table) for table in append_only_tables()} == counts


def _refused(statement: str, refusal: str) -> None:
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


@SQLITE_ONLY
def test_db_roles_on_sqlite_says_it_is_for_postgresql_only(db: None) -> None:
    with pytest.raises(CommandError, match="database roles apply to PostgreSQL only; this database is sqlite"):
        call_command("db_roles", app_role="offerdesk_app", password="s3cret-value")
    # The refusal is audited, and the password it was given is not on the trail
    [event] = AuditEvent.objects.filter(action="db_roles.grant")
    assert event.outcome == "refused" and "s3cret-value" not in str(event.data)


@POSTGRESQL_ONLY
@pytest.mark.parametrize("role", ["Robert'); DROP TABLE", "", "postgres"])
def test_postgresql_db_roles_refuses_a_bad_or_owning_role(db: None, role: str) -> None:
    with pytest.raises(CommandError, match=r"not a role name|owns the tables|is a superuser"):
        call_command("db_roles", app_role=role)
    assert AuditEvent.objects.filter(action="db_roles.grant", outcome="refused").count() == 1


@POSTGRESQL_ONLY
def test_postgresql_db_roles_refuses_a_password_with_a_nul_byte(db: None) -> None:
    with pytest.raises(CommandError, match=r"password: .*\(OD-IN-01\)"):
        call_command("db_roles", app_role="offerdesk_nul", password="pa\x00ss")
