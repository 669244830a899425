"""The approved FRP list a FY24 customer chooses its partner from, searched by name and country."""

from __future__ import annotations

import pytest

from offerdesk.accounts.models import User
from offerdesk.core.errors import InvalidInput, NotFound
from offerdesk.partners.choices import FrpStatus
from offerdesk.partners.selectors import (
    partner_directory_countries,
    partner_directory_get_for,
    partner_directory_list,
)
from tests.factories import Cast, customer, customer_user, partner


@pytest.fixture
def alice(cast: Cast) -> User:
    """Signs in for Adatum; Fabrikam (US) and Northwind (GB) are on the list, Lucerne (CH) is suspended."""
    partner(cast.operator, "Lucerne", country="CH", frp_status=FrpStatus.SUSPENDED)
    partner(cast.operator, "Fabrikam Canada", country="CA")
    return customer_user(customer(cast.operator, tpid="T-1", name="Adatum"), "alice")


def names(*, user: User, **search: str) -> list[str]:
    return list(partner_directory_list(user=user, **search).values_list("name", flat=True))


def test_the_list_holds_every_approved_partner_by_name(cast: Cast, alice: User) -> None:
    assert names(user=alice) == ["Fabrikam", "Fabrikam Canada", "Northwind"]
    assert names(user=cast.operator) == names(user=alice)
    with pytest.raises(NotFound):
        partner_directory_get_for(user=alice, key=cast.fabrikam.pk + 100)
    assert partner_directory_countries(user=alice) == ["CA", "GB", "US"]


def test_search_by_part_of_the_name_and_by_country(cast: Cast, alice: User) -> None:
    assert names(user=alice, name="  fabri ") == ["Fabrikam", "Fabrikam Canada"]
    assert names(user=alice, name="fabri", country="ca") == ["Fabrikam Canada"]
    assert names(user=alice, country="GB") == ["Northwind"]
    assert names(user=alice, name="nobody") == []


def test_a_suspended_partner_is_not_on_the_list(alice: User) -> None:
    assert names(user=alice, country="CH") == []


def test_partners_and_their_fpms_do_not_read_the_list(cast: Cast, alice: User) -> None:
    assert names(user=cast.pat) == names(user=cast.fran) == []
    with pytest.raises(NotFound):
        partner_directory_get_for(user=cast.pat, key=cast.northwind.pk)


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ({"country": "Narnia"}, "country: "),
        ({"country": "ZZ"}, "country: "),
        ({"name": "x" * 201}, "name: has at most 200 characters"),
        ({"name": "a\x00b"}, "name: "),
    ],
)
def test_a_bad_search_is_refused_by_its_field(alice: User, search: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        names(user=alice, **search)
    assert refused.value.message.startswith(message)
    assert refused.value.rules == ("OD-IN-01",)
