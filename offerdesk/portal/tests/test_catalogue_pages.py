"""The catalogue's pages: every program and offer in plain words, every parameter with today's value and its
history; an operator overrides a parameter from a date or withdraws an override (audited), anyone else reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.catalogue.models import ParameterOverride
from offerdesk.catalogue.selectors import params_for
from offerdesk.catalogue.services import parameter_set, parameter_withdraw
from tests.factories import Cast, audit_events, cso_customer, customer_user, on, snapshot

from .test_partner_query_counts import EVERY_PAGE

DAY = "2024-01-08"
INTENT = ("CSO", "cso.intent_days")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"portal:staff-catalogue{name}", args=args)


def _set(user: User | Client, data: dict[str, str], key: tuple[str, str] = INTENT) -> Any:
    form = {"value": "", "effective_from": "", "scope": "this", "reason": ""} | data
    client = user if isinstance(user, Client) else signed_in(user)
    with on(DAY):
        return client.post(url("-parameter-set", *key), form)


def test_a_seller_reads_every_program_and_its_offers(cast: Cast) -> None:
    page = signed_in(cast.seller).get(url("")).text
    for expected in (
        "M365 Customer Success Offer",
        "FY24 Modern Work &amp; Security Deployment Offer",
        "M365 Migration &amp; Deployment Offer",
        "Deployment, Q4 limited time",
        "Copilot deployment",
    ):
        assert expected in page
    assert url("-program", "MWS") in page


def test_a_program_page_says_its_caps_windows_countries_skus_and_payments_in_words(cast: Cast) -> None:
    # Given the FY24 program as the catalogue ships it
    # When a seller reads its page
    with on(DAY):
        page = signed_in(cast.seller).get(url("-program", "MWS")).text
    # Then each variant's caps table, window, countries and licences, and the program's terms, are in words
    for expected in (
        "<td>above $750,000.00 up to $950,000.00</td><td>any date</td><td>up to $95,000.00</td><td>MWS-CAP-05</td>",
        '<th scope="row">SMC-C</th><td>up to $750,000.00</td><td>any date</td><td>up to $25,000.00</td>',
        "Apr 1, 2024 to Jun 30, 2024; the dates that must fall in it: issue_and_close (parameter mws.q4_anchor)",
        "BD, KH, ID",  # the E1+ countries
        "Microsoft 365 E3, Microsoft 365 E5, Compliance, Teams Phone",
        "Requires a migration from</dt><dd>Office on-premises, competitor",
        "3 business days (US holidays)",
        "30 days, 7 days before expiry",
        "Education follows the PublicSector flow",
        "the initial half rounded down to the cent",
        "45 days after the end of the month of the paying request&#x27;s submission; a date on a weekend or holiday",
        "6 months after issue",
    ):
        assert expected in page, expected


def test_the_customer_success_offer_says_what_it_pays_and_counts(cast: Cast) -> None:
    with on(DAY):
        page = signed_in(cast.reviewer).get(url("-program", "CSO")).text
    assert "$15.00 per eligible user up to the tier&#x27;s voucher maximum" in page
    assert "Exchange Online, SharePoint Online, Teams, Microsoft 365 Apps" in page  # its workloads
    assert "180 calendar days after issue" in page and "2 business days" in page


def test_a_cap_held_by_a_parameter_shows_the_value_in_force_that_day(cast: Cast) -> None:
    # Given omar lowers the Copilot cap of February and March from 1 January 2024
    with on("2023-12-01"):
        parameter_set(actor=cast.operator, key="mws.copilot_cap_feb5_mar31", value="60000", effective_from="2024-01-01")
    client = signed_in(cast.seller)
    # When the page is read before and after that day
    with on("2023-12-15"):
        before = client.get(url("-program", "MWS")).text
    with on(DAY):
        after = client.get(url("-program", "MWS")).text
    # Then the caps table says the cap in force on each
    assert "up to $75,000.00 (parameter mws.copilot_cap_feb5_mar31)" in before
    assert "up to $60,000.00 (parameter mws.copilot_cap_feb5_mar31)" in after


def test_a_parameter_page_shows_todays_value_and_every_override_with_who_when_why(cast: Cast) -> None:
    # Given omar raised the intent days, then withdrew it, and set another value for every program
    with on("2023-09-01"):
        first = parameter_set(actor=cast.operator, key="cso.intent_days", value="45", reason="holidays")
    with on("2023-09-05"):
        parameter_withdraw(actor=cast.operator, override_id=first.pk, reason="entered by mistake")
    with on("2023-09-06"):
        second = parameter_set(
            actor=cast.operator, key="cso.intent_days", value="40", effective_from="2023-10-01", reason="Q2 push"
        )
    # When the seller reads the parameter on 8 January 2024
    with on(DAY):
        page = signed_in(cast.seller).get(url("-parameter", *INTENT)).text
    # Then today's value, the default and both overrides are shown, the first as withdrawn and why
    assert '<dd id="current-value">40</dd>' in page
    assert "<dt>Default</dt><dd>30</dd>" in page
    assert f'<tr id="override-{second.pk}">' in page and "Q2 push" in page and "Oct 1, 2023" in page
    assert f'<tr id="override-{first.pk}">' in page
    assert "Withdrawn</span> by omar" in page and "entered by mistake" in page
    assert page.index(f"override-{second.pk}") < page.index(f"override-{first.pk}")  # newest first
    # And a seller is offered no form to change it
    assert "Override from a date" not in page and '<form method="post" action="/staff/catalogue' not in page


def test_an_operator_overrides_a_parameter_from_a_date_with_a_reason(cast: Cast) -> None:
    # Given the CSO intent days at their default, 30
    # When omar sets 20 from 15 January 2024, for the Customer Success Offer only
    client = signed_in(cast.operator)
    answer = _set(client, {"value": "20", "effective_from": "2024-01-15", "reason": "partners answer faster"})
    # Then he is sent back to the parameter's page, which says so
    assert answer.status_code == 302
    assert answer["Location"] == url("-parameter", *INTENT)
    with on(DAY):
        page = client.get(answer["Location"]).text
    assert "cso.intent_days is 20 from Jan 15, 2024" in page
    # And the override is stored with its day, its reason and who set it, and audited by the service
    override = ParameterOverride.objects.get()
    assert (override.value, override.effective_from, override.program.code if override.program else None) == (
        20,
        dt.date(2024, 1, 15),
        "CSO",
    )
    assert override.reason == "partners answer faster" and override.created_by == cast.operator
    (event,) = audit_events("parameter.set", "done")
    assert event.actor == cast.operator and event.data["value"] == 20
    # And the value is in force from that day only
    assert params_for(program_code="CSO", on=dt.date(2024, 1, 14))["cso.intent_days"] == 30
    assert params_for(program_code="CSO", on=dt.date(2024, 1, 15))["cso.intent_days"] == 20


def test_a_parameter_every_program_has_is_set_for_all_of_them_when_asked(cast: Cast) -> None:
    # Given the payment lag both programs have, 45 days
    # When omar sets 50 from 1 January 2024 on the FY24 program's page, for every program that has it
    answer = _set(
        cast.operator, {"value": "50", "effective_from": "2024-01-01", "scope": "every"}, ("MWS", "pay.lag_days")
    )
    # Then one override holds for every program: the Customer Success Offer's lag changes too
    assert answer.status_code == 302
    override = ParameterOverride.objects.get()
    assert override.program is None
    assert params_for(program_code="CSO", on=dt.date(2024, 1, 2))["pay.lag_days"] == 50
    assert params_for(program_code="MWS", on=dt.date(2023, 12, 31))["pay.lag_days"] == 45


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"value": "-5"},
            400,
            "parameter cso.intent_days (int) cannot take &#x27;-5&#x27;: must not be negative: it takes",
        ),
        ({"value": "many"}, 400, "cannot take &#x27;many&#x27;"),
        ({"value": "20", "effective_from": "2024-02-30"}, 400, "effective_from: no such date: &#x27;2024-02-30&#x27;"),
        ({"value": "20", "reason": "x" * 301}, 400, "reason: has at most 300 characters, not 301 (OD-IN-01)"),
    ],
)
def test_a_bad_value_is_refused_with_its_rule_and_nothing_changes(
    cast: Cast, data: dict[str, str], status: int, message: str
) -> None:
    # Given the data as it stands
    before = snapshot()
    # When omar sends a value the parameter cannot take
    answer = _set(cast.operator, data)
    # Then the page says why, citing OD-IN-01, keeps his input, and nothing is stored
    assert answer.status_code == status
    assert message in answer.text and "(OD-IN-01)" in answer.text
    assert "Refused." in answer.text
    assert f'value="{data["value"]}"' in answer.text
    assert snapshot() == before
    assert len(audit_events("parameter.set", "refused")) == 1  # the refusal is on the trail


def test_a_value_that_puts_a_related_parameter_out_of_step_is_refused(cast: Cast) -> None:
    before = snapshot()
    answer = _set(cast.operator, {"value": "500, 5000, 10000"}, ("CSO", "cso.tier_bounds"))
    assert answer.status_code == 400
    assert "cso.tier_caps has one value for each of cso.tier_bounds: 2 for 3" in answer.text
    assert "(OD-IN-01)" in answer.text
    assert snapshot() == before


def test_an_operator_withdraws_an_override_and_the_value_falls_back(cast: Cast) -> None:
    # Given omar's override of the intent days from the start
    with on("2023-09-01"):
        override = parameter_set(actor=cast.operator, key="cso.intent_days", value="20")
    # When he withdraws it with a reason
    client = signed_in(cast.operator)
    with on(DAY):
        answer = client.post(url("-parameter-withdraw", *INTENT, override.pk), {"reason": "the pilot is over"})
    # Then it is withdrawn (a new entry, both kept), audited, and the default is in force again
    assert answer.status_code == 302
    withdrawal = ParameterOverride.objects.get(withdraws=override)
    assert withdrawal.reason == "the pilot is over" and withdrawal.created_by == cast.operator
    assert params_for(program_code="CSO", on=dt.date(2024, 1, 8))["cso.intent_days"] == 30
    (event,) = audit_events("parameter.withdraw", "done")
    assert event.data["withdraws"] == override.pk
    with on(DAY):
        page = client.get(answer["Location"]).text
    assert f"Override #{override.pk} of cso.intent_days is withdrawn." in page
    assert f"Withdraw #{override.pk}" not in page


def test_a_withdrawal_without_a_reason_is_refused_and_nothing_changes(cast: Cast) -> None:
    with on("2023-09-01"):
        override = parameter_set(actor=cast.operator, key="cso.intent_days", value="20")
    before = snapshot()
    with on(DAY):
        answer = signed_in(cast.operator).post(url("-parameter-withdraw", *INTENT, override.pk), {"reason": " "})
    assert answer.status_code == 400
    assert "reason: is required (OD-IN-01)" in answer.text
    assert f'id="withdraw-{override.pk}-reason"' in answer.text  # by the field of that override's form
    assert snapshot() == before


def test_an_override_of_another_parameter_is_not_withdrawn_through_this_one(cast: Cast) -> None:
    with on("2023-09-01"):
        other = parameter_set(actor=cast.operator, key="cso.min_users", value="300")
    before = snapshot()
    answer = signed_in(cast.operator).post(url("-parameter-withdraw", *INTENT, other.pk), {"reason": "sneaky"})
    assert answer.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["seller", "reviewer", "finance", "auditor"])
def test_other_staff_read_a_parameter_but_may_not_change_it(cast: Cast, persona: str) -> None:
    # Given omar's override and the data as it stands
    with on("2023-09-01"):
        override = parameter_set(actor=cast.operator, key="cso.intent_days", value="20")
    before = snapshot()
    user = getattr(cast, persona)
    # When another staff role reads the parameter, then tries to set it and to withdraw the override
    page = signed_in(user).get(url("-parameter", *INTENT))
    setting = _set(user, {"value": "25", "reason": "why not"})
    withdrawing = signed_in(user).post(url("-parameter-withdraw", *INTENT, override.pk), {"reason": "why not"})
    # Then it reads, is refused both changes (403), and nothing changes; the attempts are on the trail
    assert page.status_code == 200
    assert (setting.status_code, withdrawing.status_code) == (403, 403)
    assert snapshot() == before
    assert len(audit_events("parameter.set", "denied")) == 1
    assert len(audit_events("parameter.withdraw", "denied")) == 1


@pytest.mark.parametrize("persona", ["pat", "fran", "customer"])
def test_partners_customers_and_fpms_may_not_open_the_catalogue(cast: Cast, persona: str) -> None:
    user = customer_user(cso_customer(cast.operator), "carla") if persona == "customer" else getattr(cast, persona)
    client = signed_in(user)
    for page in (url(""), url("-program", "CSO"), url("-parameter", *INTENT)):
        assert client.get(page).status_code == 403, page
    assert _set(user, {"value": "25"}).status_code == 403
    assert not ParameterOverride.objects.exists()


@pytest.mark.parametrize(
    "page", [("-program", "XYZ"), ("-parameter", "CSO", "cso.nothing"), ("-parameter", "CSO", "mws.q4_anchor")]
)
def test_an_unknown_program_or_parameter_is_not_found(cast: Cast, page: tuple[str, ...]) -> None:
    assert signed_in(cast.operator).get(url(*page)).status_code == 404


def test_the_navigation_offers_the_catalogue_to_every_staff_role(cast: Cast) -> None:
    link = f'href="{url("")}"'
    for user, offered in ((cast.seller, True), (cast.operator, True), (cast.auditor, True), (cast.fran, False)):
        assert (link in signed_in(user).get(reverse("portal:account")).text) is offered, user.username


# ------------------------------------------------------------------------------------------- the cost


def _overrides(cast: Cast, rows: int) -> None:
    with on("2023-09-01"):
        for n in range(rows):
            made = parameter_set(actor=cast.operator, key="cso.intent_days", value=str(20 + n), reason=f"try {n}")
            if n % 2:
                parameter_withdraw(actor=cast.operator, override_id=made.pk, reason="no")


PINNED = {
    ("",): EVERY_PAGE,  # the catalogue files are read once per process
    ("-program", "CSO"): EVERY_PAGE + 1,  # the overrides in force today
    ("-program", "MWS"): EVERY_PAGE + 1,
    ("-parameter", *INTENT): EVERY_PAGE + 2,  # the overrides in force, the history with who and the withdrawals
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", sorted(PINNED))
def test_a_page_costs_the_same_queries_with_1_or_50_overrides(
    cast: Cast, rows: int, page: tuple[str, ...], django_assert_num_queries: Any
) -> None:
    _overrides(cast, rows)
    client = signed_in(cast.operator)
    with on(DAY), django_assert_num_queries(PINNED[page]):
        assert client.get(url(*page)).status_code == 200
