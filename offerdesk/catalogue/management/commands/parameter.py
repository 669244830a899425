"""`offerdesk parameter list|set`: the program parameters in force, and an operator's override."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.selectors import params_for
from offerdesk.catalogue.services import parameter_set
from offerdesk.core import dates
from offerdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "List the parameters in force on a date, or override one as a program operator (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every parameter of every program as in force on a date.")
        listing.add_argument("--on", type=dt.date.fromisoformat, help="The date (default: today).")
        setting = sub.add_parser("set", help="Override one parameter from a date on.")
        setting.add_argument("key")
        setting.add_argument("value")
        setting.add_argument("--user", required=True, help="The operator's username (recorded on the audit trail).")
        setting.add_argument(
            "--from",
            dest="effective_from",
            type=dt.date.fromisoformat,
            help="First day the value applies (default: from the start).",
        )
        setting.add_argument("--program", help="Only this program (default: every program that has the key).")
        setting.add_argument("--reason", default="", help="Why; kept with the override.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["on"] or dates.today())
        else:
            self._set(options)

    def _list(self, on: dt.date) -> None:
        for code, program in get_catalogue().programs.items():
            self.stdout.write(f"{program.file.program.name} ({code}), as in force on {on}")
            params = params_for(program_code=code, on=on)
            for spec in program.file.parameters:
                self.stdout.write(f"  {spec.key:<34} {params[spec.key]!s:<28} {', '.join(spec.rules)}")

    def _set(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        try:
            override = parameter_set(
                actor=user,
                key=options["key"],
                value=options["value"],
                effective_from=options["effective_from"],
                program_code=options["program"],
                reason=options["reason"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{override.key} = {override.value} from {override.effective_from or 'the start'}")
