"""`offerdesk demo`: load the demo data set (once) and print the demo logins."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from offerdesk.demo.data import ADMIN_URL, DEMO_END
from offerdesk.demo.services import DemoNotAllowed, DemoStepRefused, demo_counts, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load a realistic FY24 history through the services (safe to run twice) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
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
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: a history replayed up to {DEMO_END}."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self.stdout.write(f"Vouchers: {vouchers}; payments scheduled: {counts['payments']}.\n")
        logins = demo_logins()
        width = max(len(login.username) for login in logins)
        self.stdout.write(f"{'username':<{width}}  password  {'role':<10}  scope")
        for login in logins:
            row = f"{login.username:<{width}}  {login.password:<8}  {login.role:<10}  {login.scope}"
            self.stdout.write(row.rstrip())
        self.stdout.write(f"\nAdmin: {ADMIN_URL}")
