"""Scheduled payments for the payment-run and statement tests, each through the whole approval flow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.partners.models import Partner
from offerdesk.payouts.models import ExchangeRate, Payment
from offerdesk.payouts.services import exchange_rate_set
from tests.factories import Cast, approve, approved_sow, cso_customer, cso_poe, cso_voucher, on

# A CSO POE submitted in January is payable on 2024-03-16 (end of month + 45 days); in February, 2024-04-14
POE_PAYABLE = {"2024-01-10": dt.date(2024, 3, 16), "2024-02-12": dt.date(2024, 4, 14)}


def scheduled_payment(cast: Cast, partner: Partner, *, n: int, users: int = 600, poe: str = "2024-01-10") -> Payment:
    """The partner's CSO POE for customer `n` approved: $15 a user ($9,000.00 for 600), payable per POE_PAYABLE."""
    user = User.objects.filter(role=Role.PARTNER, partner=partner).order_by("id").first()
    contoso = cso_customer(cast.operator, tpid=f"T-{partner.pk}-{n}", name=f"Contoso {partner.pk}-{n}", paid=8000)
    voucher = cso_voucher(cast, customer=contoso, partner=partner, partner_user=user)
    approved_sow(cast, voucher=voucher, partner=partner, submitted="2023-10-02", approved="2023-10-04")
    assert user is not None
    approved_on = (dt.date.fromisoformat(poe) + dt.timedelta(days=2)).isoformat()
    approve(cast, cso_poe(actor=user, voucher=voucher, partner=partner, when=poe, users=users), when=approved_on)
    payment = Payment.objects.get(voucher=voucher)
    assert (payment.amount, payment.payable_on) == (Decimal(15 * users).quantize(Decimal("0.01")), POE_PAYABLE[poe])
    return payment


def rate(cast: Cast, currency: str, value: str, *, effective_from: str = "2024-03-01") -> ExchangeRate:
    """Finance enters a rate on 2024-02-01."""
    with on("2024-02-01"):
        return exchange_rate_set(
            actor=cast.finance, currency=currency, rate=value, effective_from=dt.date.fromisoformat(effective_from)
        )
