"""`offerdesk health [--json]`: is the system doing its background work? Exit status 1 when not."""

from __future__ import annotations

from typing import Any

from offerdesk.core.cli import OfferDeskCommand, Refused
from offerdesk.jobs.selectors import health_report


class Command(OfferDeskCommand):
    help = (
        "Report the database, the task queue's depth and the age of its oldest ready task, the oldest pending "
        "e-mail, the live workers and the last daily run. Exit status 1 when unhealthy."
    )
    supports_json = True

    def run(self, **options: Any) -> dict[str, Any]:
        report = health_report()
        self._text(report)
        if not report["healthy"]:
            raise Refused("unhealthy: " + "; ".join(report["problems"]), result=report)
        return report

    def _text(self, report: dict[str, Any]) -> None:
        db = report["database"]
        timing = f", {db['ms']} ms" if db["ok"] else ""
        self.say(f"database   {'ok' if db['ok'] else 'DOWN'} ({db['vendor']}{timing})")
        if not db["ok"]:
            return
        q, o, d = report["queue"], report["outbox"], report["daily_run"]
        self.say(
            f"queue      {q['depth']} ready, {q['running']} running, oldest ready {_s(q['oldest_pending_age_s'])}, "
            f"{q['failed_last_day']} failed in the last day"
        )
        self.say(f"outbox     {o['pending']} pending, oldest {_s(o['oldest_pending_age_s'])}")
        self.say(f"workers    {report['workers']['alive']} alive")
        self.say(f"daily run  last {d['last_run_date'] or 'never'}, due {d['due']}")
        self.say(
            "healthy" if report["healthy"] else "UNHEALTHY",
            self.style.SUCCESS if report["healthy"] else self.style.ERROR,
        )


def _s(age: float | None) -> str:
    return "-" if age is None else f"{age:.0f}s"
