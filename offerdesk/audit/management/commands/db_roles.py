"""`offerdesk db_roles --app-role NAME [--password …] [--json]`: the role the application connects as (ADR 8)."""

from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandParser

from offerdesk.audit.roles import db_role_grant
from offerdesk.core.cli import OfferDeskCommand


class Command(OfferDeskCommand):
    help = (
        "PostgreSQL only. Run as the tables' owner (the URL migrations use): create the application's role if "
        "missing and grant it SELECT and INSERT only on the append-only tables, normal rights elsewhere. "
        "Safe to run again; run it after each migrate."
    )
    supports_json = True

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="The role the application connects as.")
        parser.add_argument("--password", help="Set the role's password (omit to keep it, or for peer auth).")

    def run(self, **options: Any) -> dict[str, Any]:
        grants = db_role_grant(role=options["app_role"], password=options["password"])
        self.say(
            f"{'created' if grants.created else 'updated'} role {grants.role}: SELECT and INSERT only on "
            f"{', '.join(grants.append_only)}; SELECT only on {', '.join(grants.read_only)}; "
            "SELECT, INSERT, UPDATE, DELETE on every other table"
        )
        return asdict(grants)
