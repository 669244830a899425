"""Screening runs, what they store, nominating from a line, bad input, who may see them, and the command."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offerdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from offerdesk.customers.models import Customer
from offerdesk.screening.models import OfferResult, Screening, ScreeningLine, ScreeningNomination
from offerdesk.screening.selectors import screening_get_for, screening_summary
from offerdesk.screening.services import screening_line_nominate, screening_prune, screening_run
from offerdesk.vouchers.models import Nomination
from tests.factories import Cast, audit_events, cso_customer, cso_nominate, customer, deal, mws_nominate, on


def line_of(screening: Screening, tpid: str) -> ScreeningLine:
    return screening.lines.select_related("screening").get(customer__tpid=tpid)


def result_of(screening: Screening, tpid: str, offer: str) -> OfferResult:
    return line_of(screening, tpid).result(offer)


def test_candidates_get_their_cap_and_the_rest_their_rules(cast: Cast) -> None:
    contoso = cso_customer(cast.operator)  # 2,000 seats, low usage: tier 1
    cso_nominate(cast, customer=contoso, partner=cast.fabrikam, when="2023-09-01")
    tailspin = customer(cast.operator, tpid="T-200", name="Tailspin")
    mws_nominate(cast, customer=tailspin, when="2023-09-01")
    deal(cast, customer=tailspin, closed="2023-09-15", value="500000.00")
    with on("2023-09-20"):
        screening = screening_run(actor=cast.operator, on="2023-09-20")

    assert (screening.customers, screening.candidates) == (2, 2)
    cso = result_of(screening, "T-100", "CSO")
    assert (cso.eligible, cso.cap, cso.variant, cso.rule_ids) == (True, Decimal("25000.00"), "CSO", [])
    dep = result_of(screening, "T-200", "DEP")
    assert (dep.eligible, dep.cap, dep.variant) == (True, Decimal("75000.00"), "DEP")
    md = result_of(screening, "T-200", "MD")
    assert (md.eligible, md.cap, md.rule_ids) == (False, None, ["MWS-ELIG-05", "MWS-NOM-02"])
    assert result_of(screening, "T-200", "CSO").rule_ids == ["CSO-ELIG-03", "CSO-ELIG-04", "CSO-ELIG-05", "CSO-NOM-02"]
    assert result_of(screening, "T-100", "DEP").rule_ids == ["MWS-NOM-03"]  # no purchase recorded
    by_offer = {s.code: s for s in screening_summary(screening=screening)}
    assert (by_offer["DEP"].candidates, by_offer["DEP"].total_cap) == (1, Decimal("75000.00"))
    assert by_offer["CSO"].held_out_by == {"CSO-ELIG-03": 1, "CSO-ELIG-04": 1, "CSO-ELIG-05": 1, "CSO-NOM-02": 1}
    [event] = audit_events("screening.run")
    assert event.data["candidates"] == 2 and event.actor == cast.operator


def test_one_offer_and_its_queries_do_not_grow_with_the_base(cast: Cast) -> None:
    def queries(customers: int) -> int:
        for i in range(Customer.objects.count(), customers):
            Customer.objects.create(tpid=f"Q-{i}", name=f"Q {i}", sector="Commercial", segment="SMC-C", country="US")
        with CaptureQueriesContext(connection) as captured, on("2024-05-10"):
            screening = screening_run(actor=None, offers=["DEP", "Customer Success Offer"])
        assert screening.offers == ["CSO", "DEP"] and screening.lines.count() == customers  # one line each
        return len(captured)

    assert queries(1) == queries(40)  # set-based: no query per customer


def test_a_line_is_nominated_from_once_through_the_nomination_service(cast: Cast) -> None:
    customer(cast.operator, tpid="T-300", name="Litware")
    with on("2023-09-01"):
        screening = screening_run(actor=cast.seller)
    line = line_of(screening, "T-300")
    assert line.result("DEP").rule_ids == ["MWS-NOM-03"]  # nominated before the purchase, it can qualify

    with on("2023-09-02"):
        with pytest.raises(PermissionDenied):
            screening_line_nominate(actor=cast.pat, line_id=line.pk, offer_code="DEP")
        with pytest.raises(InvalidInput, match="offer_code: must be one of"):
            screening_line_nominate(actor=cast.seller, line_id=line.pk, offer_code="GOLD")
        nomination = screening_line_nominate(actor=cast.seller, line_id=line.pk, offer_code="DEP")
        assert (nomination.customer.tpid, nomination.offer.code) == ("T-300", "DEP")
        with pytest.raises(InvalidInput, match="already"):
            screening_line_nominate(actor=cast.seller, line_id=line.pk, offer_code="DEP")
        with pytest.raises(NotFound):
            screening_line_nominate(actor=cast.seller, line_id=line.pk + 10_000, offer_code="DEP")
        md = screening_line_nominate(actor=cast.seller, line_id=line.pk, offer_code="MD")  # the line's other offer
    made = ScreeningNomination.objects.filter(line=line).order_by("pk")
    assert [(m.offer.code, m.nomination) for m in made] == [("DEP", nomination), ("MD", md)]
    assert Nomination.objects.count() == 2
    outcomes = [e.outcome for e in audit_events("screening.nominate")]
    assert outcomes == ["denied", "refused", "done", "refused", "refused", "done"]


def test_a_cso_line_needs_the_partner_the_nomination_maps(cast: Cast) -> None:
    cso_customer(cast.operator)
    with on("2023-09-01"):
        line = line_of(screening_run(actor=None), "T-100")
        assert line.result("CSO").rule_ids == ["CSO-NOM-02"]
        with pytest.raises(Exception, match="CSO-NOM-02"):
            screening_line_nominate(actor=cast.seller, line_id=line.pk, offer_code="CSO")
        nomination = screening_line_nominate(
            actor=cast.seller, line_id=line.pk, offer_code="CSO", partner=cast.fabrikam
        )
    assert nomination.partner == cast.fabrikam and nomination.referral.partner == cast.fabrikam


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on": "2024-02-30"}, "on: no such date"),
        ({"on": 20240101}, "on: must be a date"),
        ({"offers": ["DEP", "Gold Offer"]}, "offer[1]: must be one of"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(cast: Cast, kwargs: dict, message: str) -> None:
    with on("2024-01-10"), pytest.raises(InvalidInput, match=message.replace("[", r"\[")) as refused:
        screening_run(actor=cast.operator, **kwargs)
    assert refused.value.rules == ("OD-IN-01",)
    assert not Screening.objects.exists() and not ScreeningLine.objects.exists()
    assert [e.outcome for e in audit_events("screening.run")] == ["refused"]


def test_only_microsoft_staff_screen_or_see_a_screening(cast: Cast) -> None:
    with on("2024-01-10"):
        with pytest.raises(PermissionDenied):
            screening_run(actor=cast.pat)
        screening = screening_run(actor=cast.operator)
    assert screening_get_for(user=cast.seller, key=screening.pk) == screening
    for outsider in (cast.pat, cast.fran, cast.reviewer):
        with pytest.raises(NotFound):
            screening_get_for(user=outsider, key=screening.pk)


def test_the_command_prints_a_summary_lines_and_refusals(cast: Cast) -> None:
    cso_nominate(cast, customer=cso_customer(cast.operator), partner=cast.fabrikam, when="2023-09-01")
    out = io.StringIO()
    with on("2023-09-05"):
        call_command("screen", "--on", "2023-09-05", "--json", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    assert summary["ok"] and summary["customers"] == 1 and summary["offers"]["CSO"]["candidates"] == 1
    assert summary["offers"]["DEP"]["held_out_by"] == {"MWS-NOM-03": 1}

    out = io.StringIO()
    with on("2023-09-05"):
        call_command("screen", "--offer", "CSO", "--format", "csv", stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines() == [
        "tpid,customer,offer,eligible,cap,variant,rules",
        "T-100,Contoso,CSO,True,25000.00,CSO,",
    ]
    out = io.StringIO()
    with on("2023-09-05"):
        call_command("screen", "--format", "csv", stdout=out, stderr=io.StringIO())
    records = [line.split(",") for line in out.getvalue().splitlines()[1:]]
    assert [(r[0], r[2], r[3]) for r in records] == [  # one record per customer and offer, from one line
        ("T-100", "CSO", "True"), ("T-100", "COP", "False"), ("T-100", "DEP", "False"), ("T-100", "MD", "False")
    ]  # fmt: skip
    out = io.StringIO()
    with on("2023-09-05"):
        call_command("screen", "--offer", "DEP", "--format", "json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == [
        {"tpid": "T-100", "customer": "Contoso", "offer": "DEP", "eligible": False, "cap": "", "variant": "",
         "rules": "MWS-NOM-03"}
    ]  # fmt: skip
    out = io.StringIO()
    with on("2023-09-05"):
        call_command("screen", stdout=out, stderr=io.StringIO())
    assert "T-100" in out.getvalue() and "25,000.00" in out.getvalue()

    with pytest.raises(CommandError, match=r"on: no such date") as refused:
        call_command("screen", "--on", "2023-02-29", stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode == 1
    assert Screening.objects.count() == 5


PRUNE_QUERIES = 5  # the old screenings' keys, DELETE their lines by key range, the screenings, their nominations, them


def test_old_screenings_are_pruned_with_their_lines_and_their_nominations_stay(cast: Cast) -> None:
    for n in range(30):
        customer(cast.operator, tpid=f"T-{n}", name=f"Customer {n}")
    with on("2023-09-01"):
        old = screening_run(actor=cast.seller)
        nomination = screening_line_nominate(actor=cast.seller, line_id=line_of(old, "T-3").pk, offer_code="DEP")
    with on("2023-11-29"):  # 89 days later: within OFFERDESK_SCREENINGS_KEEP_DAYS (90)
        recent = screening_run(actor=cast.seller)
        assert screening_prune() == {"screenings": 0, "screening_lines": 0}
    with on("2023-12-01"), CaptureQueriesContext(connection) as captured:
        pruned = screening_prune()
    assert pruned == {"screenings": 1, "screening_lines": old.customers}  # one line per customer
    assert len(captured) == PRUNE_QUERIES, [q["sql"] for q in captured]  # the lines are never read one by one
    assert "BETWEEN" in captured[1]["sql"] or ">=" in captured[1]["sql"]  # by their key range (the one index)
    assert list(Screening.objects.all()) == [recent]
    assert not ScreeningLine.objects.filter(screening_id=old.pk).exists()
    assert ScreeningLine.objects.filter(screening=recent).count() == recent.customers
    assert not ScreeningNomination.objects.filter(screening_id=old.pk).exists()
    assert Nomination.objects.get() == nomination


def test_the_command_nominates_from_a_screening_and_says_what_it_refused(cast: Cast) -> None:
    customer(cast.operator, tpid="T-300", name="Litware")
    customer(cast.operator, tpid="T-301", name="Proseware")
    with on("2023-09-01"):
        screening = screening_run(actor=cast.seller)
    out = io.StringIO()
    with on("2023-09-02"):
        call_command(
            "screen_nominate", str(screening.pk), "dep", "--tpid", "T-300", "--user", "mira", "--json", stdout=out
        )
    result = json.loads(out.getvalue())
    [nomination] = Nomination.objects.all()
    assert result["ok"] and result["lines"] == [{"tpid": "T-300", "ok": True, "nomination": nomination.pk}]
    assert (nomination.customer.tpid, nomination.offer.code) == ("T-300", "DEP")
    assert ScreeningNomination.objects.get(line=line_of(screening, "T-300"), offer__code="DEP").nomination == nomination
    # The same line again, a TPID with no line, and one more: each refusal said, the rest nominated, exit 1
    out = io.StringIO()
    with on("2023-09-02"), pytest.raises(CommandError) as refused:
        call_command(
            "screen_nominate", str(screening.pk), "DEP", "--tpid", "T-300", "--tpid", "T-999", "--tpid", "T-301",
            "--user", "mira", "--json", stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
    assert refused.value.returncode == 1
    lines = {line["tpid"]: line for line in json.loads(out.getvalue())["lines"]}
    assert "already" in lines["T-300"]["error"] and "no line for TPID T-999" in lines["T-999"]["error"]
    assert lines["T-301"]["ok"] and Nomination.objects.count() == 2
    # A partner's user may not see the screening (not found); an unknown user is refused by the field
    with pytest.raises(CommandError, match=f"no screening {screening.pk}") as hidden:
        call_command(
            "screen_nominate", str(screening.pk), "DEP", "--tpid", "T-301", "--user", "pat", stdout=io.StringIO()
        )
    assert hidden.value.returncode == 1
    with pytest.raises(CommandError, match="--user: no user") as nobody:
        call_command("screen_nominate", str(screening.pk), "DEP", "--tpid", "T-301", "--user", "zed")
    assert nobody.value.returncode == 1
