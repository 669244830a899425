"""Each role's navigation: the pages it may open, in order, and nothing it would be refused."""

from __future__ import annotations

import pytest
from django.test import Client

from offerdesk.portal.navigation import navigation_for
from tests.factories import Cast


def labels(user: object) -> list[str]:
    return [link["label"] for link in navigation_for(user)]


def test_an_fpm_is_offered_its_partners_part_of_the_back_office_and_their_portal(cast: Cast) -> None:
    assert labels(cast.fran) == [
        "Staff home",
        "Customers",
        "Vouchers",
        "Partners",
        "Partners' redemptions",
        "Partners' payments",
        "Notices",
    ]


@pytest.mark.parametrize("persona", ["seller", "operator", "reviewer", "finance", "auditor", "fran"])
def test_every_page_a_staff_navigation_offers_opens_for_its_user(cast: Cast, persona: str) -> None:
    user = getattr(cast, persona)
    client = Client()
    client.force_login(user)
    for link in navigation_for(user):
        assert client.get(link["url"]).status_code == 200, f"{persona}: {link['label']} ({link['url']})"


def test_a_seller_is_offered_the_sales_pages(cast: Cast) -> None:
    offered = labels(cast.seller)
    assert offered[:5] == ["Staff home", "Customers", "Nominations", "Vouchers", "Partners"]
    assert "Verify a document" not in offered
