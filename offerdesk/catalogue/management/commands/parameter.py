"""`offerdesk parameter list|overrides|set|withdraw [--json]`: the parameters in force, and an operator's changes."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.management.base import CommandParser

from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.selectors import params_for
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from offerdesk.core import dates, parsing
from offerdesk.core.cli import OfferDeskCommand, command_user


class Command(OfferDeskCommand):
    help = "List the parameters in force on a date, or override or withdraw one as a program operator (audited)."

    def add_options(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every parameter of every program as in force on a date.")
        listing.add_argument("--on", help="The date, YYYY-MM-DD (default: today).")
        sub.add_parser("overrides", help="Every override and withdrawal ever entered, with its id.")
        setting = sub.add_parser("set", help="Override one parameter from a date on.")
        setting.add_argument("key")
        setting.add_argument("value")
        setting.add_argument("--user", required=True, help="The operator's username (recorded on the audit trail).")
        setting.add_argument("--from", dest="effective_from", help="First day the value applies (default: the start).")
        setting.add_argument("--program", help="Only this program (default: every program that has the key).")
        setting.add_argument("--reason", default="", help="Why; kept with the override.")
        withdrawing = sub.add_parser("withdraw", help="Take back an override (a new, audited entry).")
        which = withdrawing.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", dest="override_id", help="The override's id (see `parameter overrides`).")
        which.add_argument("--key", help="The override's key: the newest override of it for --program and --from.")
        withdrawing.add_argument("--program", help="With --key: the override's program (default: every program).")
        withdrawing.add_argument("--from", dest="effective_from", help="With --key: the override's first day.")
        withdrawing.add_argument("--user", required=True, help="The operator's username.")
        withdrawing.add_argument("--reason", required=True, help="Why; kept with the withdrawal.")
        for each in (listing, sub.choices["overrides"], setting, withdrawing):
            each.add_argument("--json", action="store_true", help="Print the result as JSON (one document).")

    def run(self, **options: Any) -> Any:
        match options["action"]:
            case "list":
                on = options["on"]
                return self._list(dates.today() if on is None else parsing.parse_date(on, field="--on"))
            case "overrides":
                return self._overrides()
            case "set":
                return self._set(options)
            case _:
                return self._withdraw(options)

    def _list(self, on: dt.date) -> dict[str, Any]:
        result: dict[str, Any] = {"on": on, "programs": {}}
        for code, program in get_catalogue().programs.items():
            self.say(f"{program.file.program.name} ({code}), as in force on {on}")
            params = params_for(program_code=code, on=on)
            result["programs"][code] = {spec.key: params[spec.key] for spec in program.file.parameters}
            for spec in program.file.parameters:
                self.say(f"  {spec.key:<34} {params[spec.key]!s:<28} {', '.join(spec.rules)}")
        return result

    def _overrides(self) -> list[dict[str, Any]]:
        rows = []
        for row in ParameterOverride.objects.select_related("program", "created_by", "withdrawal").order_by("id"):
            scope = row.program.code if row.program else "every program"
            withdrawn = hasattr(row, "withdrawal")
            by = row.created_by.username if row.created_by else "system"
            state = " (withdrawn)" if withdrawn else ""
            self.say(f"#{row.pk:<5} {row} [{scope}] by {by} on {row.created_at:%Y-%m-%d}{state}")
            rows.append(
                {
                    "id": row.pk,
                    "key": row.key,
                    "value": row.value,
                    "program": row.program.code if row.program else None,
                    "effective_from": row.effective_from,
                    "by": by,
                    "created_at": row.created_at,
                    "withdrawn": withdrawn,
                }
            )
        return rows

    @staticmethod
    def _user(username: str) -> User:
        return cast(User, command_user(username))

    def _set(self, options: dict[str, Any]) -> dict[str, Any]:
        override = parameter_set(
            actor=self._user(options["user"]),
            key=options["key"],
            value=options["value"],
            effective_from=options["effective_from"],
            program_code=options["program"],
            reason=options["reason"],
        )
        self.say(f"{override.key} = {override.value} from {override.effective_from or 'the start'}")
        return {"id": override.pk, "key": override.key, "value": override.value, "from": override.effective_from}

    def _withdraw(self, options: dict[str, Any]) -> dict[str, Any]:
        withdrawal = parameter_withdraw(
            actor=self._user(options["user"]),
            override_id=options["override_id"],
            key=options["key"],
            program_code=options["program"],
            effective_from=options["effective_from"],
            reason=options["reason"],
        )
        on = dates.today()
        in_force = {
            code: params_for(program_code=code, on=on)[withdrawal.key]
            for code in get_catalogue().programs
            if withdrawal.key in {s.key for s in get_catalogue().programs[code].file.parameters}
        }
        self.say(
            f"override #{withdrawal.withdraws_id} withdrawn; {withdrawal.key} in force on {on}: "
            + ", ".join(f"{code} {value}" for code, value in in_force.items())
        )
        return {"withdrawn": withdrawal.withdraws_id, "key": withdrawal.key, "on": on, "in_force": in_force}
