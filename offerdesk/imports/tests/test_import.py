"""`offerdesk import`: every kind, all or nothing, the same file twice changes nothing, bad files refused precisely."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerdesk.audit.models import AuditEvent
from offerdesk.customers.models import CompanyGroup, Customer, PriorLicence, SeatLicence, WorkloadUsage
from offerdesk.imports.reading import ImportRefused, _openpyxl_rows
from offerdesk.imports.services import import_file
from offerdesk.partners.models import Partner
from offerdesk.payouts.models import ExchangeRate
from offerdesk.vouchers.models import Deal, Nomination
from tests.factories import Cast, customer, on, snapshot

HEADER = "tpid,name,sector,segment,country,sku,paid,in_use,usage: Teams,usage: Exchange Online"
GOOD = [
    'T-1,Contoso,Commercial,Enterprise,us,Office 365 E3,"3,000",500,40%,0.3',
    "T-2,Fabrikam Ltd,Commercial,SMC-C,DE,,,,,",
]


def write(tmp_path: Path, lines: list[str], name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refusal(cast: Cast, kind: str, path: Path, **options: str) -> ImportRefused:
    before = snapshot()
    with pytest.raises(ImportRefused) as caught:
        import_file(actor=cast.operator, kind=kind, path=path, **options)  # type: ignore[arg-type]
    assert snapshot() == before  # nothing imported
    return caught.value


def test_customers_with_seats_and_usage_are_imported_and_the_same_file_again_changes_nothing(
    cast: Cast, tmp_path: Path
) -> None:
    path = write(tmp_path, [HEADER, *GOOD])
    with on("2024-01-08"):
        first = import_file(actor=cast.operator, kind="customers", path=path)
    assert first.counts["created"] == 2 and first.counts["seats_created"] == 1 and first.counts["usage_created"] == 2
    contoso = Customer.objects.get(tpid="T-1")
    assert (contoso.name, contoso.country) == ("Contoso", "US")
    assert SeatLicence.objects.get(customer=contoso).paid == 3000
    usage = dict(WorkloadUsage.objects.filter(customer=contoso).values_list("workload", "mau"))
    assert usage == {"Teams": Decimal("0.4"), "Exchange Online": Decimal("0.3")}
    before = snapshot()
    with on("2024-01-09"):
        again = import_file(actor=cast.operator, kind="customers", path=path)
    assert snapshot() == before  # not even updated_at moved
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 2)
    events = list(AuditEvent.objects.filter(action="import.customers").order_by("id"))
    assert len(events) == 2  # once per import, not once per row
    assert events[0].data["sha256"] == first.sha256 and len(first.sha256) == 64
    assert events[0].data["created"] == 2 and events[0].data["rows"] == 2


def test_a_changed_row_updates_only_that_customer(cast: Cast, tmp_path: Path) -> None:
    import_file(actor=cast.operator, kind="customers", path=write(tmp_path, [HEADER, *GOOD]))
    changed = write(tmp_path, [HEADER, GOOD[0].replace(",500,", ",600,"), GOOD[1]], "changed.csv")
    result = import_file(actor=cast.operator, kind="customers", path=changed)
    assert (result.counts["unchanged"], result.counts["seats_updated"]) == (2, 1)
    assert SeatLicence.objects.get(customer__tpid="T-1").in_use == 600


def test_a_dry_run_checks_and_counts_but_keeps_nothing(cast: Cast, tmp_path: Path) -> None:
    before = snapshot()
    result = import_file(actor=cast.operator, kind="customers", path=write(tmp_path, [HEADER, *GOOD]), dry_run=True)
    assert result.dry_run and result.counts["created"] == 2
    assert snapshot() == before


def test_an_xlsx_workbook_reads_as_its_csv_would(cast: Cast, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in csv.reader(io.StringIO("\n".join([HEADER, *GOOD]))):
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    result = import_file(actor=cast.operator, kind="customers", path=path)
    assert result.counts["created"] == 2
    assert SeatLicence.objects.get(customer__tpid="T-1").in_use == 500
    # the fallback reader (openpyxl, read-only) reads the same cells
    assert next(_openpyxl_rows(path))[:2] == ["tpid", "name"]


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (200 * 1024 * 1024) + b">")
    return path


@pytest.mark.parametrize(
    ("lines", "raw", "expected"),
    [
        (["tpid,name,sector,segment,colour", "T-1,A,Commercial,Enterprise,red"], None, "have no column 'colour'"),
        (["tpid,name", "T-1,A"], None, "lacks the column(s) sector, segment, country"),
        ([HEADER, GOOD[0], GOOD[0]], None, "line 3, tpid: tpid: the same key as line 2"),
        ([HEADER, GOOD[0].replace("40%", "0,5")], None, "line 2: has 11 cells"),
        ([HEADER, GOOD[0].replace("40%", '"0,5"')], None, "a comma where a decimal point belongs: '0,5'; write '0.5'"),
        ([HEADER, GOOD[0].replace(",us,", ",USA,")], None, "country: must be an ISO 3166-1 alpha-2"),
        ([HEADER, GOOD[0].replace(",500,", ",5000,")], None, "in_use: 5,000 in use is more than the 3,000 paid"),
        ([HEADER, 'T-1,"Contoso,Commercial'], None, "line 2 is not well-formed CSV"),
        ([HEADER], None, "has a header but no rows"),
        (None, b"", "is empty"),
        (
            None,
            f"{HEADER}\nT-1,Caf\xe9,".encode("latin-1"),
            "line 2 is not UTF-8: byte 0xE9 at position 8 (it looks like Latin-1",
        ),
        (None, b"\xef\xbb\xbf" + "\n".join([HEADER, *GOOD]).encode(), "starts with a UTF-8 byte-order mark"),
        (None, b"PK\x03\x04 not really a workbook", "is not a readable XLSX workbook"),
    ],
)
def test_a_bad_file_is_refused_precisely_and_nothing_is_imported(
    cast: Cast, tmp_path: Path, lines: list[str] | None, raw: bytes | None, expected: str
) -> None:
    path = write(tmp_path, lines) if lines is not None else tmp_path / "raw.csv"
    if raw is not None:
        path.write_bytes(raw)
    error = refusal(cast, "customers", path)
    assert expected in error.message
    assert error.message.startswith("nothing imported") and "OD-IN-01" in error.message


def test_a_file_over_the_size_limit_is_refused_unread(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # a sparse 2 GB file: nothing is written to disk
        handle.truncate(2 * 1024**3)
    assert (
        "holds 2,147,483,648 bytes; an import takes at most 1,073,741,824" in refusal(cast, "customers", path).message
    )


def test_an_xlsx_that_unpacks_beyond_reason_is_refused_as_a_zip_bomb(cast: Cast, tmp_path: Path) -> None:
    error = refusal(cast, "customers", zip_bomb(tmp_path / "bomb.xlsx"))
    assert "zip bomb" in error.message


def test_an_unknown_tpid_an_unknown_company_group_or_partner_is_refused(cast: Cast, tmp_path: Path) -> None:
    seats = write(tmp_path, ["tpid,sku,paid,in_use", "NOPE,Office 365 E3,10,5"], "seats.csv")
    assert "line 2, tpid: tpid: no customer with the TPID 'NOPE' is stored" in refusal(cast, "seats", seats).message
    grouped = write(tmp_path, ["tpid,name,sector,segment,country,company_group", "T-9,A,GPP,SMC-C,US,Ghosts"])
    assert "no company group named 'Ghosts'" in refusal(cast, "customers", grouped).message
    customer(cast.operator, tpid="T-5", name="Litware")
    nominations = write(tmp_path, ["tpid,offer,partner", "T-5,CSO,Nobody Inc"], "nominations.csv")
    assert "no partner named 'Nobody Inc'" in refusal(cast, "nominations", nominations).message


def test_every_problem_of_a_file_is_listed_in_file_order(cast: Cast, tmp_path: Path) -> None:
    lines = [HEADER, GOOD[0].replace("Contoso", ""), GOOD[1].replace("SMC-C", "Huge"), GOOD[0].replace("40%", "140%")]
    problems = refusal(cast, "customers", write(tmp_path, lines)).problems
    assert [(p.line, p.column) for p in problems] == [(2, "name"), (3, "segment"), (4, "usage: Teams")]


def test_the_other_kinds_import_by_natural_key_and_twice_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    customer(cast.operator, tpid="T-5", name="Litware")
    files = [
        ("company-groups", ["name", "Litware Holdings"]),
        ("partners", ["name,company_group,payout_currency,country", "Tailspin,Litware Holdings,eur,fr"]),
        ("seats", ["tpid,sku,paid,in_use", "T-5,Office 365 E3,300,120"]),
        ("usage", ["tpid,workload,mau", "T-5,Teams,59.9995%"]),
        ("prior-licences", ["tpid,sku,quantity,as_of", "T-5,Office 365 E3,100,2023-06-30"]),
        ("exchange-rates", ["currency,rate,effective_from", "EUR,0.92,2024-01-01"]),
        ("deals", ["tpid,value,close_date,workloads", 'T-5,"$75,000.00",2023-10-01,Microsoft 365 E5']),
        ("nominations", ["tpid,offer,partner", "T-5,M365 Deployment Offer,"]),
    ]
    with on("2023-10-05"):
        for kind, lines in files:
            path = write(tmp_path, lines, f"{kind}.csv")
            assert import_file(actor=cast.operator, kind=kind, path=path).counts["created"] == 1, kind
        before = snapshot()
        for kind, _ in files:
            result = import_file(actor=cast.operator, kind=kind, path=tmp_path / f"{kind}.csv")
            assert (result.counts["created"], result.counts["unchanged"]) == (0, 1), kind
        assert snapshot() == before
    assert Partner.objects.get(name="Tailspin").company_group == CompanyGroup.objects.get(name="Litware Holdings")
    assert (Partner.objects.get(name="Tailspin").payout_currency, Partner.objects.get(name="Tailspin").country) == (
        "EUR",
        "FR",
    )
    assert WorkloadUsage.objects.get(customer__tpid="T-5").mau == Decimal("0.599995")
    assert PriorLicence.objects.get(customer__tpid="T-5").quantity == 100
    assert ExchangeRate.objects.get(currency="EUR").rate == Decimal("0.92")
    assert Deal.objects.get(customer__tpid="T-5").value == Decimal("75000.00")
    assert Nomination.objects.filter(customer__tpid="T-5").count() == 1


def test_a_service_refusal_of_one_row_rolls_back_the_whole_file(cast: Cast, tmp_path: Path) -> None:
    customer(cast.operator, tpid="T-5", name="Litware")
    customer(cast.operator, tpid="T-6", name="Adatum")
    path = write(
        tmp_path, ["tpid,value,close_date,workloads", "T-5,100,2023-10-01,Microsoft 365 E5", "T-6,5,2023-10-01,"]
    )
    error = refusal(cast, "deals", path)
    assert [p.line for p in error.problems] == [3]
    assert Deal.objects.count() == 0


def test_a_seller_may_not_import(cast: Cast, tmp_path: Path) -> None:
    from offerdesk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file(actor=cast.seller, kind="customers", path=write(tmp_path, [HEADER, *GOOD]))


# ------------------------------------------------------------------------------------------- the command


def test_the_command_reports_json_and_exits_zero(cast: Cast, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import", "customers", str(write(tmp_path, [HEADER, *GOOD])), user="omar", json=True, stdout=out)
    assert json.loads(out.getvalue()) | {"ok": True} == json.loads(out.getvalue())
    assert json.loads(out.getvalue())["created"] == 2


def test_the_command_writes_the_error_report_and_exits_one(cast: Cast, tmp_path: Path) -> None:
    report = tmp_path / "errors.csv"
    bad = write(tmp_path, [HEADER, GOOD[0].replace("40%", "x"), GOOD[1].replace("DE", "")])
    with pytest.raises(CommandError) as caught:
        call_command("import", "customers", str(bad), user="omar", errors=str(report), stdout=io.StringIO())
    assert caught.value.returncode == 1
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["line", "column", "problem"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("2", "usage: Teams"), ("3", "country")]


# ------------------------------------------------------------- the set-based path refuses what the rows refuse

TRICKY = [
    ("tpid", ["", "  ", "T\u200b1", "T\u202e1", "T\x011", "\u00a0T-1", "x" * 41, " T-1 ", "T\u20281", "Ť-1"]),
    ("name", ["", "A\tB", "\u3000Ann", "Ann\u3000", "Zoë", "a" * 200, "a" * 201, "A\x7fB", "A\u0085"]),
    ("sector", ["commercial", " Commercial ", "Commercial\u00a0", "GPP", "Gov"]),
    ("country", ["us", " us ", "USA", "ß", "ZZ", "EU", "u s", "\u00a0US", "Us"]),
    ("paid", ["3,000", "3000", "0003000", " 1 ", "1,00", "-0", "2147483647", "2147483648", "1.0", "١٢", "+1"]),
    ("usage: Teams", ["40%", "0.4", "40 %", "100%", "100.000000001%", "1.0000000000", "0,5", ".5", "50.0000000%"]),
    ("usage: Teams", ["1.00000000001", "59.99999999%", "59.999999999%", "  .5  %  ", "1.5", "%", "0." + "0" * 38]),
    ("sku", ["", "Office 365 E3", "office 365 e3", " Office 365 E3 ", "Nope"]),
]


def problems_of(cast: Cast, path: Path, engine: str) -> list[tuple[int, str, str]]:
    """The problems one path finds in a file (none if it would import it)."""
    try:
        import_file(actor=cast.operator, kind="customers", path=path, engine=engine, dry_run=True)
    except ImportRefused as error:
        return [(p.line, p.column, p.message) for p in error.problems]
    return []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
@pytest.mark.parametrize(("column", "cells"), TRICKY)
def test_the_set_based_checks_refuse_exactly_what_the_row_parsers_refuse(
    cast: Cast, tmp_path: Path, column: str, cells: list[str]
) -> None:
    header = HEADER.split(",")
    index = header.index(column)
    lines = [",".join(header)]
    for i, cell in enumerate(cells):
        row = next(csv.reader(io.StringIO(GOOD[0])))
        row[0] = f"T-{i}" if column != "tpid" else cell
        row[index] = cell
        if column == "sku" and cell.strip() == "":
            row[6:8] = ["", ""]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(row)
        lines.append(buffer.getvalue())
    path = write(tmp_path, lines)
    outcomes = [problems_of(cast, path, engine) for engine in ("rows", "sql")]
    assert outcomes[0] == outcomes[1]
    assert outcomes[0]  # each list holds at least one refused cell


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
def test_the_set_based_path_stores_what_the_row_path_stores(cast: Cast, tmp_path: Path) -> None:
    header = "tpid,name,sector,segment,country,ecif_funded,sku,paid,in_use,usage: Teams"
    lines = [
        header,
        "A-1,\u00a0Zoë\u3000,Commercial,SMC-C,ß,YES,Office 365 E3,0003000, 12 ,50.0000000%",
        "A-2, Plain ,GPP,Enterprise, us ,0,,,,.5",
        'A-3,Third,GPP,Enterprise,DE,,Office 365 E3,"1,000",1000,  7.25 %  ',
    ]
    path = write(tmp_path, lines)
    stored = []
    for engine in ("rows", "sql"):
        result = import_file(actor=cast.operator, kind="customers", path=path, engine=engine)
        assert result.engine == engine and result.counts["created"] == 3
        stored.append(
            (
                list(Customer.objects.order_by("tpid").values_list("tpid", "name", "country", "ecif_funded")),
                list(SeatLicence.objects.order_by("sku", "paid").values_list("customer__tpid", "paid", "in_use")),
                list(WorkloadUsage.objects.order_by("customer__tpid").values_list("customer__tpid", "mau")),
            )
        )
        WorkloadUsage.objects.all().delete()
        SeatLicence.objects.all().delete()
        Customer.objects.all().delete()
    assert stored[0] == stored[1]
    assert stored[0][0][0] == ("A-1", "Zoë", "SS", True)


ODD_CHARACTERS = list(" 0123456789,.%-aAßsSU\u00a0\u3000\t\u200b\u202eé")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(alphabet=ODD_CHARACTERS, max_size=7), min_size=5, max_size=5), min_size=1))
def test_for_any_cells_the_set_based_path_refuses_what_the_row_path_refuses(
    cast: Cast, tmp_path: Path, rows: list[list[str]]
) -> None:
    header = "tpid,name,country,paid,in_use,sku,sector,segment,usage: Teams"
    lines = [header]
    for i, (name, country, paid, in_use, share) in enumerate(rows[:20]):
        buffer = io.StringIO()
        cells = [f"H-{i}", name, country, paid, in_use, "Office 365 E3", "GPP", "SMC-C", share]
        csv.writer(buffer, lineterminator="").writerow(cells)
        lines.append(buffer.getvalue())
    path = write(tmp_path, lines, "odd.csv")
    assert problems_of(cast, path, "rows") == problems_of(cast, path, "sql")
