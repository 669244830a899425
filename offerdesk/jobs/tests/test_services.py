"""The daily run: expiries, lapsed referrals, reminders and delivery; safe twice, and it catches up."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from offerdesk.audit.models import AuditEvent
from offerdesk.core.errors import InvalidInput
from offerdesk.jobs.models import DailyRun
from offerdesk.jobs.services import daily_run
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import KIND_HEADER, outbox_deliver
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.models import Referral, Voucher, VoucherReminder
from tests.factories import (
    Cast,
    approved_sow,
    audit_events,
    cso_customer,
    cso_nominate,
    cso_poe,
    cso_voucher,
    moment,
    on,
    snapshot,
    submit,
)


@pytest.fixture
def dep(dep: Voucher) -> Voucher:
    """Adatum's DEP voucher: issued 2023-10-05, expires 2024-04-05; its issue e-mail already sent."""
    outbox_deliver()
    mail.outbox.clear()
    return dep


def run(day: str) -> dict[str, int]:
    with on(day):
        return daily_run(on=dt.date.fromisoformat(day))


def reminders() -> list[tuple[list[str], list[str]]]:
    return [(m.to, m.cc) for m in mail.outbox if m.extra_headers[KIND_HEADER] == NoticeKind.EXPIRY_REMINDER]


def without_daily_runs(state: dict[str, Any]) -> dict[str, Any]:
    return {label: rows for label, rows in state.items() if label != "jobs.DailyRun"}


# ====================================================================================== running twice


def test_a_second_run_on_the_same_day_does_nothing(cast: Cast, dep: Voucher) -> None:
    # Given a voucher that expires today and a referral whose window closed yesterday
    contoso = cso_customer(cast.operator)
    cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2024-03-01")  # respond by 2024-03-31
    outbox_deliver()
    mail.outbox.clear()
    # When the daily jobs run on 2024-04-05
    first = run("2024-04-05")
    assert (first["expired"], first["referrals_lapsed"]) == (1, 1)
    after_first, events, sent = snapshot(), AuditEvent.objects.count(), len(mail.outbox)
    # And run again the same day
    second = run("2024-04-05")
    # Then the second run finds nothing to do and changes nothing but its own bookkeeping
    assert second == {"expired": 0, "referrals_lapsed": 0, "reminders": 0, "sla_alerts": 0, "emails_sent": 0}
    assert without_daily_runs(snapshot()) == without_daily_runs(after_first)
    assert AuditEvent.objects.count() == events
    assert len(mail.outbox) == sent
    assert DailyRun.objects.get().run_date == dt.date(2024, 4, 5)
    dep.refresh_from_db()
    assert dep.status == VoucherStatus.EXPIRED


def test_a_day_before_expiry_leaves_the_voucher_alone(dep: Voucher) -> None:
    assert run("2024-04-04")["expired"] == 0
    dep.refresh_from_db()
    assert dep.status == VoucherStatus.OPEN


def test_the_days_record_keeps_what_the_first_run_did(dep: Voucher) -> None:
    run("2024-04-05")
    run("2024-04-05")
    assert DailyRun.objects.get(run_date=dt.date(2024, 4, 5)).summary["expired"] == 1


# ====================================================================================== catching up


def test_a_missed_day_is_caught_up(cast: Cast, dep: Voucher) -> None:
    # Given a referral to answer by 2024-03-31 and a voucher expiring 2024-04-05
    contoso = cso_customer(cast.operator)
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2024-03-01")
    # When no run happens on 2024-04-01 nor 2024-04-05, and the next is on 2024-04-06
    summary = run("2024-04-06")
    # Then the voucher is expired and the referral lapsed all the same
    assert (summary["expired"], summary["referrals_lapsed"]) == (1, 1)
    dep.refresh_from_db()
    assert dep.status == VoucherStatus.EXPIRED
    assert Referral.objects.get(nomination=nomination).status == "lapsed"


def test_a_referral_lapses_only_after_its_last_day(cast: Cast) -> None:
    contoso = cso_customer(cast.operator)
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    assert run("2023-10-01")["referrals_lapsed"] == 0
    assert Referral.objects.get(nomination=nomination).status == "pending"
    assert run("2023-10-02")["referrals_lapsed"] == 1


# ========================================================================================= reminders


def test_fy24_reminders_30_and_7_days_before_expiry_each_once(dep: Voucher) -> None:
    # Given Adatum's voucher expires 2024-04-05 and has no redemptions (AT-M46)
    # When the daily jobs run every day from 2024-03-01 to 2024-04-04
    day = dt.date(2024, 3, 1)
    while day < dt.date(2024, 4, 5):
        run(day.isoformat())
        day += dt.timedelta(days=1)
    # Then the customer was reminded twice, with the account team in copy
    assert reminders() == [(["it@adatum.example"], ["ats-adatum@microsoft.example"])] * 2
    assert sorted(VoucherReminder.objects.values_list("days_before", "sent_on")) == [
        (7, dt.date(2024, 3, 29)),
        (30, dt.date(2024, 3, 6)),
    ]


def test_a_missed_reminder_day_sends_the_latest_due_reminder_once(dep: Voucher) -> None:
    # Given no run between the 30-day mark and 4 days before expiry
    # When the daily jobs run on 2024-04-01 and again on 2024-04-02
    assert run("2024-04-01")["reminders"] == 1
    assert run("2024-04-02")["reminders"] == 0
    # Then only the 7-day reminder went, once
    assert list(VoucherReminder.objects.values_list("days_before", flat=True)) == [7]
    assert len(reminders()) == 1


def test_a_late_first_run_still_sends_the_30_day_reminder(dep: Voucher) -> None:
    assert run("2024-03-10")["reminders"] == 1
    assert run("2024-03-11")["reminders"] == 0
    assert run("2024-03-29")["reminders"] == 1
    assert sorted(VoucherReminder.objects.values_list("days_before", flat=True)) == [7, 30]


def test_no_fy24_reminder_once_the_voucher_has_a_redemption(cast: Cast, dep: Voucher) -> None:
    # AT-M46: a voucher with a submitted SOW
    submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2024-03-01", value="60000")
    assert run("2024-03-06")["reminders"] == 0
    assert reminders() == []


def test_cso_reminders_go_to_the_partner_with_the_fpm_in_copy_until_the_poe_is_in(cast: Cast) -> None:
    # AT-C31: Contoso's voucher, mapped to Fabrikam, expires 2024-02-28; its SOW is approved
    voucher = cso_voucher(cast, customer=cso_customer(cast.operator))
    approved_sow(cast, voucher=voucher, submitted="2023-10-02", approved="2023-10-04")
    outbox_deliver()
    mail.outbox.clear()
    # When the 30-day mark comes; Then Fabrikam is reminded with its FPM in copy
    assert run("2024-01-29")["reminders"] == 1
    assert reminders() == [(["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"])]
    # When the POE is in before the 7-day mark; Then no further reminder
    cso_poe(actor=cast.pat, voucher=voucher, partner=cast.fabrikam, when="2024-02-10")
    assert run("2024-02-21")["reminders"] == 0


def test_an_expired_voucher_is_not_reminded(dep: Voucher) -> None:
    assert run("2024-04-05")["reminders"] == 0
    assert run("2024-04-06")["reminders"] == 0
    assert reminders() == []


# ============================================================================================ entries


def test_the_daily_run_defaults_to_today_in_the_program_time_zone(dep: Voucher) -> None:
    # Given it is 02:00 UTC on 2024-04-06, still 2024-04-05 in the program's time zone
    with time_machine.travel(dt.datetime(2024, 4, 6, 2, 0, tzinfo=dt.UTC), tick=False):
        summary = daily_run()
    # Then the run is for 2024-04-05, the voucher's expiry date
    assert summary["expired"] == 1
    assert DailyRun.objects.get().run_date == dt.date(2024, 4, 5)


def test_the_daily_command(dep: Voucher) -> None:
    out = io.StringIO()
    with time_machine.travel(moment("2024-04-05"), tick=False):
        call_command("daily", "--date", "2024-04-05", stdout=out)
    assert "expired: 1" in out.getvalue()
    assert DailyRun.objects.get().finished_at == moment("2024-04-05")


# ================================================================================ a day still to come


def test_a_run_for_a_day_after_today_is_refused_writes_nothing_and_is_audited(dep: Voucher) -> None:
    # Given it is 2024-04-04 in the program time zone and a voucher that expires on 2024-04-05
    before = snapshot()
    # When the run is asked for tomorrow
    with on("2024-04-04"), pytest.raises(InvalidInput, match=r"on: a day up to today \(2024-04-04 .*not 2024-04-05"):
        daily_run(on=dt.date(2024, 4, 5))
    # Then nothing changed, the voucher is still open, and the attempt is in the audit trail
    assert snapshot() == before
    dep.refresh_from_db()
    assert dep.status == VoucherStatus.OPEN
    [event] = audit_events("daily.run", outcome="refused")
    assert (event.data["input"], event.data["rules"]) == ({"on": "2024-04-05"}, ["OD-IN-01"])


def test_the_command_refuses_a_future_date_in_one_line(dep: Voucher) -> None:
    before = snapshot()
    with on("2024-04-04"), pytest.raises(CommandError) as refused:
        call_command("daily", "--date", "2099-01-01", stdout=io.StringIO())
    assert (
        str(refused.value) == f"on: a day up to today (2024-04-04 in {settings.TIME_ZONE}), not 2099-01-01 (OD-IN-01)"
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("2024-13-01", "no such date: '2024-13-01'"), ("next friday", "a date is written YYYY-MM-DD, not 'next friday'")],
)
def test_the_command_names_an_unreadable_date_and_the_attempt_is_audited(db: None, raw: str, reason: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("daily", "--date", raw, stdout=io.StringIO())
    assert str(refused.value) == f"on: {reason} (OD-IN-01)"
    assert not DailyRun.objects.exists()
    assert len(audit_events("daily.run", outcome="refused")) == 1
