"""`offerdesk daily [--date YYYY-MM-DD]`: the day's scheduled work."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offerdesk.core.errors import DomainError
from offerdesk.jobs.services import daily_run


class Command(BaseCommand):
    help = "Expire vouchers, lapse referrals, send reminders and deliver the outbox (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD, today or earlier (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = daily_run(on=options["date"])  # the service reads the raw text: one parser, one audit
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
