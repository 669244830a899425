"""Redeem voucher through the pages: the voucher by its ID or from the list, the step's own questions, the
pre-filled template read and signed in the page, the customer's signature, the submission; or an upload.
Every refusal names its rule or field, keeps the input and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.documents.models import Document
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, approved_sow, customer_user, on, snapshot

from .signing import customer_signs, pdf_with_text


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }


def test_a_fy24_voucher_is_found_by_the_id_as_the_customer_presents_it(cast: Cast, dep: Voucher) -> None:
    with on("2023-10-06"):
        found = client_for(cast.pat).get(
            reverse("portal:partner-redeem"), {"code": f" {dep.code.lower()} ", "kind": "SOW"}
        )
    assert found.status_code == 302
    assert found["Location"] == reverse("portal:partner-redeem-figures", args=[dep.code, "SOW"])


def test_a_link_with_the_id_alone_fills_the_form_without_sending_it(cast: Cast, dep: Voucher) -> None:
    with on("2023-10-06"):
        page = client_for(cast.pat).get(reverse("portal:partner-redeem"), {"code": dep.code})
    assert page.status_code == 200
    assert f'value="{dep.code}"' in page.content.decode() and "errorlist" not in page.content.decode()


def test_an_unknown_id_is_refused_by_its_field_with_the_input_kept(cast: Cast, dep: Voucher) -> None:
    with on("2023-10-06"):
        refused = client_for(cast.pat).get(reverse("portal:partner-redeem"), {"code": "AAAAA-BBBBB", "kind": "SOW"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "No voucher with this ID can be redeemed by your company" in html
    assert 'value="AAAAA-BBBBB"' in html


def test_the_form_asks_exactly_what_the_step_needs(cast: Cast, cso: Voucher, dep: Voucher) -> None:
    pat = client_for(cast.pat)
    with on("2023-10-06"):
        fy24_sow = pat.get(reverse("portal:partner-redeem-figures", args=[dep.code, "SOW"])).content.decode()
        fy24_poe = pat.get(reverse("portal:partner-redeem-figures", args=[dep.code, "POE"])).content.decode()
        cso_poe = pat.get(reverse("portal:partner-redeem-figures", args=[cso.code, "POE"])).content.decode()
    assert "SOW value (USD)" in fy24_sow and "Users deployed" not in fy24_sow
    assert "This step asks nothing more" in fy24_poe and "SOW value" not in fy24_poe
    assert "SOW value" not in cso_poe and "Users deployed" in cso_poe
    for workload in ("Exchange Online", "SharePoint Online", "Teams", "Microsoft 365 Apps"):
        assert f"Users on {workload}" in cso_poe


def test_a_refused_step_shows_every_rule_with_its_reason_and_keeps_the_input(cast: Cast, cso: Voucher) -> None:
    before = snapshot()
    with on("2023-10-06"):  # no approved SOW yet, and only 100 users on one workload
        refused = client_for(cast.pat).post(
            reverse("portal:partner-redeem-figures", args=[cso.code, "POE"]),
            {"users_deployed": "100", "workload_0": "100"},
        )
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "CSO-RED-01: the POE waits for an approved SOW" in html
    assert "CSO-WL-02" in html and "CSO-USR-01" in html
    assert 'value="100"' in html
    assert snapshot() == before


def test_a_bad_figure_is_refused_by_its_field(cast: Cast, dep: Voucher) -> None:
    before = snapshot()
    with on("2023-10-06"):
        refused = client_for(cast.pat).post(
            reverse("portal:partner-redeem-figures", args=[dep.code, "SOW"]), {"value": "75 thousand"}
        )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "value:" in html and "OD-IN-01" in html and 'aria-invalid="true"' in html
    assert snapshot() == before


def test_prepare_sign_have_the_customer_sign_then_submit(
    cast: Cast, dep: Voucher, django_capture_on_commit_callbacks: Any
) -> None:
    pat = client_for(cast.pat)
    with on("2023-10-06"):
        # Given the SOW generated from the program template, pre-filled
        prepared = pat.post(reverse("portal:partner-redeem-figures", args=[dep.code, "SOW"]), {"value": "75000"})
        document = Document.objects.get()
        assert prepared["Location"] == reverse("portal:partner-document", args=[document.key])
        page = pat.get(prepared["Location"]).content.decode()
        assert "Awaiting the partner" in page and reverse("portal:partner-document-pdf", args=[document.key]) in page
        pdf = pat.get(reverse("portal:partner-document-pdf", args=[document.key]))
        assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"
        assert pdf.content.startswith(b"%PDF-") and pdf["Content-Disposition"].startswith("inline;")
        # When the partner signs a stale copy, it is refused; then it signs what it was shown
        stale = pat.post(
            reverse("portal:partner-document-sign", args=[document.key]),
            {"name": "Pat Partner", "title": "Delivery lead", "shown_sha256": "0" * 64},
        )
        assert stale.status_code == 400 and "stale hash" in stale.content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            signed = pat.post(
                reverse("portal:partner-document-sign", args=[document.key]),
                {"name": "Pat Partner", "title": "Delivery lead", "shown_sha256": document.sha256},
                follow=True,
            )
        assert "The customer&#x27;s contact is e-mailed a link" in signed.content.decode()
        # (the outbox also delivers the voucher's own e-mail to the customer, queued when it was issued)
        [link] = [m for m in mail.outbox if f"/customer/documents/{document.key}/" in m.body]
        assert link.to == ["it@adatum.example"]
        # And once the customer signed, the partner submits
        carla = customer_user(dep.customer, "carla", email="it@adatum.example")
        customer_signs(document, carla)
        status = pat.get(reverse("portal:partner-document", args=[document.key]), headers={"HX-Request": "true"})
        assert status.content.decode().lstrip().startswith('<section id="document-status"')
        assert "Submit the SOW" in status.content.decode()
        submitted = pat.post(reverse("portal:partner-document-submit", args=[document.key]))
    request = RedemptionRequest.objects.get()
    assert submitted["Location"] == reverse("portal:partner-redemption", args=[request.pk])
    assert (request.kind, request.status, request.value) == ("SOW", "received", 75000)


def test_another_partner_never_opens_the_document(cast: Cast, dep: Voucher) -> None:
    with on("2023-10-06"):
        client_for(cast.pat).post(reverse("portal:partner-redeem-figures", args=[dep.code, "SOW"]), {"value": "75000"})
    key = Document.objects.get().key
    nico = client_for(cast.nico)
    for route in ("portal:partner-document", "portal:partner-document-pdf"):
        assert nico.get(reverse(route, args=[key])).status_code == 404
    before = snapshot()
    forged = nico.post(
        reverse("portal:partner-document-sign", args=[key]), {"name": "N", "title": "T", "shown_sha256": "0" * 64}
    )
    assert forged.status_code == 404
    assert snapshot() == before


def test_a_non_template_upload_is_refused_with_its_rule_id_and_the_input_kept(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04")
    before = snapshot()
    with on("2024-01-10"):
        refused = client_for(cast.pat).post(
            reverse("portal:partner-redeem-upload", args=[cso.code, "POE"]),
            {
                "file": SimpleUploadedFile(
                    "poe.pdf", pdf_with_text("Our own POE form"), content_type="application/pdf"
                ),
                "customer_name": "Carla Customer",
                "customer_title": "CIO",
                "partner_name": "Pat Partner",
                "partner_title": "Lead",
                "users_deployed": "600",
                "workload_0": "600",
                "workload_2": "600",
            },
        )
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "CSO-RED-02: only the program&#x27;s POE template (CSO-POE-2023.08) is accepted" in html
    assert 'value="Carla Customer"' in html and 'value="600"' in html
    assert snapshot() == before


def test_a_file_that_is_not_a_pdf_is_refused_by_its_field(cast: Cast, dep: Voucher) -> None:
    before = snapshot()
    with on("2023-10-06"):
        refused = client_for(cast.pat).post(
            reverse("portal:partner-redeem-upload", args=[dep.code, "SOW"]),
            {
                "file": SimpleUploadedFile("sow.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"),
                "customer_name": "Carla Customer",
                "partner_name": "Pat Partner",
                "value": "75000",
            },
        )
    assert refused.status_code == 400
    assert "file:" in refused.content.decode()
    assert snapshot() == before
