"""Fixtures shared by the tests beside the code (offerdesk/*/tests) and those under tests/."""

from __future__ import annotations

import pytest

from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, cso_customer, cso_voucher, customer, make_cast, mws_voucher


@pytest.fixture
def cast(db: None) -> Cast:
    """The named cast: mira sells, omar operates, rita reviews, fiona runs finance, aude audits,
    pat and paula work for Fabrikam and nico for Northwind; fran is Fabrikam's FPM, felix Northwind's."""
    return make_cast()


@pytest.fixture
def cso(cast: Cast) -> Voucher:
    """Contoso's CSO voucher, mapped to Fabrikam: issued 2023-09-01, expires 2024-02-28, tier 1."""
    return cso_voucher(cast, customer=cso_customer(cast.operator))


@pytest.fixture
def dep(cast: Cast) -> Voucher:
    """Adatum's $75,000 DEP voucher: issued 2023-10-05, expires 2024-04-05, not yet bound to a partner."""
    return mws_voucher(cast, customer=customer(cast.operator, tpid="T-600", name="Adatum"))
