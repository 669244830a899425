"""The daily run: expiries, lapsed referrals, reminders and e-mail delivery. Safe to run twice a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from offerdesk.audit.services import audited_refusals
from offerdesk.core import dates
from offerdesk.core.parsing import parse_date, refuse
from offerdesk.notifications.services import outbox_deliver
from offerdesk.vouchers.services import referrals_lapse, voucher_reminders_send, vouchers_expire

from .lock_objects import daily_run_lock
from .models import DailyRun


@audited_refusals("daily.run")
def daily_run(*, on: dt.date | str | None = None) -> dict[str, Any]:
    """Do one day's work. Each step is idempotent on its own, so a second run the same day changes nothing,
    and a run after missed days catches up: everything due by `on` is done (expiry ≤ on, latest reminder)."""
    today = dates.today()
    on = today if on is None else parse_date(on, field="on")
    if on > today:
        # A run for a day still to come would expire every voucher live until then, and expiry is final.
        raise refuse("on", f"a day up to today ({today} in {settings.TIME_ZONE}), not {on}")
    try:
        with transaction.atomic():
            run, _ = DailyRun.objects.get_or_create(run_date=on, defaults={"started_at": dates.now()})
    except IntegrityError:  # another worker created it at the same moment
        run = DailyRun.objects.get(run_date=on)
    summary = {
        "expired": vouchers_expire(on=on),
        "referrals_lapsed": referrals_lapse(on=on),
        "reminders": voucher_reminders_send(on=on),
    }
    summary["emails_sent"] = outbox_deliver()
    with transaction.atomic():
        run = daily_run_lock(run_id=run.pk)
        totals = {key: run.summary.get(key, 0) + value for key, value in summary.items()}
        DailyRun.objects.filter(pk=run.pk).update(finished_at=dates.now(), summary=totals)
    return summary
