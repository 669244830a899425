"""Reading customers, within the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from offerdesk.accounts.access import access_customer_scope, access_get, access_scoped
from offerdesk.accounts.models import User

from .models import Customer


def customer_list(*, user: User) -> QuerySet[Customer]:
    """The customers the user may see, by name."""
    return access_scoped(Customer.objects.select_related("company_group"), access_customer_scope(user))


def customer_get_for(*, user: User, key: str) -> Customer:
    """One customer by its TPID, if the user may see it."""
    return access_get(customer_list(user=user), what="customer", tpid=key)
