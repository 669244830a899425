"""`offerdesk screen-nominate SCREENING OFFER --tpid TPID [--tpid …] --user OPERATOR [--partner ID] [--json]`:
nominate customers from a stored screening, each through the nomination service (which checks the rules again
on today's facts); the screening remembers the nomination, and a line is nominated from only once per offer.

Exit status 0 when every line asked for was nominated, 1 when any was refused (each with its reason), 2 usage."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from offerdesk.core.cli import OfferDeskCommand, Refused, command_user
from offerdesk.core.errors import DomainError
from offerdesk.partners.models import Partner
from offerdesk.partners.selectors import partner_get_for
from offerdesk.screening.selectors import screening_get_for, screening_lines
from offerdesk.screening.services import screening_line_nominate


class Command(OfferDeskCommand):
    help = (
        "Nominate customers from a stored screening (`offerdesk screen` prints its number) for one of its offers, "
        "each through the nomination service."
    )
    supports_json = True

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("screening", type=int, help="The screening's number.")
        parser.add_argument("offer", help="The offer's code (CSO, DEP, MD, COP, …).")
        parser.add_argument("--tpid", action="append", required=True, help="A customer's TPID (repeat for several).")
        parser.add_argument("--partner", type=int, help="CSO: the partner's ID the nomination maps.")
        parser.add_argument("--user", required=True, help="The seller's or operator's username (audited).")

    def run(self, **options: Any) -> dict[str, Any]:
        user = command_user(options["user"])
        screening = screening_get_for(user=user, key=options["screening"])  # another's or none: exit 1
        partner: Partner | None = None
        if options["partner"] is not None:
            partner = partner_get_for(user=user, key=options["partner"])
        wanted = list(dict.fromkeys(t.strip() for t in options["tpid"]))
        code = options["offer"].strip().upper()
        found = {}
        if code in screening.offers:
            lines = screening_lines(screening=screening).filter(customer__tpid__in=wanted)
            found = {line.customer.tpid: line for line in lines}
        outcomes = [
            {"tpid": tpid, "ok": False, "error": f"no line for TPID {tpid} and offer {options['offer']}"}
            for tpid in wanted
            if tpid not in found
        ]
        for line in self.tracked(found.values(), label="nominated", total=len(found)):
            try:
                nomination = screening_line_nominate(actor=user, line_id=line.pk, offer_code=code, partner=partner)
            except DomainError as error:
                outcomes.append({"tpid": line.customer.tpid, "ok": False, "error": error.message})
                self.say(f"{line.customer.tpid}: refused: {error.message}")
                continue
            outcomes.append({"tpid": line.customer.tpid, "ok": True, "nomination": nomination.pk})
            self.say(f"{line.customer.tpid}: nominated for {code} (nomination #{nomination.pk})")
        refused = [o for o in outcomes if not o["ok"]]
        result: dict[str, Any] = {"ok": not refused, "screening": screening.pk}
        result |= {"nominated": len(outcomes) - len(refused), "refused": len(refused), "lines": outcomes}
        self.say(f"{result['nominated']:,} nominated, {len(refused):,} refused from screening #{screening.pk}")
        if refused:
            raise Refused(f"{len(refused):,} of {len(outcomes):,} not nominated", result=result)
        return result
