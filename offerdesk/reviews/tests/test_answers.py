"""A partner's answer to a reviewer's question may carry a file: stored under a random name, told by its content."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from offerdesk.core.errors import InvalidInput
from offerdesk.documents.models import document_storage
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_provide_info, review_request_info
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, audit_events, on, snapshot, submit


def stored_answers() -> Path:
    """The documents' storage folder of this test (a folder of its own, the root conftest)."""
    return Path(document_storage().path("answers"))


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def asked(cast: Cast, dep: Voucher) -> RedemptionRequest:
    sow = submit(actor=cast.pat, voucher=dep, partner=cast.fabrikam, kind="SOW", when="2023-10-10", value="75000")
    with on("2023-10-11"):
        return review_request_info(actor=cast.reviewer, request=sow, question="Send the signed budget page")


def test_an_answer_keeps_its_file_under_a_random_name(cast: Cast, asked: RedemptionRequest) -> None:
    with on("2023-10-12"):
        review_provide_info(actor=cast.pat, request=asked, note="Attached", attachment=("budget page.pdf", PDF))
    step = Decision.objects.get(request=asked, outcome="info_provided")
    assert step.attachment_name == "budget page.pdf"
    assert step.attachment_sha256 == hashlib.sha256(PDF).hexdigest()
    stored = step.attachment.name or ""
    assert "budget" not in stored and stored.endswith(".pdf")
    with document_storage().open(stored, "rb") as handle:  # beside the documents, private
        assert handle.read() == PDF
    assert audit_events("redemption.provide_info", "done")[0].data["attachment"] == "budget page.pdf"


@pytest.mark.parametrize(
    ("attachment", "reason"),
    [
        (("budget.pdf", b"MZ\x90\x00 not a pdf at all"), "attachment: budget.pdf is not a PDF, PNG or JPEG file"),
        (("empty.pdf", b""), "attachment: the file is empty"),
        ("budget.pdf", "attachment: must be a file's name and bytes"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_changes(
    cast: Cast, asked: RedemptionRequest, attachment: Any, reason: str
) -> None:
    before = snapshot()
    with on("2023-10-12"), pytest.raises(InvalidInput, match=reason) as refused:
        review_provide_info(actor=cast.pat, request=asked, note="Attached", attachment=attachment)
    assert "OD-IN-01" in refused.value.rules
    assert snapshot() == before
    assert not list(stored_answers().rglob("*.*"))
