"""The back office's catalogue and audit trail in Chromium: an operator lowers a parameter from today and a
customer's eligibility changes on screen, then withdraws it; an auditor filters the trail and exports it (the
CSV read back). axe on every state of every page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from offerdesk.audit.models import AuditEvent
from offerdesk.audit.selectors import EXPORT_FIELDS
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.services import parameter_set
from offerdesk.core.errors import PermissionDenied
from tests.factories import Cast, cso_customer

from .conftest import assert_accessible, sign_in


def test_an_operator_lowers_the_usage_threshold_and_a_customer_falls_out_of_the_cso(page: Page, cast: Cast) -> None:
    # Given Contoso, whose usage is low on three workloads (below 60%: 30%, 20% and 45%)
    contoso = cso_customer(cast.operator, tpid="T-100", name="Contoso")
    eligibility = f"/staff/customers/{contoso.tpid}/eligibility/"
    sign_in(page, cast.operator)
    page.goto(eligibility)
    cso = page.locator('[data-offer="Customer Success Offer"]')
    expect(cso).to_be_visible()
    expect(cso).not_to_contain_text("CSO-ELIG-04")
    # When the operator opens the Customer Success Offer's page in the catalogue
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    expect(page.get_by_role("heading", name="Catalogue", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="M365 Customer Success Offer").click()
    expect(page.get_by_role("heading", name="M365 Customer Success Offer", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="cso.mau_threshold").click()
    expect(page.locator("#current-value")).to_have_text("0.60")
    assert_accessible(page)
    # and sends a share the parameter cannot take
    page.get_by_label("New value").fill("160%")
    page.get_by_label("Reason").fill("usage is higher this year")
    page.get_by_role("button", name="Set cso.mau_threshold").click()
    # Then it is refused with its rule, and nothing is stored
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(page.get_by_role("alert")).to_contain_text("(OD-IN-01)")
    assert_accessible(page)
    assert not ParameterOverride.objects.exists()
    # When it sets 25% from today instead (the form's day)
    page.get_by_label("New value").fill("25%")
    page.get_by_role("button", name="Set cso.mau_threshold").click()
    # Then the page says so, and Contoso's eligibility now fails the usage rule: only one workload is below 25%
    expect(page.get_by_role("status")).to_contain_text("cso.mau_threshold is 0.25 from")
    expect(page.locator("#current-value")).to_have_text("0.25")
    assert_accessible(page)
    page.goto(eligibility)
    expect(page.locator('[data-offer="Customer Success Offer"]')).to_contain_text("CSO-ELIG-04")
    # When it withdraws the override with a reason
    page.go_back()
    override = ParameterOverride.objects.get()
    page.get_by_label("Reason for withdrawing").fill("set on the wrong program day")
    page.get_by_role("button", name=f"Withdraw #{override.pk}").click()
    # Then the threshold is back, and so is Contoso's eligibility on usage
    expect(page.get_by_role("status")).to_contain_text(f"Override #{override.pk} of cso.mau_threshold is withdrawn")
    expect(page.locator("#current-value")).to_have_text("0.60")
    assert_accessible(page)
    page.goto(eligibility)
    expect(page.locator('[data-offer="Customer Success Offer"]')).not_to_contain_text("CSO-ELIG-04")


def test_an_auditor_filters_the_trail_reads_an_event_and_exports_it(page: Page, cast: Cast) -> None:
    # Given omar's override and mira's refused attempt at one
    override = parameter_set(actor=cast.operator, key="cso.intent_days", value="20", reason="faster answers")
    with pytest.raises(PermissionDenied):
        parameter_set(actor=cast.seller, key="cso.intent_days", value="10")
    # When the auditor filters the trail to the parameter changes
    sign_in(page, cast.auditor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Action").fill("parameter.")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#table-audit-trail")
    expect(table.get_by_role("row")).to_have_count(3)  # the heading, mira's refused try and omar's override
    expect(table.get_by_role("row").nth(1)).to_contain_text("denied")  # the newest first
    assert_accessible(page)
    # and a day that does not exist (the date field offers none: typed into the address)
    filtered = page.url
    page.goto(filtered.replace("since=", "since=2024-02-30"))
    expect(page.get_by_role("main")).to_contain_text("from: no such date: '2024-02-30' (OD-IN-01)")
    expect(page.get_by_text("Nothing to show.")).to_be_visible()
    assert_accessible(page)
    page.goto(filtered)
    # Then the event opens with its data
    event = AuditEvent.objects.get(action="parameter.set", object_id=str(override.pk))
    table.get_by_role("link", name=str(event.pk)).click()
    expect(page.get_by_role("heading", name=re.compile(rf"Audit event {event.pk}"))).to_be_visible()
    expect(page.locator("#event-data")).to_contain_text("faster answers")
    assert_accessible(page)
    # When it exports the filtered trail
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    # Then the file holds those events in export-audit's columns, and the export is on the trail
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0] == list(EXPORT_FIELDS)
    by_id = {r[0]: dict(zip(EXPORT_FIELDS, r, strict=True)) for r in rows[1:]}
    assert len(by_id) == 2
    assert (by_id[str(event.pk)]["actor"], by_id[str(event.pk)]["outcome"]) == ("omar", "done")
    assert AuditEvent.objects.filter(action="audit.export", actor=cast.auditor).count() == 1
