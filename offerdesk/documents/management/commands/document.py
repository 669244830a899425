"""`offerdesk document verify FILE [--json]`: whether a file is an intact OfferDesk document.

Exit status 0: intact; 1: not intact, or refused as a file (with the reason); 2: usage (no such file,
a missing argument)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offerdesk.documents.reading import MAX_BYTES
from offerdesk.documents.services import document_verify

EXIT_NOT_INTACT, EXIT_USAGE = 1, 2  # intact: 0


class Command(BaseCommand):
    help = (
        "Verify a SOW or POE file: is it an intact OfferDesk document, for which voucher and template, signed by whom."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Verify one PDF file.")
        verify.add_argument("file", help="The PDF to verify.")
        verify.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"FILE: no such file: {path}", returncode=EXIT_USAGE)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
        result = document_verify(data=data)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self._describe(path, result)
        if not result.intact:
            raise CommandError(f"{path}: not an intact OfferDesk document: {result.reason}", returncode=EXIT_NOT_INTACT)

    def _describe(self, path: Path, result: Any) -> None:
        verdict = "intact OfferDesk document" if result.intact else "NOT an intact OfferDesk document"
        self.stdout.write(f"{path}: {verdict}: {result.reason}")
        if result.voucher_code or result.template_id:
            claimed = "" if result.intact else " (as the file claims; not vouched for)"
            self.stdout.write(
                f"  {result.kind} for voucher {result.voucher_code}, template {result.template_id} "
                f"version {result.template_version}, document {result.document_key}{claimed}"
            )
        for signer in result.signers:
            self.stdout.write(
                f"  signed by the {signer['party']}: {signer['name']} ({signer['title']}), "
                f"user {signer['username']}, at {signer['signed_at']}"
            )
        if result.sealed_by:
            self.stdout.write(f"  sealed by: {result.sealed_by}")
        self.stdout.write(f"  SHA-256: {result.sha256}")
