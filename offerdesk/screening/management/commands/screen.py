"""`offerdesk screen [--offer CODE …] [--on DATE] [--format table|csv|json] [--json]`: screen the whole customer base.

Exit status 0 done, 1 refused (a bad date or offer: one line naming the field and the rule), 2 usage."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import CommandParser

from offerdesk.core.cli import OfferDeskCommand
from offerdesk.screening.models import Screening
from offerdesk.screening.selectors import OfferSummary, screening_lines, screening_results, screening_summary
from offerdesk.screening.services import screening_run

COLUMNS = ("tpid", "customer", "offer", "eligible", "cap", "variant", "rules")


class Command(OfferDeskCommand):
    help = (
        "Evaluate every customer against every offer (or those given) as if a voucher were issued on the day: the "
        "candidates with their highest voucher value, the rest with the rule IDs that keep them out. The screening "
        "is stored; its lines can be nominated from."
    )

    supports_json = True  # --json: only the summary, as one JSON document

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--offer", action="append", help="An offer code or name (repeat for several; default all).")
        parser.add_argument("--on", help="The day to screen for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--format",
            choices=("table", "csv", "json"),
            default="table",
            help="table: a summary and the candidates; csv, json: every customer under every offer.",
        )
        parser.add_argument("--limit", type=int, default=50, help="Candidates the table lists per offer (default 50).")

    def run(self, **options: Any) -> dict[str, Any] | None:
        started = time.perf_counter()
        screening = screening_run(actor=None, on=options["on"], offers=options["offer"])  # a refusal: exit 1
        elapsed = time.perf_counter() - started
        if options["verbosity"] > 0:
            self.stderr.write(
                f"screening #{screening.pk}: {screening.customers:,} customers × {len(screening.offers)} offers "
                f"in {elapsed:.2f} s, {screening.candidates:,} candidates"
            )
        summary = screening_summary(screening=screening)
        if options["json"]:
            return summary_document(screening, summary)
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows(screening))
        elif options["format"] == "json":
            self.stdout.write("[", ending="")
            for index, row in enumerate(rows(screening)):
                self.stdout.write(
                    ("," if index else "") + json.dumps(dict(zip(COLUMNS, row, strict=True))), ending="\n"
                )
            self.stdout.write("]")
        else:
            self.table(screening, summary, limit=options["limit"])
        return None

    def table(self, screening: Screening, summary: list[OfferSummary], *, limit: int) -> None:
        self.stdout.write(f"Screening #{screening.pk} for {screening.on}: {screening.customers:,} customers")
        self.stdout.write(f"{'offer':<6} {'candidates':>12} {'total cap (USD)':>20}  kept out most by")
        for s in summary:
            top = ", ".join(f"{rule} {n:,}" for rule, n in s.held_out_by.most_common(4))
            self.stdout.write(f"{s.code:<6} {s.candidates:>12,} {s.total_cap:>20,.2f}  {top}")
        for s in summary:
            lines = screening_lines(screening=screening, offer_code=s.code, eligible=True)[: max(limit, 0)]
            if not lines:
                continue
            self.stdout.write(f"\n{s.code} candidates (first {min(limit, s.candidates):,} of {s.candidates:,}):")
            for line in lines:
                result = line.result(s.code)
                self.stdout.write(
                    f"  {line.customer.tpid:<20} {result.variant:<8} {result.cap:>14,.2f}  {line.customer.name}"
                )


def rows(screening: Screening) -> Iterator[tuple[Any, ...]]:
    """One record per customer and offer, by TPID then offer, streamed from one line per customer."""
    for tpid, name, r in screening_results(screening=screening):
        cap = f"{r.cap:.2f}" if r.cap is not None else ""
        yield tpid, name, r.offer, r.eligible, cap, r.variant, " ".join(r.rule_ids)


def summary_document(screening: Screening, summary: list[OfferSummary]) -> dict[str, Any]:
    return {
        "ok": True,
        "screening": screening.pk,
        "on": screening.on.isoformat(),
        "customers": screening.customers,
        "candidates": screening.candidates,
        "offers": {
            s.code: {
                "customers": s.customers,
                "candidates": s.candidates,
                "total_cap": f"{s.total_cap:.2f}",
                "held_out_by": dict(s.held_out_by.most_common()),
            }
            for s in summary
        },
    }
