"""What the money areas' API tests share: a ledger made through the whole approval flow, and a page's query count."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from offerdesk.partners.models import Partner
from offerdesk.payouts.models import Payment
from offerdesk.payouts.tests.ledger import scheduled_payment
from tests.factories import Cast

from .client import Api


def payments(cast: Cast, count: int, *, partner: Partner | None = None, first: int = 1) -> list[Payment]:
    """`count` CSO POE payments of $9,000.00 payable 2024-03-16 (Fabrikam's unless another partner is named)."""
    return [scheduled_payment(cast, partner or cast.fabrikam, n=n) for n in range(first, first + count)]


def queries(api: Api, path: str, params: dict[str, Any] | None = None) -> int:
    """The queries a GET costs once the token's last use is written (the first call writes it)."""
    api.get(path, params)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured)
