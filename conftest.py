"""Fixtures shared by the tests beside the code (offerdesk/*/tests) and those under tests/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.test import TransactionTestCase, override_settings
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import validate_django_db

from offerdesk.vouchers.models import Voucher
from tests.databases import throwaway_database
from tests.expected_failures import EXPECTED_FAILURES
from tests.factories import Cast, cso_customer, cso_voucher, customer, make_cast, mws_voucher

# Speed is measured in benchmarks, never asserted: no per-example deadline (a loaded machine is not a failure).
hypothesis_settings.register_profile("offerdesk", deadline=None)
hypothesis_settings.load_profile("offerdesk")

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def is_transactional(item: pytest.Item) -> bool:
    """The same test pytest-django makes to run a test in a TransactionTestCase."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


class _Throwaway:
    """Whether the transactional test now ending ran in a throwaway database."""

    ran = False


def _drop_rather_than_flush(self: TransactionTestCase) -> None:
    # Django would flush every table here, which the append-only triggers refuse; the test ran in a copy
    # that is gone already. Refuse loudly if one did not, rather than leave its rows for the next test.
    if not _Throwaway.ran:
        raise RuntimeError("a transactional test ran outside a throwaway database (see tests/databases.py)")
    _Throwaway.ran = False


def pytest_configure(config: pytest.Config) -> None:
    TransactionTestCase._fixture_teardown = _drop_rather_than_flush  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the listed expected failures strict: one that starts passing fails the run (tests/expected_failures.py)."""
    for item in items:
        reason = EXPECTED_FAILURES.get(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(autouse=True)
def _transactional_tests_run_in_a_throwaway_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each transactional test gets its own copy of the test database (tests/databases.py)."""
    if not is_transactional(request.node):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so that it ends after the copy is gone
    try:
        with throwaway_database():
            yield
    finally:
        _Throwaway.ran = True


@pytest.fixture(scope="session")
def _seal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's self-signed document certificate is created on first use."""
    return tmp_path_factory.mktemp("seal")


@pytest.fixture(autouse=True)
def _documents_in_a_throwaway_folder(tmp_path_factory: pytest.TempPathFactory, _seal_dir: Path) -> Iterator[None]:
    """Stored documents go to a folder of the test's own, never var/; the seal certificate is the session's."""
    folder = tmp_path_factory.mktemp("documents")
    documents = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}}
    with override_settings(
        STORAGES={**storages.backends, "documents": documents},
        VAR_DIR=_seal_dir,
        OFFERDESK_DOCUMENT_CERT_FILE="",
        OFFERDESK_DOCUMENT_KEY_FILE="",
    ):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    """The named cast: mira sells, omar operates, rita reviews, fiona runs finance, aude audits;
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
