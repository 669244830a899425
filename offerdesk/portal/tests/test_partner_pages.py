"""The partner portal's pages through Django's test client: what each shows, each answer in place (htmx), each
refusal by its field with the input kept and nothing changed, another tenant's object not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.payouts.services import (
    exchange_rate_set,
    payment_run_create,
    payment_run_item_mark_paid,
    payment_run_mark_sent,
)
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.reviews.models import Decision
from offerdesk.reviews.services import review_request_info
from offerdesk.vouchers.models import Referral, Voucher
from tests.factories import (
    Cast,
    approve,
    approved_sow,
    audit_events,
    cso_customer,
    cso_nominate,
    cso_poe,
    cso_voucher,
    on,
    partner_user,
    snapshot,
    submit,
)
from tests.factories import partner as make_partner

HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def referral(cast: Cast) -> Referral:
    """Contoso referred to Fabrikam on 2023-09-01, to answer by 2023-10-01."""
    return cso_nominate(cast, customer=cso_customer(cast.operator), partner=cast.fabrikam).referral


# ------------------------------------------------------------------------------------------ referrals


def test_the_referrals_page_lists_what_waits_with_the_date_and_days_left(cast: Cast, referral: Referral) -> None:
    with on("2023-09-21"):
        page = client_for(cast.pat).get(reverse("portal:partner-referrals"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contoso" in html and "T-100" in html and "Customer Success Offer" in html
    assert "Oct 1, 2023" in html and "10 days left" in html
    with on("2023-09-21"):
        assert "Contoso" not in client_for(cast.nico).get(reverse("portal:partner-referrals")).content.decode()


def test_accepting_in_place_issues_the_voucher_and_the_row_says_so(cast: Cast, referral: Referral) -> None:
    with on("2023-09-05"):
        answer = client_for(cast.pat).post(reverse("portal:partner-referral-accept", args=[referral.pk]), headers=HTMX)
    assert answer.status_code == 200
    voucher = Voucher.objects.get(nomination=referral.nomination)
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<li class="panel referral" id="referral-{referral.pk}"')  # the row only
    assert f'voucher <a href="/partner/vouchers/{voucher.code}/">{voucher.code}</a>' in html
    assert "is issued to Contoso" in html


def test_accepting_without_htmx_goes_back_to_the_list_with_the_message(cast: Cast, referral: Referral) -> None:
    with on("2023-09-05"):
        answer = client_for(cast.pat).post(reverse("portal:partner-referral-accept", args=[referral.pk]), follow=True)
    voucher = Voucher.objects.get(nomination=referral.nomination)
    assert answer.redirect_chain == [(reverse("portal:partner-referrals"), 302)]
    assert f"Accepted: voucher {voucher.code} is issued to Contoso." in answer.content.decode()


def test_accepting_twice_shows_why_in_the_row_and_changes_nothing(cast: Cast, referral: Referral) -> None:
    pat = client_for(cast.pat)
    with on("2023-09-05"):
        pat.post(reverse("portal:partner-referral-accept", args=[referral.pk]), headers=HTMX)
        before = snapshot()
        again = client_for(cast.paula).post(reverse("portal:partner-referral-accept", args=[referral.pk]), headers=HTMX)
    assert again.status_code == 400
    assert "this referral is already accepted" in again.content.decode()
    assert snapshot() == before


def test_declining_needs_a_reason_and_keeps_nothing_half_done(cast: Cast, referral: Referral) -> None:
    url = reverse("portal:partner-referral-decline", args=[referral.pk])
    with on("2023-09-05"):
        before = snapshot()
        empty = client_for(cast.pat).post(url, {"reason": ""}, headers=HTMX)
        assert empty.status_code == 400
        assert 'aria-invalid="true"' in empty.content.decode()
        assert snapshot() == before
        declined = client_for(cast.pat).post(url, {"reason": "No capacity this quarter"}, headers=HTMX)
    assert declined.status_code == 200
    assert "Declined. Microsoft may refer Contoso to another partner." in declined.content.decode()
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert audit_events("referral.decline", "done")[0].data["reason"] == "No capacity this quarter"


def test_a_bad_reason_is_refused_by_its_field_with_the_input_kept(cast: Cast, referral: Referral) -> None:
    with on("2023-09-05"):
        before = snapshot()
        refused = client_for(cast.pat).post(
            reverse("portal:partner-referral-decline", args=[referral.pk]), {"reason": "busy\x07"}, headers=HTMX
        )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "reason:" in html and "OD-IN-01" in html
    assert snapshot() == before


@pytest.mark.parametrize("route", ["portal:partner-referral-accept", "portal:partner-referral-decline"])
def test_a_forged_post_on_another_partners_referral_is_not_found(cast: Cast, referral: Referral, route: str) -> None:
    before = snapshot()
    with on("2023-09-05"):
        forged = client_for(cast.nico).post(reverse(route, args=[referral.pk]), {"reason": "mine now"})
    assert forged.status_code == 404
    assert snapshot() == before


def test_an_fpm_reads_the_referrals_and_may_not_answer(cast: Cast, referral: Referral) -> None:
    fran = client_for(cast.fran)
    with on("2023-09-05"):
        assert "Contoso" in fran.get(reverse("portal:partner-referrals")).content.decode()
        assert fran.post(reverse("portal:partner-referral-accept", args=[referral.pk])).status_code == 403
    assert referral.status == "pending"


def test_staff_and_customers_are_not_at_home_here(cast: Cast) -> None:
    for user in (cast.reviewer, cast.finance, cast.seller):
        assert client_for(user).get(reverse("portal:partner-vouchers")).status_code == 403


# ------------------------------------------------------------------------------------------- vouchers


def test_the_vouchers_page_shows_each_voucher_with_what_was_requested_approved_and_paid(
    cast: Cast, cso: Voucher
) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04", value="30000")
    with on("2023-10-05"):
        page = client_for(cast.pat).get(reverse("portal:partner-vouchers"))
    html = page.content.decode()
    assert cso.code in html and "Contoso" in html and "(T-100)" in html
    assert "$30,000.00" in html  # the SOW's value
    assert "SOW</a> approved" in html
    assert "Feb 28, 2024" in html and "146 days left" in html
    assert client_for(cast.nico).get(reverse("portal:partner-vouchers")).content.decode().count(cso.code) == 0


def test_a_vouchers_page_tells_its_whole_history(cast: Cast, cso: Voucher) -> None:
    approved_sow(cast, voucher=cso, submitted="2023-10-02", approved="2023-10-04", value="30000")
    with on("2023-10-05"):
        page = client_for(cast.paula).get(reverse("portal:partner-voucher", args=[cso.code]))
    html = page.content.decode()
    assert page.status_code == 200
    for step in ("Nominated", "Referred to Fabrikam", "Referral accepted", "Issued", "SOW: Approved"):
        assert step in html
    assert client_for(cast.nico).get(reverse("portal:partner-voucher", args=[cso.code])).status_code == 404


# ---------------------------------------------------------------------------------- my voucher redemptions


@pytest.fixture
def questioned(cast: Cast, cso: Voucher) -> RedemptionRequest:
    """Fabrikam's CSO SOW, on which the reviewer asked a question on 2023-10-03."""
    sow = submit(actor=cast.pat, voucher=cso, partner=cast.fabrikam, kind="SOW", when="2023-10-02", value="30000")
    with on("2023-10-03"):
        return review_request_info(actor=cast.reviewer, request=sow, question="Which sites are in scope?")


def test_the_redemptions_filter_answers_in_place(cast: Cast, questioned: RedemptionRequest) -> None:
    pat = client_for(cast.pat)
    url = reverse("portal:partner-redemptions")
    with on("2023-10-04"):
        everything = pat.get(url).content.decode()
        waiting = pat.get(url, {"status": "needs_info"}, headers=HTMX)
        approved = pat.get(url, {"status": "approved"}, headers=HTMX)
    assert "Which sites are in scope?" in everything and "<h1>" in everything
    assert waiting.status_code == 200
    assert waiting.content.decode().lstrip().startswith('<div id="requests"')  # the table only
    assert "Which sites are in scope?" in waiting.content.decode()
    assert "No request with this status." in approved.content.decode()


def test_a_bad_status_filter_is_refused_by_its_field(cast: Cast, questioned: RedemptionRequest) -> None:
    refused = client_for(cast.pat).get(reverse("portal:partner-redemptions"), {"status": "pending"})
    assert refused.status_code == 400
    assert (
        "status: must be one of approved, needs_info, received, rejected, withdrawn, not &#x27;pending&#x27; (OD-IN-01)"
        in (refused.content.decode())
    )


def test_answering_restarts_the_review_clock_and_keeps_the_file(cast: Cast, questioned: RedemptionRequest) -> None:
    upload = _file("sites.pdf", b"%PDF-1.7\n%%EOF\n")
    with on("2023-10-06"):
        answered = client_for(cast.pat).post(
            reverse("portal:partner-redemption-answer", args=[questioned.pk]),
            {"note": "Redmond and Dublin", "attachment": upload},
            follow=True,
        )
    assert answered.status_code == 200
    assert "Your answer is sent; the review clock runs again." in answered.content.decode()
    questioned.refresh_from_db()
    assert (questioned.status, questioned.sla_paused_on) == ("received", None)
    step = Decision.objects.get(request=questioned, outcome="info_provided")
    assert step.reason == "Redmond and Dublin" and step.attachment_name == "sites.pdf"
    download = client_for(cast.paula).get(
        reverse("portal:partner-redemption-attachment", args=[questioned.pk, step.pk])
    )
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == b"%PDF-1.7\n%%EOF\n"
    assert (
        client_for(cast.nico)
        .get(reverse("portal:partner-redemption-attachment", args=[questioned.pk, step.pk]))
        .status_code
        == 404
    )


def test_a_file_that_is_not_what_it_claims_is_refused_with_the_answer_kept(
    cast: Cast, questioned: RedemptionRequest
) -> None:
    before = snapshot()
    with on("2023-10-06"):
        refused = client_for(cast.pat).post(
            reverse("portal:partner-redemption-answer", args=[questioned.pk]),
            {"note": "See the attached", "attachment": _file("sites.pdf", b"MZ\x90\x00 an executable")},
        )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "sites.pdf is not a PDF, PNG or JPEG file" in html and "OD-IN-01" in html
    assert "See the attached</textarea>" in html
    assert snapshot() == before


def test_a_forged_answer_on_another_partners_request_is_not_found(cast: Cast, questioned: RedemptionRequest) -> None:
    before = snapshot()
    forged = client_for(cast.nico).post(
        reverse("portal:partner-redemption-answer", args=[questioned.pk]), {"note": "mine"}
    )
    assert forged.status_code == 404
    assert snapshot() == before


# ------------------------------------------------------------------------------------------- payments


def test_the_payments_page_shows_owed_and_paid_in_usd_and_the_payout_currency(cast: Cast) -> None:
    euro = make_partner(cast.operator, "Eurofirm", payout_currency="EUR")
    eva = partner_user(euro, "eva")
    cso = cso_voucher(cast, customer=cso_customer(cast.operator), partner=euro, partner_user=eva)
    approved_sow(cast, voucher=cso, partner=euro, submitted="2023-10-02", approved="2023-10-04")
    approve(cast, cso_poe(actor=eva, voucher=cso, partner=euro, when="2024-01-10"), when="2024-01-12")
    with on("2024-02-01"):
        exchange_rate_set(actor=cast.finance, currency="EUR", rate="0.9", effective_from=dt.date(2024, 1, 1))
        owed = client_for(eva).get(reverse("portal:partner-payments")).content.decode()
        run = payment_run_create(actor=cast.finance, up_to="2024-12-31")
        in_run = client_for(eva).get(reverse("portal:partner-payments")).content.decode()
        payment_run_mark_sent(actor=cast.finance, run=run)
        payment_run_item_mark_paid(actor=cast.finance, item=run.items.get())
        paid = client_for(eva).get(reverse("portal:partner-payments")).content.decode()
    assert "$9,000.00" in owed and "€8,100.00 (estimate)" in owed and "Mar 16, 2024" in owed
    assert ">Owed</span>" in owed and ">Paid</span>" not in owed
    assert ">Owed</span> (in a payment run)" in in_run and ">Paid</span>" not in in_run
    assert ">Paid</span>" in paid and "€8,100.00" in paid
    assert "Nothing yet" in client_for(cast.pat).get(reverse("portal:partner-payments")).content.decode()


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
