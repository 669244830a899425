"""Payment runs created at the same moment (ADR 24): together they take every waiting payment, none twice.

Each run locks the vouchers of the payments it saw waiting (in primary-key order), then reads them again: one
that waited sees what the other committed. The partial unique index on live items is the backstop."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from offerdesk.accounts.models import User
from offerdesk.payouts.choices import LIVE_ITEM_STATUSES
from offerdesk.payouts.models import Payment, PaymentRun, PaymentRunItem
from offerdesk.payouts.services import payment_run_create
from offerdesk.payouts.tests.ledger import scheduled_payment
from tests.concurrency.test_races import given_partner, race
from tests.factories import Cast, moment

pytestmark = pytest.mark.django_db(transaction=True)

PAYMENTS = 12


def given_ledger(cast: Cast) -> list[Payment]:
    """Fabrikam owed twelve USD payments: eight payable 2024-03-16, four 2024-04-14."""
    partner, _ = given_partner(cast)
    return [
        scheduled_payment(cast, partner, n=n, users=300 + n, poe="2024-01-10" if n < 8 else "2024-02-12")
        for n in range(PAYMENTS)
    ]


def live_items() -> Counter[int]:
    return Counter(PaymentRunItem.objects.filter(status__in=LIVE_ITEM_STATUSES).values_list("payment_id", flat=True))


@pytest.mark.parametrize(("threads", "dates"), [(2, ("2024-04-30", "2024-04-30")), (8, ("2024-03-31", "2024-04-30"))])
def test_runs_created_at_once_share_no_payment_and_miss_none(cast: Cast, threads: int, dates: tuple[str, str]) -> None:
    payments = given_ledger(cast)
    ups = [dates[n % 2] for n in range(threads)]

    def arm() -> Callable[[], PaymentRun]:
        finance, up_to = User.objects.get(pk=cast.finance.pk), ups.pop()
        return lambda: payment_run_create(actor=finance, up_to=up_to)

    outcome = race(
        f"payment runs up to {' and '.join(sorted(set(dates)))}", at=moment("2024-05-02"), arm=arm, threads=threads
    )
    assert not outcome.crashes, outcome.crashes
    # Every payment is in exactly one live item; each run that won holds some, the others were told none waits
    taken = live_items()
    assert taken == Counter({p.pk: 1 for p in payments})
    assert PaymentRun.objects.count() == len(outcome.wins) >= 1
    assert all("is waiting for a run" in r.message for r in outcome.refusals)
    sizes = sorted(PaymentRunItem.objects.filter(run=run).count() for run in outcome.wins)
    print(f"[race] {threads} runs at once: {len(outcome.wins)} made, {sizes} items, {len(outcome.refusals)} found none")
    assert sum(sizes) == PAYMENTS
