"""Monthly active usage is kept exactly as given (CSO-ELIG-04, OD-IN-01)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from offerdesk.core.errors import InvalidInput
from offerdesk.customers.models import WorkloadUsage
from offerdesk.customers.services import customer_set_usage
from tests.factories import Cast, audit_events, cso_customer, cso_nominate, on, snapshot

# 119,999 active users of 200,000 seats: 59.9995 %, which is below 60 % however it is written.
JUST_BELOW: dict[str, str | Decimal] = {
    "Exchange Online": "59.9995%",
    "SharePoint Online": Decimal(119_999) / Decimal(200_000),
    "Teams": "70%",
    "Microsoft 365 Apps": "0.8",
}


def test_a_share_just_below_sixty_percent_is_stored_exactly_and_counts_as_low_usage(cast: Cast) -> None:
    # Given Contoso's usage is 59.9995 % on Exchange Online and SharePoint Online
    contoso = cso_customer(cast.operator, usage=JUST_BELOW)
    # Then both shares are stored as given, below the 60 % threshold
    stored = dict(WorkloadUsage.objects.filter(customer=contoso).values_list("workload", "mau"))
    assert stored["Exchange Online"] == stored["SharePoint Online"] == Decimal("0.599995")
    assert stored["Exchange Online"] < Decimal("0.60")
    # And Microsoft may nominate it: two workloads are below 60 % (CSO-ELIG-04 passes)
    nomination = cso_nominate(cast, customer=contoso, partner=cast.fabrikam)
    assert nomination.pk is not None


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ({"Exchange Online": "59.99999999999%"}, "more precise"),
        ({"Exchange Online": 0.5999}, "not a float"),
        ({"Exchange Online": "120%"}, "between 0% and 100%"),
        ({"Fax": "10%"}, "usage workload: must be one of Exchange Online, .*, not 'Fax'"),
        ("Exchange Online", "usage: must be a mapping"),
    ],
)
def test_a_share_that_cannot_be_kept_as_given_is_refused(cast: Cast, usage: object, message: str) -> None:
    contoso = cso_customer(cast.operator)
    before = snapshot()
    with on("2023-07-04"), pytest.raises(InvalidInput, match=message) as refusal:
        customer_set_usage(actor=cast.operator, customer=contoso, usage=usage)  # type: ignore[arg-type]
    assert refusal.value.rules == ("OD-IN-01",)
    assert snapshot() == before
    assert audit_events("customer.set_usage", "refused")
