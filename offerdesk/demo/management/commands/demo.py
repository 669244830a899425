"""`offerdesk demo [--json]`: load the demo data set (once) and print the demo logins."""

import logging
from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandError

from offerdesk.core.cli import OfferDeskCommand
from offerdesk.demo.data import ADMIN_URL, DEMO_END, PORTAL_URL
from offerdesk.demo.services import DemoNotAllowed, DemoStepRefused, demo_counts, demo_load, demo_logins


class Command(OfferDeskCommand):
    help = "Load a realistic FY24 history through the services (safe to run twice) and print the demo logins."
    supports_json = True

    def run(self, **options: Any) -> dict[str, Any]:
        tasks_log = logging.getLogger("django.tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)  # a started/finished line per e-mail delivery drowns the table
        try:
            loaded = demo_load()
        except (DemoNotAllowed, DemoStepRefused) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            tasks_log.setLevel(level)
        counts = demo_counts()
        vouchers = ", ".join(f"{status} {n}" for status, n in counts.items() if status != "payments")
        if loaded:
            self.say(f"Demo data loaded: a history replayed up to {DEMO_END}.", self.style.SUCCESS)
        else:
            self.say("Demo data already loaded: nothing changed.")
        self.say(f"Vouchers: {vouchers}; payments scheduled: {counts['payments']}.\n")
        logins = demo_logins()
        width = max(len(login.username) for login in logins)
        self.say(f"{'username':<{width}}  password  {'role':<10}  scope")
        for login in logins:
            self.say(f"{login.username:<{width}}  {login.password:<8}  {login.role:<10}  {login.scope}".rstrip())
        self.say(f"\nPortal: {PORTAL_URL} (sign in with a username above, or its e-mail, and the password)")
        self.say(f"Admin: {ADMIN_URL}")
        return {
            "loaded": loaded,
            "counts": counts,
            "logins": [asdict(login) for login in logins],
            "portal_url": PORTAL_URL,
            "admin_url": ADMIN_URL,
        }
