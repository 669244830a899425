"""Finance's pages at work: a rate added (and a bad one refused), a file of rates imported, a run created, exported
and read back, sent, paid and failed, a paid payment reversed; the partner reads its statement, never another's."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.payouts.choices import ItemStatus, RunStatus
from offerdesk.payouts.models import ExchangeRate, PaymentReversal, PaymentRun, PaymentRunItem, Statement
from offerdesk.payouts.services import statements_publish
from offerdesk.payouts.tests.ledger import scheduled_payment
from tests.factories import Cast, on, partner_user, snapshot
from tests.factories import partner as make_partner


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_finance_adds_a_rate_and_a_bad_one_is_refused_by_its_field(cast: Cast) -> None:
    client = signed_in(cast.finance)
    with on("2024-02-01"):
        added = client.post(
            reverse("portal:finance-rate-add"), {"currency": "inr", "rate": "83.4", "effective_from": "2024-03-01"}
        )
        before = snapshot()
        refused = client.post(
            reverse("portal:finance-rate-add"), {"currency": "VND", "rate": "2,000,000", "effective_from": "2024-03-01"}
        )
    assert added.status_code == 302
    assert ExchangeRate.objects.get().currency == "INR"
    assert refused.status_code == 400
    assert "at most 1,000,000 units per USD" in refused.content.decode()
    assert snapshot() == before
    listed = client.get(reverse("portal:finance-rates"))
    assert "83.4" in listed.content.decode() and "Exchange rates" in listed.content.decode()


def test_finance_imports_a_file_of_rates_all_or_nothing(cast: Cast) -> None:
    client = signed_in(cast.finance)
    good = b"currency,rate,effective_from\nINR,83.4,2024-03-01\nJPY,150.25,2024-03-01\n"
    bad = b"currency,rate,effective_from\nINR,83.4,2024-03-01\nEUR,-1,2024-03-01\n"
    with on("2024-02-01"):
        refused = client.post(reverse("portal:finance-rates-import"), {"file": SimpleUploadedFile("r.csv", bad)})
        assert not ExchangeRate.objects.exists()
        done = client.post(
            reverse("portal:finance-rates-import"), {"file": SimpleUploadedFile("r.csv", good)}, follow=True
        )
        odd = client.post(reverse("portal:finance-rates-import"), {"file": SimpleUploadedFile("r.txt", good)})
    assert refused.status_code == 400 and "line 3" in refused.content.decode()
    assert "Imported r.csv: 2 new, 0 unchanged." in done.content.decode()
    assert odd.status_code == 400 and "a .csv or .xlsx file" in odd.content.decode()
    assert sorted(ExchangeRate.objects.values_list("currency", flat=True)) == ["INR", "JPY"]


def test_a_run_from_creation_to_paid_and_reversed_through_the_pages(cast: Cast) -> None:
    # Given Fabrikam owed $9,000.00 and Kanto (JPY, no rate) $9,000.00, both payable 2024-03-16
    kanto = make_partner(cast.operator, "Kanto", payout_currency="JPY")
    partner_user(kanto, "ken")
    fabrikam = scheduled_payment(cast, cast.fabrikam, n=1)
    scheduled_payment(cast, kanto, n=2)
    client = signed_in(cast.finance)
    with on("2024-04-20"):
        refused = client.post(reverse("portal:finance-run-create"), {"up_to": "31/03/2024"})
        created = client.post(reverse("portal:finance-run-create"), {"up_to": "2024-03-31"})
    assert refused.status_code == 400 and "up to:" in refused.content.decode()
    run = PaymentRun.objects.get()
    assert created["Location"] == reverse("portal:finance-run", args=[run.pk])
    page = client.get(created["Location"]).content.decode()
    assert "Held back (1)" in page and "no JPY rate is in effect on 2024-03-16" in page
    assert "Fabrikam" in page and "$9,000.00" in page
    # The export reads back as the payment system reads it
    exported = client.get(reverse("portal:finance-run-export", args=[run.pk, "csv"]))
    assert exported["Content-Disposition"].startswith("attachment")
    [row] = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert (row["partner"], row["amount_usd"], row["status"]) == ("Fabrikam", "9000.00", "pending")
    workbook = client.get(reverse("portal:finance-run-export", args=[run.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True).active
    assert sheet is not None and list(sheet.iter_rows(values_only=True))[1][2] == "Fabrikam"
    assert client.get(reverse("portal:finance-run-export", args=[run.pk, "pdf"])).status_code == 404
    item = PaymentRunItem.objects.get()
    paid_url = reverse("portal:finance-run-item-paid", args=[run.pk, item.pk])
    with on("2024-04-21"):
        early = client.post(paid_url)
        assert early.status_code == 409
        client.post(reverse("portal:finance-run-send", args=[run.pk]))
    with on("2024-04-25"):
        assert client.post(paid_url).status_code == 302
        assert client.post(paid_url).status_code == 302  # twice: once
    item.refresh_from_db()
    run.refresh_from_db()
    assert (item.status, run.status) == (ItemStatus.PAID, RunStatus.CLOSED)
    reverse_url = reverse("portal:finance-run-item-reverse", args=[run.pk, item.pk])
    with on("2024-05-03"):
        too_much = client.post(reverse_url, {"amount": "9000.01", "reason": "overstated"})
        done = client.post(reverse_url, {"amount": "1,500.00", "reason": "100 users overstated"}, follow=True)
    assert too_much.status_code == 400 and "at most $9,000.00 may be reversed" in too_much.content.decode()
    assert "Reversed $1,500.00 of payment" in done.content.decode()
    assert PaymentReversal.objects.get().payment == fabrikam


def test_a_failed_item_needs_a_reason_and_goes_to_the_next_run(cast: Cast) -> None:
    scheduled_payment(cast, cast.fabrikam, n=1)
    client = signed_in(cast.finance)
    with on("2024-04-20"):
        client.post(reverse("portal:finance-run-create"), {"up_to": "2024-03-31"})
        run = PaymentRun.objects.get()
        client.post(reverse("portal:finance-run-send", args=[run.pk]))
        item = PaymentRunItem.objects.get()
        failed_url = reverse("portal:finance-run-item-failed", args=[run.pk, item.pk])
        assert client.post(failed_url, {"reason": ""}).status_code == 400
        assert client.post(failed_url, {"reason": "IBAN refused"}).status_code == 302
        assert client.post(reverse("portal:finance-run-create"), {"up_to": "2024-03-31"}).status_code == 302
    assert PaymentRunItem.objects.filter(status=ItemStatus.PENDING).count() == 1


def test_the_partner_reads_its_own_statement_in_both_currencies_and_not_anothers(cast: Cast) -> None:
    # Given Infosphere (INR) paid $9,000.00 in April at 83.4, and April's statements published
    indian = make_partner(cast.operator, "Infosphere", payout_currency="INR")
    ira = partner_user(indian, "ira")
    scheduled_payment(cast, cast.fabrikam, n=1)
    scheduled_payment(cast, indian, n=2)
    finance = signed_in(cast.finance)
    with on("2024-02-01"):
        finance.post(
            reverse("portal:finance-rate-add"), {"currency": "INR", "rate": "83.4", "effective_from": "2024-03-01"}
        )
    with on("2024-04-20"):
        finance.post(reverse("portal:finance-run-create"), {"up_to": "2024-03-31"})
        run = PaymentRun.objects.get()
        finance.post(reverse("portal:finance-run-send", args=[run.pk]))
    with on("2024-04-25"):
        for item in PaymentRunItem.objects.all():
            finance.post(reverse("portal:finance-run-item-paid", args=[run.pk, item.pk]))
    with on("2024-05-02"):
        statements_publish(on="2024-05-02")
    mine = Statement.objects.get(partner=indian)
    theirs = Statement.objects.get(partner=cast.fabrikam)
    client = signed_in(ira)
    listed = client.get(reverse("portal:partner-statements")).content.decode()
    assert "Incentive earning statements are published to the FRP primary contacts" in listed
    assert "April 2024" in listed and "Fabrikam" not in listed
    page = client.get(reverse("portal:partner-statement", args=[mine.pk])).content.decode()
    assert "$9,000.00" in page and "₹750,600.00" in page and "Paid in the month" in page
    pdf = client.get(reverse("portal:partner-statement-file", args=[mine.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("portal:partner-statement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:partner-statement-file", args=[theirs.pk, "csv"])).status_code == 404
    assert client.get(reverse("portal:partner-statement-file", args=[mine.pk, "xlsx"])).status_code == 404
