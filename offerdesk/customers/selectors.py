"""Reading customers, within the reader's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from offerdesk.accounts.access import access_customer_scope, access_get, access_scoped
from offerdesk.accounts.models import User
from offerdesk.core import parsing

from .choices import Sector, Segment
from .models import Customer


def customer_list(*, user: User) -> QuerySet[Customer]:
    """The customers the user may see, by name."""
    return access_scoped(Customer.objects.select_related("company_group"), access_customer_scope(user))


def customer_get_for(*, user: User, key: str) -> Customer:
    """One customer by its TPID, if the user may see it."""
    return access_get(customer_list(user=user), what="customer", tpid=key)


def customer_search(
    *, user: User, text: str = "", sector: str = "", segment: str = "", country: str = ""
) -> QuerySet[Customer]:
    """The customers the user may see whose TPID or name holds `text`, of a sector, segment and country (each
    optional; a value not on its list is refused by field, OD-IN-01)."""
    qs = customer_list(user=user)
    text = parsing.parse_name(text, field="search", max_length=200, required=False)
    if text:
        qs = qs.filter(Q(tpid__icontains=text) | Q(name__icontains=text))
    if sector:
        qs = qs.filter(sector=parsing.parse_choice(sector, field="sector", choices=Sector.values))
    if segment:
        qs = qs.filter(segment=parsing.parse_choice(segment, field="segment", choices=Segment.values))
    if country:
        qs = qs.filter(country=parsing.parse_country(country))
    return qs
