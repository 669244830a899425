"""A partner or customer user is never staff, neither in a form nor in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_partner_user_can_never_be_made_staff(cast: Cast, flag: str) -> None:
    setattr(cast.pat, flag, True)
    with pytest.raises(ValidationError, match="can never be staff"):
        cast.pat.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.pat.pk).update(**{flag: True})
    cast.pat.refresh_from_db()
    assert not (cast.pat.is_staff or cast.pat.is_superuser)


def test_a_customer_user_can_never_be_a_superuser(cso: Voucher) -> None:
    carla = User(username="carla", role=Role.CUSTOMER, customer=cso.customer, is_superuser=True)
    with pytest.raises(ValidationError, match="can never be staff"):
        carla.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        carla.save()
    assert not User.objects.filter(username="carla").exists()


def test_microsoft_staff_may_be_staff(cast: Cast) -> None:
    cast.operator.is_staff = True
    cast.operator.full_clean()
    cast.operator.save(update_fields=["is_staff"])
