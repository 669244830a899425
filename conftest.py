"""Fixtures shared by the tests beside the code (offerdesk/*/tests) and those under tests/."""

from __future__ import annotations

import pytest

from tests.factories import Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    """The named cast: mira sells, omar operates, rita reviews, fiona runs finance, aude audits,
    pat works for Fabrikam and nico for Northwind."""
    return make_cast()
