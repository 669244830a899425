"""`offerdesk document verify FILE [--json]`: whether a file is an intact OfferDesk document;
`offerdesk document sweep [--dry-run] [--json]`: delete stored PDFs that no document refers to.

Exit status 0: intact; 1: not intact, or refused as a file (with the reason); 2: usage (no such file,
a missing argument)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from offerdesk.core.cli import OfferDeskCommand, Refused, refuse_usage
from offerdesk.documents.reading import MAX_BYTES
from offerdesk.documents.services import document_files_sweep, document_verify


class Command(OfferDeskCommand):
    help = (
        "Verify a SOW or POE file: is it an intact OfferDesk document, for which voucher and template, signed by "
        "whom; or sweep stored PDFs that no document refers to."
    )

    def add_options(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Verify one PDF file.")
        verify.add_argument("file", help="The PDF to verify.")
        verify.add_argument("--json", action="store_true", help="Print the result as JSON.")
        sweep = sub.add_parser(
            "sweep", help="Delete stored PDFs no document refers to (OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS old)."
        )
        sweep.add_argument("--dry-run", action="store_true", help="Count them; delete nothing.")
        sweep.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def run(self, **options: Any) -> Any:
        if options["action"] == "sweep":
            counts = document_files_sweep(dry_run=options["dry_run"])
            verb = "would delete" if options["dry_run"] else "deleted"
            files, orphans = counts["document_files"], counts["document_orphans"]
            self.say(f"{files:,} stored PDFs; {verb} {orphans:,} no document refers to")
            return {"ok": True, "dry_run": options["dry_run"], **counts}
        path = Path(options["file"])
        if not path.is_file():
            raise refuse_usage(f"FILE: no such file: {path}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
        result = document_verify(data=data)
        self._describe(path, result)
        if not result.intact:
            raise Refused(f"{path}: not an intact OfferDesk document: {result.reason}", result=result.as_dict())
        return result.as_dict()

    def _describe(self, path: Path, result: Any) -> None:
        verdict = "intact OfferDesk document" if result.intact else "NOT an intact OfferDesk document"
        self.say(f"{path}: {verdict}: {result.reason}")
        if result.voucher_code or result.template_id:
            claimed = "" if result.intact else " (as the file claims; not vouched for)"
            self.say(
                f"  {result.kind} for voucher {result.voucher_code}, template {result.template_id} "
                f"version {result.template_version}, document {result.document_key}{claimed}"
            )
        for signer in result.signers:
            self.say(
                f"  signed by the {signer['party']}: {signer['name']} ({signer['title']}), "
                f"user {signer['username']}, at {signer['signed_at']}"
            )
        if result.sealed_by:
            self.say(f"  sealed by: {result.sealed_by}")
        self.say(f"  SHA-256: {result.sha256}")
