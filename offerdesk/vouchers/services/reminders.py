"""Expiry reminders: which vouchers still need one, and queueing those that are due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from offerdesk.audit.services import audit_record
from offerdesk.catalogue.models import Program
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.selectors import params_for
from offerdesk.notifications.choices import NoticeKind

from ..choices import LIVE_VOUCHER_STATUSES
from ..models import Voucher, VoucherReminder
from ..notices import notify_voucher


def _reminder_due(voucher: Voucher, on: dt.date, marks: list[int], sent: set[int]) -> int | None:
    """The latest reminder mark that has come and was not sent (nor a later one): a missed day sends it once."""
    days_left = (voucher.expiry_date - on).days
    due = [m for m in marks if days_left <= m]
    if not due or days_left <= 0:
        return None
    latest = min(due)
    return None if any(s <= latest for s in sent) else latest


def _still_needs_reminder(voucher: Voucher) -> bool:
    """The program's policy decides from the kinds of live requests (CSO: until the POE; FY24: MWS-NOT-01).

    A request says itself whether it is live (`is_open`): the vouchers app never spells its statuses."""
    live_kinds = {r.kind for r in voucher.requests.all() if r.is_open}
    return policy_for(voucher.offer.program).still_needs_reminder(live_kinds)


@transaction.atomic
def voucher_reminders_send(*, on: dt.date) -> int:
    """Queue the expiry reminders that are due on `on` (reminder_days_before_expiry)."""
    queued = 0
    for program in Program.objects.all():
        marks: list[int] = params_for(program_code=program.code, on=on)["reminder_days_before_expiry"]
        if not marks:
            continue
        candidates = (
            Voucher.objects.filter(
                offer__program=program,
                status__in=LIVE_VOUCHER_STATUSES,
                expiry_date__gt=on,
                expiry_date__lte=on + dt.timedelta(days=max(marks)),
            )
            .select_related("offer__program", "customer", "partner")
            .prefetch_related("requests", "reminders", "customer__contacts")
        )
        for voucher in candidates:
            mark = _reminder_due(voucher, on, marks, {r.days_before for r in voucher.reminders.all()})
            if mark is None or not _still_needs_reminder(voucher):
                continue
            VoucherReminder.objects.create(voucher=voucher, days_before=mark, sent_on=on)
            notify_voucher(voucher, NoticeKind.EXPIRY_REMINDER, days_left=(voucher.expiry_date - on).days)
            audit_record(actor=None, action="voucher.remind", target=voucher, data={"days_before": mark})
            queued += 1
    return queued
