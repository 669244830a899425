"""The project's wiring: production settings pass the deploy checks; e-mail leaves once the change commits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from offerdesk.catalogue.selectors import offer_get
from offerdesk.customers.services import customer_create, customer_set_seats, customer_set_usage
from offerdesk.notifications.choices import OutboxStatus
from offerdesk.notifications.models import OutboxMessage
from offerdesk.vouchers.services import nomination_create
from tests.factories import Cast, on

ROOT = Path(__file__).resolve().parents[1]


PRODUCTION = "offerdesk.config.settings.production"


def production_environment(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """The environment a deployment provides, with some variables changed or (None) taken away."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "offerdesk.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def production_setting(name: str, env: dict[str, str]) -> str:
    """A setting as production settings compute it from `env`, read in a fresh interpreter."""
    code = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    # Given production settings with the secrets a deployment provides
    env = production_environment(tmp_path)
    # When Django's deployment checks run
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # Then nothing is reported
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("removed", "blank"),
    [
        (("SECRET_KEY",), ()),
        (("ALLOWED_HOSTS",), ()),
        (("DATABASE_URL",), ()),
        (("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"), ()),
        (("ALLOWED_HOSTS",), ("SECRET_KEY",)),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "no-database-url", "none-of-them", "a-blank-secret-key-too"],
)
def test_production_settings_refuse_to_start_naming_every_missing_variable(
    tmp_path: Path, removed: tuple[str, ...], blank: tuple[str, ...]
) -> None:
    # Given production settings without some of the variables a deployment must provide
    env = production_environment(tmp_path, **dict.fromkeys(removed), **dict.fromkeys(blank, " "))
    # When anything starts
    result = manage("check", env=env)
    # Then it refuses with one message naming each missing variable, and nothing silently defaulted
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if name in removed + blank]
    message = (
        "django.core.exceptions.ImproperlyConfigured: production settings need SECRET_KEY, ALLOWED_HOSTS, "
        f"DATABASE_URL in the environment; missing: {', '.join(missing)}"
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == message
    assert "KeyError" not in result.stderr


def test_production_settings_take_the_hosts_from_the_environment(tmp_path: Path) -> None:
    env = production_environment(tmp_path, ALLOWED_HOSTS="offerdesk.example, admin.offerdesk.example")
    assert production_setting("ALLOWED_HOSTS", env) == "['offerdesk.example', 'admin.offerdesk.example']"


def test_smtp_uses_tls_by_default_in_production_and_not_in_development(tmp_path: Path) -> None:
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    production = production_environment(tmp_path, EMAIL_BACKEND=smtp, EMAIL_USE_TLS=None, EMAIL_PORT=None)
    development = {**production, "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.dev"}
    options = "MAILERS['default']['OPTIONS']"
    assert "'port': 587" in production_setting(options, production)
    assert "'use_tls': True" in production_setting(options, production)
    assert "'use_tls': False" in production_setting(options, development)
    # An operator may still turn it off, explicitly
    assert "'use_tls': False" in production_setting(options, {**production, "EMAIL_USE_TLS": "false"})


def test_the_demo_refuses_to_run_under_production_settings(tmp_path: Path) -> None:
    # Given production settings with everything a deployment provides, on an empty database
    env = production_environment(tmp_path)
    # When someone runs the demo there
    result = manage("demo", env=env)
    # Then it refuses in one line, without a traceback, and creates nothing
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: the demo creates users whose password is 'demo': it does not run under {PRODUCTION}"
    )


@pytest.mark.django_db
def test_a_referral_email_leaves_when_the_nomination_commits(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Fabrikam (a primary contact and an FPM) and an eligible customer
    with on("2023-09-01"):
        customer = customer_create(
            actor=cast.operator, tpid="T-1", name="Contoso", sector="Commercial", segment="Enterprise", country="US"
        )
        customer_set_seats(actor=cast.operator, customer=customer, sku="Office 365 E3", paid=1000, in_use=100)
        customer_set_usage(actor=cast.operator, customer=customer, usage={"Exchange Online": "20%", "Teams": "30%"})
        # When Microsoft nominates it and the transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            nomination_create(
                actor=cast.seller,
                customer=customer,
                offer=offer_get(name_or_code="Customer Success Offer"),
                partner=cast.fabrikam,
            )
    # Then the task queue delivered the referral e-mail once, with the FPM in copy
    assert [(m.to, m.cc, m.extra_headers["X-OfferDesk-Kind"]) for m in mail.outbox] == [
        (["ops@fabrikam.example"], ["fpm-fabrikam@fasttrack.example"], "referral")
    ]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_the_home_page_is_the_portal_which_asks_to_sign_in_first(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")
    assert client.get("/admin/").status_code == 302  # the back office stays where it was, behind its own sign-in


def test_production_keeps_files_in_s3_compatible_storage_when_a_bucket_is_named(tmp_path: Path) -> None:
    env = production_environment(
        tmp_path, OFFERDESK_S3_BUCKET="offerdesk-files", OFFERDESK_S3_ENDPOINT_URL="https://s3.example.test"
    )
    storage = production_setting("STORAGES['default']", env)
    assert "'BACKEND': 'storages.backends.s3.S3Storage'" in storage
    assert "'bucket_name': 'offerdesk-files'" in storage and "'endpoint_url': 'https://s3.example.test'" in storage
    assert "'default_acl': None" in storage
    assert "FileSystemStorage" in production_setting("STORAGES['default']", production_environment(tmp_path))


def test_the_suite_runs_on_its_own_settings() -> None:
    # `make run` exports the development settings; `make test` must not inherit them (a slow password hasher,
    # sessions written every minute, e-mail and tasks as a developer has them)
    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "offerdesk.config.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
