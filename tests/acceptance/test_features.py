"""Runs every acceptance feature: the product owner's copies here, plus any under $OFFERDESK_FEATURES."""

import os
from pathlib import Path

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.django_db


HERE = Path(__file__).parent
scenarios(str(HERE / "features"))  # the product owner's, unchanged
scenarios(str(HERE / "readings"))  # ours: the alternative readings of §3.0, with the same steps

extra = os.environ.get("OFFERDESK_FEATURES")
if extra:
    for path in sorted(Path(extra).rglob("*.feature")):
        scenarios(str(path))
