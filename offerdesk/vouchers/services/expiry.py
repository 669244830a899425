"""Expiring the vouchers whose day has come, in one statement."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audit_record_many
from offerdesk.core import dates

from ..choices import VoucherStatus
from ..models import Voucher


@transaction.atomic
def vouchers_expire(*, on: dt.date) -> int:
    """Expire every live voucher whose expiry date has come, set-based (§3.0 voucher expiry day).

    One UPDATE … RETURNING picks exactly the rows it changed, so the audit trail names those and no
    others, even while requests are being approved. On PostgreSQL the audit rows are written by the
    same statement."""
    now = dates.now()
    ops = connection.ops
    voucher_table, audit_table = Voucher._meta.db_table, AuditEvent._meta.db_table
    update = (
        f"UPDATE {voucher_table} SET status = %s, updated_at = %s "
        "WHERE status IN (%s, %s) AND expiry_date <= %s RETURNING id"
    )
    params = [
        VoucherStatus.EXPIRED.value,
        ops.adapt_datetimefield_value(now),
        VoucherStatus.OPEN.value,
        VoucherStatus.REDEEMING.value,
        ops.adapt_datefield_value(on),
    ]
    data = json.dumps({"on": on.isoformat()})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH expired AS ({update}) "
                f"INSERT INTO {audit_table} (occurred_at, actor_id, actor_label, action, outcome, object_type, "
                "object_id, source, data) "
                "SELECT %s, NULL, 'system', 'voucher.expire', 'done', 'vouchers.voucher', CAST(id AS varchar), "
                "'daily', %s::jsonb FROM expired",
                [*params, ops.adapt_datetimefield_value(now), data],
            )
            return cursor.rowcount
        cursor.execute(update, params)
        ids = [row[0] for row in cursor.fetchall()]
    audit_record_many(
        actor=None,
        action="voucher.expire",
        targets=[("vouchers.voucher", i) for i in ids],
        data={"on": on.isoformat()},
        source="daily",
    )
    return len(ids)
