"""`offerdesk daily [--date YYYY-MM-DD]`: the day's scheduled work."""

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offerdesk.core.errors import DomainError
from offerdesk.jobs.services import daily_run


def iso_date(text: str) -> dt.date:
    """A --date value; argparse turns the error into a one-line usage message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Expire vouchers, lapse referrals, send reminders and deliver the outbox (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=iso_date, help="The day to run for, today or earlier (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = daily_run(on=options["date"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
