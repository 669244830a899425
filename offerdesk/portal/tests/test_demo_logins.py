"""The demo logins that `make run` prints sign in to the portal with "demo", each to a page of its role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.demo.data import PASSWORD
from offerdesk.demo.services import demo_load, demo_logins
from offerdesk.documents.models import Document


@pytest.mark.django_db
def test_every_demo_login_signs_in_with_the_demo_password_and_lands_on_a_page_of_its_role() -> None:
    demo_load()
    landed = {}
    for login in demo_logins():
        client = Client()
        response = client.post(reverse("account_login"), {"login": login.username, "password": PASSWORD})
        assert response.status_code == 302, f"{login.username} could not sign in"
        page = client.get(response["Location"], follow=True)
        assert page.status_code == 200, f"{login.username} landed on {page.redirect_chain}"
        landed[login.username] = page.request["PATH_INFO"]
    assert landed["operator"] == landed["reviewer"] == landed["admin"] == reverse("portal:staff-home")
    outsiders = [login.username for login in demo_logins() if login.role in {"partner", "customer"}]
    assert outsiders and all(landed[name] != reverse("portal:staff-home") for name in outsiders)


@pytest.mark.django_db
def test_the_demo_customer_finds_a_sow_waiting_for_its_signature() -> None:
    demo_load()
    [document] = Document.objects.all()
    customer = Client()
    assert customer.login(username="customer", password=PASSWORD)
    to_sign = customer.get(reverse("portal:customer-documents")).content.decode()
    assert reverse("portal:customer-document", kwargs={"key": document.key}) in to_sign
    assert "Waiting for your signature" in to_sign and document.voucher.code in to_sign
    assert customer.get(reverse("portal:customer-document", kwargs={"key": document.key})).status_code == 200
