"""`offerdesk daily [--date YYYY-MM-DD] [--json]`: the day's scheduled work."""

from typing import Any

from django.core.management.base import CommandParser

from offerdesk.core.cli import OfferDeskCommand
from offerdesk.jobs.services import daily_run


class Command(OfferDeskCommand):
    help = "Expire vouchers, lapse referrals, send reminders and deliver the outbox (safe to run twice)."
    supports_json = True

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD, today or earlier (default: today).")

    def run(self, **options: Any) -> dict[str, Any]:
        summary = daily_run(on=options["date"])  # the service reads the raw text: one parser, one audit
        self.say(", ".join(f"{k}: {v}" for k, v in summary.items()))
        return summary
