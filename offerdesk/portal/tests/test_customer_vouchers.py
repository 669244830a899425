"""The customer's My vouchers and Choose partner pages, through the test client: what they show, what they
refuse (by rule ID, input kept, nothing changed), another customer's voucher (404), query counts pinned."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.customers.services import company_group_get_or_create, customer_set_company_group
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import OutboxMessage
from offerdesk.partners.choices import FrpStatus
from offerdesk.vouchers.models import Voucher
from tests.factories import Cast, customer, customer_user, mws_voucher, on, partner, snapshot

TODAY = "2023-10-06"  # the DEP voucher was issued on 2023-10-05 and expires on 2024-04-05


@pytest.fixture
def alice(dep: Voucher) -> User:
    """Signs in for Adatum, whose open DEP voucher no partner redeems yet."""
    return customer_user(dep.customer, "alice")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def partner_page(voucher: Voucher) -> str:
    return reverse("portal:customer-voucher-partner", kwargs={"code": voucher.code})


def get(user: User, url: str, **extra: Any) -> Any:
    with on(TODAY):
        return client_for(user).get(url, **extra)


def post(user: User, url: str, data: dict[str, Any]) -> Any:
    with on(TODAY):
        return client_for(user).post(url, data)


# ----------------------------------------------------------------------------------------- My vouchers


def test_my_vouchers_shows_value_expiry_days_left_status_and_partner(cast: Cast, dep: Voucher, alice: User) -> None:
    response = get(alice, reverse("portal:customer-vouchers"))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (dep.code, "M365 Deployment Offer", "$75,000.00", "Apr 5, 2024", "182 days left", "Open"):
        assert shown in page
    assert "None chosen yet" in page
    assert partner_page(dep) in page  # Choose partner


def test_my_vouchers_shows_only_the_customers_own(cast: Cast, dep: Voucher) -> None:
    otto = customer_user(customer(cast.operator, tpid="T-700", name="Proseware"), "otto")
    page = get(otto, reverse("portal:customer-vouchers")).content.decode()
    assert dep.code not in page
    assert "You hold no vouchers yet" in page


def test_a_cso_voucher_shows_its_mapped_partner_and_offers_no_choice(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    page = get(carla, reverse("portal:customer-vouchers")).content.decode()
    assert cso.code in page and "Fabrikam" in page
    assert partner_page(cso) not in page


@pytest.mark.parametrize("persona", ["pat", "fran", "operator", "reviewer", "auditor"])
def test_the_customer_pages_are_the_customers_own(cast: Cast, dep: Voucher, persona: str) -> None:
    user = getattr(cast, persona)
    assert get(user, reverse("portal:customer-vouchers")).status_code == 403
    assert get(user, partner_page(dep)).status_code == 403


# --------------------------------------------------------------------------------------- Choose partner


def test_the_approved_list_is_searched_by_name_and_country(cast: Cast, dep: Voucher, alice: User) -> None:
    partner(cast.operator, "Northwind Canada", country="CA")
    partner(cast.operator, "Lucerne", country="CH", frp_status=FrpStatus.SUSPENDED)
    everyone = get(alice, partner_page(dep)).content.decode()
    assert all(name in everyone for name in ("Fabrikam", "Northwind", "Northwind Canada", "United Kingdom"))
    assert "Lucerne" not in everyone
    found = get(alice, partner_page(dep), data={"name": "north", "country": "CA"}).content.decode()
    assert "Northwind Canada" in found and "Fabrikam" not in found
    assert 'value="north"' in found  # the search is kept


def test_htmx_gets_the_results_alone(cast: Cast, dep: Voucher, alice: User) -> None:
    response = get(alice, partner_page(dep), data={"name": "fabri"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="results"')
    assert "Fabrikam" in page and "Northwind" not in page and "<h1>" not in page


def test_a_bad_search_is_refused_by_its_field(cast: Cast, dep: Voucher, alice: User) -> None:
    response = get(alice, partner_page(dep), data={"country": "Narnia"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "country: " in page and "(OD-IN-01)" in page
    assert "Fabrikam" not in page  # no search was run


def test_choosing_a_partner_binds_it_and_e_mails_it(cast: Cast, dep: Voucher, alice: User) -> None:
    with on(TODAY):
        client = client_for(alice)
        response = client.post(partner_page(dep), {"partner": cast.fabrikam.pk})
        assert response.status_code == 302 and response["Location"] == reverse("portal:customer-vouchers")
        page = client.get(response["Location"]).content.decode()
    assert "Fabrikam will redeem voucher" in page
    assert Voucher.objects.get(pk=dep.pk).partner == cast.fabrikam
    [message] = OutboxMessage.objects.filter(kind=NoticeKind.PARTNER_CHOSEN)
    assert message.to == [cast.fabrikam.primary_contact]


def test_a_partner_of_the_customers_own_company_is_refused_under_mws_lim_06(
    cast: Cast, dep: Voucher, alice: User
) -> None:
    with on("2023-07-03"):
        group = company_group_get_or_create(actor=cast.operator, name="Adatum group")
        customer_set_company_group(actor=cast.operator, customer=dep.customer, group=group)
    arm = partner(cast.operator, "Adatum Services", country="US", company_group=group)
    before = snapshot()
    response = post(alice, f"{partner_page(dep)}?name=adatum", {"partner": arm.pk})
    assert response.status_code == 422
    page = response.content.decode()
    assert "MWS-LIM-06: Adatum Services belongs to the customer&#x27;s own company group" in page
    assert 'value="adatum"' in page  # the search is kept
    assert snapshot() == before


def test_a_forged_choice_for_another_customers_voucher_is_not_found(cast: Cast, dep: Voucher) -> None:
    otto = customer_user(customer(cast.operator, tpid="T-700", name="Proseware"), "otto")
    before = snapshot()
    assert post(otto, partner_page(dep), {"partner": cast.fabrikam.pk}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("forged", ["suspended", "999999", "abc", ""])
def test_a_partner_off_the_list_is_not_found(cast: Cast, dep: Voucher, alice: User, forged: str) -> None:
    if forged == "suspended":
        forged = str(partner(cast.operator, "Lucerne", frp_status=FrpStatus.SUSPENDED).pk)
    before = snapshot()
    assert post(alice, partner_page(dep), {"partner": forged}).status_code == 404
    assert snapshot() == before


def test_a_cso_voucher_takes_no_choice(cast: Cast, cso: Voucher) -> None:
    carla = customer_user(cso.customer, "carla")
    page = get(carla, partner_page(cso)).content.decode()
    assert "can no longer be chosen here" in page and 'name="partner"' not in page
    response = post(carla, partner_page(cso), {"partner": cast.northwind.pk})
    assert response.status_code == 422
    assert "CSO-RED-04" in response.content.decode()


def test_a_choice_without_the_csrf_token_is_refused(cast: Cast, dep: Voucher, alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    with on(TODAY):
        assert client.post(partner_page(dep), {"partner": cast.fabrikam.pk}).status_code == 403
    assert Voucher.objects.get(pk=dep.pk).partner is None


# ---------------------------------------------------------------------------------------- query counts


def many_vouchers(cast: Cast, count: int) -> None:
    """`count` FY24 vouchers, each its own customer's (a TPID holds one per family)."""
    for n in range(count):
        mws_voucher(cast, customer=customer(cast.operator, tpid=f"T-Q{n:03}", name=f"Customer {n:03}"))


@pytest.mark.parametrize("rows", [1, 50])
def test_my_vouchers_takes_the_same_queries_for_1_and_50_rows(
    cast: Cast, rows: int, django_assert_num_queries: Any
) -> None:
    # A customer holds a voucher per family at most: the superuser's view of the page lists every voucher.
    many_vouchers(cast, rows)
    root = User.objects.create_superuser(username="root", email="root@offerdesk.example")
    client = client_for(root)
    # the session, its user, the vouchers with what they show, the navigation's unread notices
    with on(TODAY), django_assert_num_queries(4):
        response = client.get(reverse("portal:customer-vouchers"))
    assert response.content.decode().count("<tr>") == rows + 1


@pytest.mark.parametrize("rows", [1, 50])
def test_choose_partner_takes_the_same_queries_for_1_and_50_partners(
    cast: Cast, dep: Voucher, alice: User, rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows - 2 if rows > 2 else 0):
        partner(cast.operator, f"Partner {n:03}", country="DE")
    search = {} if rows > 1 else {"name": "fabrikam"}
    client = client_for(alice)
    # the session, its user, the voucher, the countries, the partners, the navigation's unread notices
    with on(TODAY), django_assert_num_queries(6):
        response = client.get(partner_page(dep), data=search)
    assert response.content.decode().count('name="partner"') == rows
