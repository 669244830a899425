"""`offerdesk import <kind> FILE --user OPERATOR [--dry-run] [--errors REPORT.csv] [--json]`: a CSV or XLSX file
of customers, licences, usage, partners, nominations, deals or exchange rates, all or nothing."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from offerdesk.core.cli import OfferDeskCommand, Refused, command_user
from offerdesk.core.errors import DomainError
from offerdesk.imports.kinds import KINDS
from offerdesk.imports.reading import ImportRefused, Problem
from offerdesk.imports.services import ENGINES, import_file


class Command(OfferDeskCommand):
    help = "Import a CSV or XLSX file, all or nothing; the same file imported twice changes nothing."
    supports_json = True

    def add_options(self, parser: CommandParser) -> None:
        kinds = "; ".join(f"{name}: {kind.about}" for name, kind in KINDS.items()).replace(
            "%", "%%"
        )  # argparse formats help
        parser.add_argument("kind", choices=list(KINDS), help=f"What the file holds ({kinds}).")
        parser.add_argument("file", help="The CSV (UTF-8, comma-separated, a header line) or XLSX file.")
        parser.add_argument("--user", required=True, help="The operator's username (recorded on the audit trail).")
        parser.add_argument("--dry-run", action="store_true", help="Check everything and report; keep nothing.")
        parser.add_argument(
            "--errors", metavar="REPORT", help="Write every problem to this CSV (line, column, problem)."
        )
        parser.add_argument("--engine", choices=ENGINES, default="auto", help="The import path (default: auto).")

    def run(self, **options: Any) -> dict[str, Any]:
        user = command_user(options["user"])
        bar = _Bar(enabled=int(options["verbosity"]) > 0)
        try:
            result = import_file(
                actor=user,
                kind=options["kind"],
                path=options["file"],
                dry_run=options["dry_run"],
                progress=bar,
                engine=options["engine"],
            )
        except DomainError as error:
            bar.close()
            problems = error.problems if isinstance(error, ImportRefused) else [Problem(0, "", error.message)]
            if options["errors"]:
                _write_report(Path(options["errors"]), problems)
            listed = [{"line": p.line, "column": p.column, "problem": p.message} for p in problems]
            raise Refused(error.message, result={"ok": False, "error": error.message, "problems": listed}) from error
        bar.close()
        if options["errors"]:
            _write_report(Path(options["errors"]), [])
        counts = ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in result.counts.items())
        kept = "dry run, nothing kept" if result.dry_run else "imported"
        self.say(f"{result.kind} from {result.file} ({kept}; sha256 {result.sha256}): {counts}")
        return {"ok": True, **result.as_dict()}


def _write_report(path: Path, problems: list[Problem]) -> None:
    """The problems as a CSV an operator opens beside the file: line, column, problem."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "problem"])
        writer.writerows([p.line, p.column, p.message] for p in problems)


class _Bar:
    """Rows read and rows per second on stderr, redrawn at most twice a second (a bar by bytes where known)."""

    width = 24

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr is not None
        self.started = self.shown = time.monotonic()
        self.drawn = False

    def __call__(self, rows: int, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.shown < 0.5:
            return
        self.shown = now
        rate = rows / max(now - self.started, 1e-9)
        share = min(done / total, 1.0) if total and done else None
        bar = f"[{'#' * round(share * self.width):<{self.width}}] {share:4.0%} " if share is not None else ""
        end = "\r" if sys.stderr.isatty() else "\n"
        sys.stderr.write(f"{bar}{rows:,} rows, {rate:,.0f} rows/s{end}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.enabled and self.drawn and sys.stderr.isatty():
            sys.stderr.write("\n")
