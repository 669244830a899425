"""The races' cast: its staff only, since each race creates the partners it names."""

from __future__ import annotations

import pytest

from tests.factories import Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    """The cast's staff, in the race's throwaway database: each race creates the partners it names."""
    return make_cast(partners=False)
