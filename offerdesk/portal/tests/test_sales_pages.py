"""The seller's and operator's pages: find a customer, read its eligibility, nominate, record a deal, issue and
cancel a voucher, re-map a declined referral; every refusal says its rule ID and changes nothing."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.vouchers.choices import NominationStatus, VoucherStatus
from offerdesk.vouchers.models import Deal, Nomination, Referral, Voucher
from offerdesk.vouchers.services import referral_decline
from tests.factories import Cast, cso_customer, cso_nominate, customer, deal, mws_nominate, mws_voucher, on, snapshot

CSO_DAY = "2023-09-01"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_customers_are_found_by_tpid_or_name_and_filtered_by_sector(cast: Cast) -> None:
    # Given three customers, one of them in education
    cso_customer(cast.operator, tpid="T-100", name="Contoso")
    customer(cast.operator, tpid="T-200", name="Adatum")
    customer(cast.operator, tpid="T-300", name="Woodgrove School", sector="Education")
    client = signed_in(cast.seller)
    # When the seller searches by part of a TPID, by name, and by sector
    by_tpid = client.get(reverse("portal:staff-customers"), {"q": "T-2"})
    by_name = client.get(reverse("portal:staff-customers"), {"q": "conto"})
    by_sector = client.get(reverse("portal:staff-customers"), {"sector": "Education"})
    # Then each lists only the customers that match
    assert "Adatum" in by_tpid.text and "Contoso" not in by_tpid.text
    assert "Contoso" in by_name.text and "Adatum" not in by_name.text
    assert "Woodgrove School" in by_sector.text and "Contoso" not in by_sector.text


def test_a_filter_value_not_on_its_list_is_refused_by_field(cast: Cast) -> None:
    customer(cast.operator, tpid="T-200", name="Adatum")
    answer = signed_in(cast.seller).get(reverse("portal:staff-customers"), {"sector": "Martian", "country": "ZZ"})
    assert answer.status_code == 400
    assert "sector: must be one of" in answer.text and "(OD-IN-01)" in answer.text
    assert "Adatum" not in answer.text  # nothing listed under a refused filter


def test_the_customer_list_exports_every_match_as_csv(cast: Cast) -> None:
    customer(cast.operator, tpid="T-200", name="Adatum")
    customer(cast.operator, tpid="T-300", name="Alpine", country="GB")
    answer = signed_in(cast.seller).get(reverse("portal:staff-customers"), {"q": "A", "export": "csv", "sort": "-tpid"})
    assert isinstance(answer, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))  # type: ignore[arg-type]
    assert rows[0] == ["TPID", "Name", "Sector", "Segment", "Country", "Company group"]
    assert [r[:2] for r in rows[1:]] == [["T-300", "Alpine"], ["T-200", "Adatum"]]


def test_eligibility_shows_the_cap_or_every_failing_rule_in_plain_words(cast: Cast) -> None:
    # Given a customer the CSO fits and one with no seats at all
    fits = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    bare = customer(cast.operator, tpid="T-200", name="Adatum")
    cso_nominate(cast, customer=fits, partner=cast.fabrikam, when=CSO_DAY)
    client = signed_in(cast.seller)
    # When the seller opens their eligibility for a day in the CSO's window
    with on(CSO_DAY):
        good = client.get(reverse("portal:staff-customer-eligibility", args=[fits.tpid]))
        bad = client.get(reverse("portal:staff-customer-eligibility", args=[bare.tpid]))
    # Then Contoso is eligible for the CSO with its tier's cap, Adatum is not, with the rules and their reasons
    assert good.status_code == 200
    cso = _section(good.text, "Customer Success Offer")
    assert "Eligible" in cso and "$" in cso
    adatum = _section(bad.text, "Customer Success Offer")
    assert "Not eligible" in adatum
    assert "CSO-ELIG-03" in adatum and "CSO-NOM-02" in adatum


def test_eligibility_on_a_chosen_day_and_a_bad_day(cast: Cast) -> None:
    fits = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    cso_nominate(cast, customer=fits, partner=cast.fabrikam, when=CSO_DAY)
    client = signed_in(cast.seller)
    url = reverse("portal:staff-customer-eligibility", args=[fits.tpid])
    with on(CSO_DAY):
        later = client.get(url, {"on": "2099-01-01"})  # long after the partner had to accept
        broken = client.get(url, {"on": "31/02/2024"})
    assert "CSO-ENG-01" in _section(later.text, "Customer Success Offer")
    assert broken.status_code == 400
    assert "(OD-IN-01)" in broken.text


def _section(html: str, offer: str) -> str:
    start = html.index(f'data-offer="{offer}"')
    return html[start : html.index("</section>", start)]


def test_a_seller_nominates_a_customer_for_the_cso_with_its_partner(cast: Cast) -> None:
    fits = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    client = signed_in(cast.seller)
    with on(CSO_DAY):
        answer = client.post(
            reverse("portal:staff-customer-nominate", args=[fits.tpid]),
            {"offer": "CSO", "partner": str(cast.fabrikam.pk)},
        )
    assert answer.status_code == 302
    nomination = Nomination.objects.get(customer=fits)
    assert nomination.partner == cast.fabrikam
    assert Referral.objects.filter(nomination=nomination, partner=cast.fabrikam).exists()


def test_a_refused_nomination_lists_its_rules_and_changes_nothing(cast: Cast) -> None:
    bare = customer(cast.operator, tpid="T-200", name="Adatum")
    client = signed_in(cast.seller)
    before = snapshot()
    with on(CSO_DAY):
        answer = client.post(
            reverse("portal:staff-customer-nominate", args=[bare.tpid]),
            {"offer": "CSO", "partner": str(cast.fabrikam.pk)},
        )
        forged = client.post(reverse("portal:staff-customer-nominate", args=[bare.tpid]), {"offer": "NOPE"})
    assert answer.status_code == 422
    assert "CSO-ELIG-03" in answer.text
    assert forged.status_code == 400 and "offer: must be one of" in forged.text
    assert snapshot() == before


def test_a_deal_is_recorded_and_a_bad_value_refused_by_field(cast: Cast) -> None:
    found = customer(cast.operator, tpid="T-200", name="Adatum")
    client = signed_in(cast.seller)
    url = reverse("portal:staff-customer-deal", args=[found.tpid])
    data = {
        "value": "250000.00",
        "close_date": "2023-10-01",
        "workloads": ["Microsoft 365 E3"],
        "upsell_attested": "on",
    }
    with on("2023-10-02"):
        assert client.get(url).status_code == 200
        bad = client.post(url, {**data, "value": "1e5"})
        assert bad.status_code == 400 and "deal value:" in bad.text and "(OD-IN-01)" in bad.text
        assert not Deal.objects.exists()
        good = client.post(url, data)
    assert good.status_code == 302
    deal = Deal.objects.get(customer=found)
    assert str(deal.value) == "250000.00" and deal.workloads == ["Microsoft 365 E3"] and deal.upsell_attested


def test_a_fy24_voucher_is_issued_at_most_at_its_cap(cast: Cast) -> None:
    # Given a nominated customer with a qualifying deal
    found = customer(cast.operator, tpid="T-200", name="Adatum")
    mws_nominate(cast, customer=found, when="2023-09-01")
    deal(cast, customer=found, closed="2023-10-01")
    client = signed_in(cast.operator)
    url = reverse("portal:staff-customer-issue", args=[found.tpid])
    with on("2023-10-05"):
        page = client.get(url)
        # When the operator asks for more than the cap, then for the cap's value
        over = client.post(url, {"offer": "DEP", "face_value": "9999999.00"})
        assert not Voucher.objects.exists()
        good = client.post(url, {"offer": "DEP", "face_value": "1000.00"})
    # Then the page shows the cap; too much is refused by MWS-CAP-09; the voucher is issued at the asked value
    assert page.status_code == 200 and "M365 Deployment Offer" in page.text
    assert over.status_code == 422 and "MWS-CAP-09" in over.text
    assert good.status_code == 302
    assert str(Voucher.objects.get(customer=found).face_value) == "1000.00"


def test_an_operator_cancels_a_voucher_with_a_reason_a_seller_may_not(cast: Cast) -> None:
    voucher = mws_voucher(cast, customer=customer(cast.operator, tpid="T-200", name="Adatum"))
    url = reverse("portal:staff-voucher-cancel", args=[voucher.code])
    with on("2023-10-06"):
        by_seller = signed_in(cast.seller).post(url, {"reason": "duplicate"})
        no_reason = signed_in(cast.operator).post(url, {"reason": ""})
        voucher.refresh_from_db()
        assert voucher.status == VoucherStatus.OPEN
        done = signed_in(cast.operator).post(url, {"reason": "issued twice by mistake"})
    assert by_seller.status_code == 403
    assert no_reason.status_code == 400 and "reason:" in no_reason.text
    assert done.status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.CANCELLED


def test_a_declined_referral_is_re_mapped_to_another_partner(cast: Cast) -> None:
    # Given Fabrikam declined Contoso's referral
    fits = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    first = cso_nominate(cast, customer=fits, partner=cast.fabrikam, when=CSO_DAY)
    with on("2023-09-02"):
        referral_decline(actor=cast.pat, referral=first.referral, reason="no capacity")
    client = signed_in(cast.operator)
    # When the operator opens the nomination and maps Contoso to Northwind
    with on("2023-09-04"):
        page = client.get(reverse("portal:staff-nomination", args=[first.pk]))
        answer = client.post(reverse("portal:staff-nomination-remap", args=[first.pk]), {"partner": cast.northwind.pk})
    # Then a new nomination refers Northwind, with its own intent window
    assert "Map to another partner" in page.text
    assert answer.status_code == 302
    new = Nomination.objects.get(customer=fits, status=NominationStatus.ACTIVE)
    assert new.partner == cast.northwind and new.referral.partner == cast.northwind
    assert new.referral.notified_on.isoformat() == "2023-09-04"


def test_an_fpm_reads_only_its_partners_vouchers_and_customers(cast: Cast) -> None:
    ours = mws_voucher(cast, customer=customer(cast.operator, tpid="T-200", name="Adatum"))
    theirs = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    cso_nominate(cast, customer=theirs, partner=cast.northwind, when=CSO_DAY)
    felix = signed_in(cast.felix)  # Northwind's FPM
    listed = felix.get(reverse("portal:staff-customers"))
    assert "Contoso" in listed.text and "Adatum" not in listed.text
    assert felix.get(reverse("portal:staff-voucher", args=[ours.code])).status_code == 404
    assert felix.get(reverse("portal:staff-customer-eligibility", args=[theirs.tpid])).status_code == 403


def test_a_partner_page_shows_payments_to_finance_not_to_a_seller(cast: Cast) -> None:
    url = reverse("portal:staff-partner", args=[cast.fabrikam.pk])
    assert "not shown to your role" in signed_in(cast.seller).get(url).text
    assert "not shown to your role" not in signed_in(cast.finance).get(url).text
