"""Bad exchange rates (issue 8): zero, negative or above 1,000,000 per USD refused, by hand or by file; finance
imports the rates file, and only that kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from offerdesk.core.errors import PermissionDenied
from offerdesk.imports.reading import ImportRefused
from offerdesk.imports.services import import_file
from offerdesk.payouts.models import ExchangeRate
from offerdesk.payouts.services import exchange_rate_set
from tests.factories import Cast, on, snapshot


def rates_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("\n".join(("currency,rate,effective_from", *lines)) + "\n", encoding="utf-8")
    return path


def test_a_million_per_usd_is_the_most_a_rate_may_be(cast: Cast) -> None:
    with on("2024-02-01"):
        row = exchange_rate_set(
            actor=cast.finance, currency="VND", rate="1,000,000", effective_from=dt.date(2024, 3, 1)
        )
    assert row.rate == Decimal("1000000")


def test_finance_imports_rates_all_or_nothing_and_bad_rows_say_why(cast: Cast, tmp_path: Path) -> None:
    # Given a file with two good rows, a zero, a negative and an absurd one
    path = rates_file(
        tmp_path,
        "INR,83.4,2024-03-01",
        "EUR,0,2024-03-01",
        "JPY,-150,2024-03-01",
        "VND,25000000,2024-03-01",
        "GBP,0.79,2024-03-01",
    )
    before = snapshot()
    # When finance imports it; Then nothing is written and each bad row is named with its reason
    with on("2024-02-01"), pytest.raises(ImportRefused) as refused:
        import_file(actor=cast.finance, kind="exchange-rates", path=path)
    assert snapshot() == before
    text = str(refused.value)
    assert "above zero" in text and "at most 1,000,000 units per USD" in text
    assert [p.line for p in refused.value.problems] == [3, 4, 5]
    # And the good rows alone go in
    with on("2024-02-01"):
        result = import_file(
            actor=cast.finance, kind="exchange-rates", path=rates_file(tmp_path, "INR,83.4,2024-03-01")
        )
    assert result.counts["created"] == 1
    assert ExchangeRate.objects.get().rate == Decimal("83.4")


def test_finance_imports_no_other_kind(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("tpid,name\nT-1,Contoso\n", encoding="utf-8")
    with on("2024-02-01"), pytest.raises(PermissionDenied, match="may not import customers"):
        import_file(actor=cast.finance, kind="customers", path=path)
    with on("2024-02-01"), pytest.raises(PermissionDenied):
        import_file(actor=cast.reviewer, kind="exchange-rates", path=rates_file(tmp_path, "INR,83.4,2024-03-01"))
