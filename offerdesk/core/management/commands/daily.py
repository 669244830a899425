"""`offerdesk daily [--date YYYY-MM-DD]`: the day's scheduled work."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from offerdesk.daily import daily


class Command(BaseCommand):
    help = "Expire vouchers, lapse referrals, send reminders and deliver the outbox (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="The day to run for (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = daily(on=options["date"])
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
