"""The project's wiring: production settings pass the deploy checks; e-mail leaves once the change commits."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from offerdesk.catalogue.selectors import offer_get
from offerdesk.core import dates
from offerdesk.customers.services import customer_create, customer_set_seats, customer_set_usage
from offerdesk.notifications.choices import OutboxStatus
from offerdesk.notifications.models import OutboxMessage
from offerdesk.partners.services import partner_create
from offerdesk.vouchers.services import nomination_create

ROOT = Path(__file__).resolve().parents[1]


def test_production_settings_pass_check_deploy() -> None:
    # Given production settings with the secrets a deployment provides
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.production",
        "SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "offerdesk.example",
    }
    # When Django's deployment checks run
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # Then nothing is reported
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "offerdesk.config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_a_referral_email_leaves_when_the_nomination_commits(personas, django_capture_on_commit_callbacks) -> None:
    # Given a partner with a contact and an eligible customer
    moment = dt.datetime(2023, 9, 1, 12, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with dates.clock_at(moment):
        partner = partner_create(
            actor=personas.operator,
            name="Fabrikam",
            primary_contact="ops@fabrikam.example",
            program_manager="fpm@fasttrack.example",
        )
        customer = customer_create(
            actor=personas.operator, tpid="T-1", name="Contoso", sector="Commercial", segment="Enterprise", country="US"
        )
        customer_set_seats(actor=personas.operator, customer=customer, sku="Office 365 E3", paid=1000, in_use=100)
        customer_set_usage(actor=personas.operator, customer=customer, usage={"Exchange Online": "20%", "Teams": "30%"})
        # When Microsoft nominates it and the transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            nomination_create(
                actor=personas.seller,
                customer=customer,
                offer=offer_get(name_or_code="Customer Success Offer"),
                partner=partner,
            )
    # Then the task queue delivered the referral e-mail once, with the FPM in copy
    assert [(m.to, m.cc, m.extra_headers["X-OfferDesk-Kind"]) for m in mail.outbox] == [
        (["ops@fabrikam.example"], ["fpm@fasttrack.example"], "referral")
    ]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_the_home_page_leads_to_the_back_office(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
