"""`offerdesk export-audit [--from DATE] [--to DATE] [--format csv|jsonl] [--output FILE]`: the audit trail."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import CommandParser

from offerdesk.audit.selectors import EXPORT_FIELDS, audit_event_export, audit_event_row
from offerdesk.audit.services import audit_record
from offerdesk.core.cli import OfferDeskCommand, json_line
from offerdesk.core.parsing import parse_optional_date, refuse


class Command(OfferDeskCommand):
    help = (
        "Write the audit trail, oldest first, as CSV (a header, then one row per event; `data` as JSON) or as JSON "
        "lines (one event per line), from --from to --to (program days, both included). The export itself is "
        "recorded on the trail."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="since", help="First day, YYYY-MM-DD (default: the beginning).")
        parser.add_argument("--to", dest="until", help="Last day, YYYY-MM-DD (default: today).")
        parser.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="Default: csv.")
        parser.add_argument("--output", "-o", help="A file to write (default: standard output).")

    def run(self, **options: Any) -> None:
        since = parse_optional_date(options["since"], field="--from")
        until = parse_optional_date(options["until"], field="--to")
        if since and until and until < since:
            raise refuse("--to", f"on or after --from ({since}), not {until}")
        events = audit_event_export(since=since, until=until)
        path = Path(options["output"]) if options["output"] else None
        if path is not None and path.is_dir():
            raise refuse("--output", f"a file, not the folder {str(path)!r}")
        total = events.count()
        with path.open("w", newline="", encoding="utf-8") if path else _Unclosed(cast(TextIO, self.stdout._out)) as out:
            written = self._write(events.iterator(chunk_size=2000), out, options["format"], total)
        audit_record(
            actor=None,
            action="audit.export",
            data={"from": since, "to": until, "format": options["format"], "events": written},
            source="cli",
        )
        if path is not None:
            self.say(f"{written} events written to {path}")

    def _write(self, events: Any, out: TextIO, fmt: str, total: int) -> int:
        bar = self.progress(label="events", total=total)
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n") if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for event in events:
            row = audit_event_row(event)
            if writer:
                writer.writerow({**row, "data": json_line(row["data"])})
            else:
                out.write(json_line(row) + "\n")
            bar.advance()
        bar.close()
        return bar.done


class _Unclosed:
    """Standard output as a context manager that leaves it open."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()
