"""Stored PDFs that no document refers to — their transaction rolled back after the file was saved — are swept
once they are a day old; a document's own files never are."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction

from offerdesk.core import dates
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_files_sweep
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast

from .helpers import prepare


class RolledBack(Exception):
    pass


def stored() -> list[str]:
    return sorted(storages["documents"].listdir("documents")[1])


def test_a_file_left_by_a_rolled_back_transaction_is_swept_after_a_day(cast: Cast, cso: Voucher) -> None:
    with pytest.raises(RolledBack), transaction.atomic():  # the file is saved, the document row is not
        prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-02")
        raise RolledBack
    kept = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, when="2023-10-02")
    assert Document.objects.get() == kept and len(stored()) == 2
    # Younger than OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS: it may belong to a transaction still running
    assert document_files_sweep() == {"document_files": 2, "document_orphans": 0}
    later = dates.now() + dt.timedelta(hours=25)
    assert document_files_sweep(now=later, dry_run=True) == {"document_files": 2, "document_orphans": 1}
    assert len(stored()) == 2
    assert document_files_sweep(now=later) == {"document_files": 2, "document_orphans": 1}
    assert stored() == [str(kept.file.name).removeprefix("documents/")]
    with kept.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_nothing_stored_is_nothing_to_sweep(db: None) -> None:
    assert document_files_sweep() == {"document_files": 0, "document_orphans": 0}


def test_the_command_sweeps_or_counts(cast: Cast, cso: Voucher) -> None:
    storages["documents"].save("documents/orphan.pdf", ContentFile(b"%PDF-1.7 left behind"))
    out = io.StringIO()
    call_command("document", "sweep", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"ok": True, "dry_run": True, "document_files": 1, "document_orphans": 0}
    out = io.StringIO()
    call_command("document", "sweep", stdout=out)
    assert "1 stored PDFs; deleted 0 no document refers to" in out.getvalue()
    assert stored() == ["orphan.pdf"]  # too young to be swept
