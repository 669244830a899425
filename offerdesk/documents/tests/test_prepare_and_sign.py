"""Preparing a SOW or POE from the program template, and each party signing it in OfferDesk."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core import mail

from offerdesk.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, RuleViolation
from offerdesk.documents.choices import DocumentStatus
from offerdesk.documents.models import Document
from offerdesk.documents.services import document_decline
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.notifications.services import KIND_HEADER
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, audit_events, customer, customer_user, on, snapshot

from .helpers import BROWSER, pdf_info, pdf_text, prepare, shown, sign


def test_a_cso_sow_is_generated_from_the_program_template_and_carries_its_identity(cast: Cast, cso: Voucher) -> None:
    # When Fabrikam prepares the SOW of Contoso's voucher
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW")
    # Then it is the program's SOW template, version and all, pre-filled with the voucher's data
    data = shown(document)
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert (document.template_id, document.template_version) == ("CSO-SOW-2023.08", "2023.08-1")
    text = pdf_text(data)
    for expected in (
        "Statement of Work - M365 Customer Success Offer",
        "Template ID: CSO-SOW-2023.08",
        "Template version: 2023.08-1",
        f"Voucher code: {cso.code}",
        "Contoso",
        "T-100",
        "Fabrikam",
        "Customer Success Offer",
        "$25,000.00",
        "2023-09-01",
        "2024-02-28",
    ):
        assert expected in text, expected
    # And the template, its version and the voucher code are in the PDF's metadata too
    info = pdf_info(data)
    assert info["/OfferDeskTemplateId"] == "CSO-SOW-2023.08"
    assert info["/OfferDeskTemplateVersion"] == "2023.08-1"
    assert info["/OfferDeskVoucher"] == cso.code
    assert info["/OfferDeskDocument"] == document.key
    assert info["/Title"] == "Statement of Work - M365 Customer Success Offer"
    # And it waits for the partner's signature, stored under a random name that tells nothing
    assert document.status == DocumentStatus.AWAITING_PARTNER
    stored = str(document.file.name)
    assert cso.code not in stored and "Contoso" not in stored
    assert re.fullmatch(r"documents/[0-9a-f]{32}(_\w+)?\.pdf", stored)
    assert audit_events("document.prepare")[0].data["sha256"] == document.sha256


def test_a_cso_poe_shows_the_users_deployed_per_workload(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    document = prepare(
        actor=cast.pat,
        voucher=cso,
        partner=cast.fabrikam,
        kind="POE",
        when="2024-01-10",
        users_deployed=1200,
        workload_users={"Exchange Online": 1200, "Teams": 900},
    )
    text = pdf_text(shown(document))
    assert "Proof of Execution - M365 Customer Success Offer" in text
    assert "Template ID: CSO-POE-2023.08" in text
    assert "Users deployed 1,200" in text
    assert "Users deployed on Exchange Online 1,200" in text
    assert "Users deployed on Teams 900" in text
    assert document.workload_users == {"Exchange Online": 1200, "Teams": 900}


def test_a_fy24_sow_shows_its_sow_value_under_the_fy24_template(cast: Cast, dep: Voucher) -> None:
    document = prepare(actor=cast.nico, voucher=dep, partner=cast.northwind, when="2023-10-10", value="60000")
    text = pdf_text(shown(document))
    assert "Template ID: MWS-SOW-FY24" in text
    assert "SOW value $60,000.00" in text
    assert pdf_info(shown(document))["/OfferDeskTemplateVersion"] == "FY24-1"


def test_a_document_that_could_never_be_submitted_is_refused_before_anyone_signs(cast: Cast, cso: Voucher) -> None:
    before = snapshot()
    # Northwind is not the partner mapped to Contoso's CSO voucher (CSO-RED-04)
    with pytest.raises(RuleViolation) as refused:
        prepare(actor=cast.nico, voucher=cso, partner=cast.northwind)
    assert "CSO-RED-04" in refused.value.rules
    # A POE before the SOW is approved (CSO-RED-01); figures on a SOW (OD-IN-01 by its field)
    with pytest.raises(RuleViolation, match="CSO-RED-01"):
        prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="POE", users_deployed=10)
    with pytest.raises(InvalidInput, match="users on Teams: must be a whole number"):
        prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="POE", workload_users={"Teams": "many"})
    with pytest.raises(InvalidInput, match=r"kind: a document is a SOW or a POE, not 'XYZ' \(OD-IN-01\)"):
        prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="XYZ")
    # A partner user acts only for its own partner
    with pytest.raises(PermissionDenied):
        prepare(actor=cast.nico, voucher=cso, partner=cast.fabrikam)
    assert snapshot() == before
    assert {e.outcome for e in audit_events("document.prepare")} == {"refused", "denied"}


def test_a_second_document_of_the_same_kind_waits_for_the_first_to_be_declined(cast: Cast, cso: Voucher) -> None:
    first = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    with pytest.raises(InvalidInput, match=f"already on its way \\(document {first.key}: awaiting the partner"):
        prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    with on("2023-10-02"):
        document_decline(actor=cast.pat, document=first, reason="wrong scope")
    again = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    assert again.key != first.key
    assert Document.objects.filter(voucher=cso).count() == 2


def test_the_partner_signs_then_the_customer_is_sent_the_link(
    cast: Cast, cso: Voucher, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OFFERDESK_SITE_URL = "https://offerdesk.example"
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    # When pat signs what was shown
    with django_capture_on_commit_callbacks(execute=True):
        signed = sign(document, actor=cast.pat, party="partner", name="Pat Fabrikam", title="Delivery lead")
    # Then the signature records who, what title, the user, when, from where, over which bytes
    assert signed.status == DocumentStatus.AWAITING_CUSTOMER
    signature = signed.signatures.get()
    assert (signature.party, signature.name, signature.title, signature.signed_by) == (
        "partner",
        "Pat Fabrikam",
        "Delivery lead",
        cast.pat,
    )
    assert (signature.ip_address, signature.user_agent, signature.shown_sha256) == (
        "203.0.113.7",
        BROWSER,
        document.sha256,
    )
    assert signature.signed_at is not None
    # And Contoso's contact gets the link, in text and HTML, queued with the signature and sent
    notice = OutboxMessage.objects.get(kind=NoticeKind.DOCUMENT_TO_SIGN)
    link = f"https://offerdesk.example/customer/documents/{document.key}/"
    assert notice.to == ["it@contoso.example"]
    assert link in notice.body_text and f'href="{link}"' in notice.body_html
    sent = [m for m in mail.outbox if m.extra_headers[KIND_HEADER] == NoticeKind.DOCUMENT_TO_SIGN]
    assert [m.to for m in sent] == [["it@contoso.example"]]
    assert cso.code in sent[0].subject
    assert audit_events("document.sign")[0].data["party"] == "partner"


def test_a_stale_hash_is_refused_and_changes_nothing(cast: Cast, cso: Voucher) -> None:
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    before = snapshot()
    with pytest.raises(InvalidInput, match=r"shown sha256: the document changed since it was shown"):
        sign(document, actor=cast.pat, party="partner", shown_sha256="0" * 64)
    with pytest.raises(InvalidInput, match=r"shown sha256: must be a SHA-256"):
        sign(document, actor=cast.pat, party="partner", shown_sha256="not a hash")
    with pytest.raises(InvalidInput, match=r"ip: must be an IPv4 or IPv6 address"):
        sign(document, actor=cast.pat, party="partner", ip="999.1.1.1")
    with pytest.raises(InvalidInput, match=r"name: is required \(OD-IN-01\)"):
        sign(document, actor=cast.pat, party="partner", name=" ")
    assert snapshot() == before
    assert [e.outcome for e in audit_events("document.sign")] == ["refused"] * 4


def test_each_party_signs_only_for_itself_and_in_turn(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    otto = customer_user(customer(cast.operator, tpid="T-600", name="Adatum"), "otto")
    document = prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam)
    # The customer cannot sign before the partner; a colleague of pat's may sign for Fabrikam, nico may not
    with pytest.raises(IllegalTransition, match="the customer cannot sign a document that is awaiting the partner"):
        sign(document, actor=carla, party="customer")
    with pytest.raises(NotFound):
        sign(document, actor=cast.nico, party="partner")
    with pytest.raises(NotFound):
        sign(document, actor=otto, party="customer")
    with pytest.raises(PermissionDenied, match="only a user of the partner signs for the partner"):
        sign(document, actor=carla, party="partner")
    with pytest.raises(PermissionDenied, match="only a user of the customer signs for the customer"):
        sign(document, actor=cast.operator, party="customer")
    sign(document, actor=cast.paula, party="partner")
    with pytest.raises(IllegalTransition, match="the partner cannot sign a document that is awaiting the customer"):
        sign(document, actor=cast.pat, party="partner")
    assert document.signatures.count() == 1


def test_the_customer_declines_with_a_reason(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    document = sign(prepare(actor=cast.pat, voucher=cso, partner=cast.fabrikam), actor=cast.pat, party="partner")
    with on("2023-10-03"), pytest.raises(InvalidInput, match=r"reason: is required"):
        document_decline(actor=carla, document=document, reason="")
    with on("2023-10-03"):
        declined = document_decline(actor=carla, document=document, reason="The scope leaves out Teams.")
    assert (declined.status, declined.declined_reason, declined.declined_by) == (
        DocumentStatus.DECLINED,
        "The scope leaves out Teams.",
        carla,
    )
    # And Fabrikam hears of it, with the reason, its FPM in copy (CSO-NOT-01)
    notice = OutboxMessage.objects.get(kind=NoticeKind.DOCUMENT_DECLINED)
    assert (notice.to, notice.cc) == ([cast.fabrikam.primary_contact], [cast.fabrikam.program_manager])
    assert "The scope leaves out Teams." in notice.body_text and "The scope leaves out Teams." in notice.body_html
    with pytest.raises(IllegalTransition):
        sign(declined, actor=carla, party="customer")
    assert audit_events("document.decline", "done")[0].data["reason"] == "The scope leaves out Teams."
