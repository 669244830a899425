"""Settings shared by every environment; everything that differs comes from the environment."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("OFFERDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "offerdesk-insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "offerdesk.portal",  # before allauth: its templates (the sign-in pages in the portal's layout) win
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_tasks_db",
    "offerdesk.core",
    "offerdesk.accounts",
    "offerdesk.audit",
    "offerdesk.apikeys",
    "offerdesk.catalogue",
    "offerdesk.customers",
    "offerdesk.partners",
    "offerdesk.vouchers",
    "offerdesk.redemptions",
    "offerdesk.documents",
    "offerdesk.reviews",
    "offerdesk.payouts",
    "offerdesk.notifications",
    "offerdesk.screening",
    "offerdesk.jobs",
    "offerdesk.imports",
    "offerdesk.demo",
    "offerdesk.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the app server itself (ADR 17)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "offerdesk.portal.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "offerdesk.portal.middleware.MfaRequiredMiddleware",
    "offerdesk.api.middleware.ApiWriteMiddleware",  # after authentication: idempotency keys are per user
]

ROOT_URLCONF = "offerdesk.config.urls"
WSGI_APPLICATION = "offerdesk.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "offerdesk.portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'offerdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default works on a fresh checkout
    # Writers wait for the lock instead of failing at once; IMMEDIATE makes every
    # atomic block take the write lock up front, which serialises money changes.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The program time zone: every date of the rule book is a calendar date here.
TIME_ZONE = os.environ.get("OFFERDESK_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Static files come from the installed packages only (the portal's stylesheet, django-htmx's script), served by
# WhiteNoise; production serves the hashed, compressed copies `collectstatic` writes to STATIC_ROOT.
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ------------------------------------------------------------------------------------ sign-in (ADR 20)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"  # the portal's home sends each role on to its own page
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "offerdesk.portal.adapters.AccountAdapter"  # no self sign-up: operators create the users
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OfferDesk] "
# Throttling: failed sign-ins per address (ip) and per account (key), and password-reset mails.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("OFFERDESK_LOGIN_FAILED_LIMIT", "20/10m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OfferDesk"
# Operators create the users with their e-mail (no self sign-up), so a second factor needs no e-mail check first.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Operators, reviewers, finance and superusers must enrol a second factor before anything else (production);
# development and tests turn it off so that the demo logins sign in with their password alone.
OFFERDESK_MFA_REQUIRED = env_bool("OFFERDESK_MFA_REQUIRED", True)
OFFERDESK_MFA_ROLES = ("operator", "reviewer", "finance")
# A session ends after this much inactivity (seconds): a request starts the count again, writing the session
# at most once a minute (portal.middleware.SessionIdleMiddleware) rather than on every request.
SESSION_COOKIE_AGE = int(os.environ.get("OFFERDESK_SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
OFFERDESK_SESSION_REFRESH_SECONDS = 60

# Where SOW and POE documents are stored, through Django's storage API under random names: the file system
# by default; any storage backend by configuration, e.g. S3-compatible storage with django-storages:
# OFFERDESK_DOCUMENT_STORAGE=storages.backends.s3.S3Storage
# OFFERDESK_DOCUMENT_STORAGE_OPTIONS='{"bucket_name": "offerdesk-documents", "endpoint_url": "https://…"}'
STORAGES["documents"] = {
    "BACKEND": os.environ.get("OFFERDESK_DOCUMENT_STORAGE", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": json.loads(os.environ.get("OFFERDESK_DOCUMENT_STORAGE_OPTIONS", "") or "{}")
    or {"location": str(MEDIA_ROOT / "documents"), "base_url": None},
}
# A stored PDF no document refers to (its transaction rolled back) is deleted by the daily job `prune` once
# it is this old: a younger one may belong to a transaction still running.
OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS = int(os.environ.get("OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS", "24"))
# The certificate that seals signed documents (PEM files). Unset: a self-signed one is created on first use
# under the var dir (development, tests); a deployment configures its own.
OFFERDESK_DOCUMENT_CERT_FILE = os.environ.get("OFFERDESK_DOCUMENT_CERT_FILE", "")
OFFERDESK_DOCUMENT_KEY_FILE = os.environ.get("OFFERDESK_DOCUMENT_KEY_FILE", "")
OFFERDESK_DOCUMENT_KEY_PASSWORD = os.environ.get("OFFERDESK_DOCUMENT_KEY_PASSWORD", "")
# After a rotation: the earlier certificates (PEM files, comma-separated), trusted to verify what they sealed.
OFFERDESK_DOCUMENT_RETIRED_CERT_FILES = env_list("OFFERDESK_DOCUMENT_RETIRED_CERT_FILES")
# The address the portal is reached at, for links in e-mails (no trailing slash).
OFFERDESK_SITE_URL = os.environ.get("OFFERDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail (Django's MAILERS): files under var/mail in development, SMTP in production, memory in tests.
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")


def mailer_options(backend: str, *, use_tls: bool = False) -> dict[str, object]:
    """The OPTIONS a mail backend takes, read from the environment; `use_tls` is SMTP's default for STARTTLS."""
    if backend.endswith("filebased.EmailBackend"):
        return {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
    if backend.endswith("smtp.EmailBackend"):
        tls = env_bool("EMAIL_USE_TLS", use_tls)
        return {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587" if tls else "25")),  # 587: submission with STARTTLS
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": tls,
            # A relay that stops answering fails the attempt (and waits its backoff) instead of hanging a worker.
            "timeout": float(os.environ.get("EMAIL_TIMEOUT", "30")),
        }
    return {}


MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": mailer_options(EMAIL_BACKEND_PATH)}}
# The program operators' shared mailbox: declined referrals to re-map land here (AMB-14).
OFFERDESK_OPERATIONS_EMAIL = os.environ.get("OFFERDESK_OPERATIONS_EMAIL", "")
# The registrations team's (the reviewers') shared mailbox: the morning a review is overdue, it is told (ADR 26).
OFFERDESK_REGISTRATIONS_EMAIL = os.environ.get("OFFERDESK_REGISTRATIONS_EMAIL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OfferDesk <offerdesk@localhost>")

# Delivery of the outbox (ADR 7): a failed attempt waits base × 2^(attempts-1) seconds, at most the cap; after
# the last attempt the message is a dead letter. A worker holds the rows it claimed for the lease (seconds), then
# another may take them over; a batch is how many rows one claim takes.
OFFERDESK_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OFFERDESK_OUTBOX_MAX_ATTEMPTS", "10"))
OFFERDESK_OUTBOX_RETRY_BASE = float(os.environ.get("OFFERDESK_OUTBOX_RETRY_BASE", "60"))
OFFERDESK_OUTBOX_RETRY_CAP = float(os.environ.get("OFFERDESK_OUTBOX_RETRY_CAP", "3600"))
OFFERDESK_OUTBOX_LEASE = float(os.environ.get("OFFERDESK_OUTBOX_LEASE", "600"))
OFFERDESK_OUTBOX_BATCH = int(os.environ.get("OFFERDESK_OUTBOX_BATCH", "100"))

# Webhooks (ADR 33), delivered by the outbox's worker under the settings above: how long a receiver has to answer
# (seconds); how long a rotated-out secret still signs next to the new one (hours); whether a subscription may
# name this machine (loopback, plain http): development and tests only — a private-network address never.
OFFERDESK_WEBHOOK_TIMEOUT = float(os.environ.get("OFFERDESK_WEBHOOK_TIMEOUT", "10"))
OFFERDESK_WEBHOOK_ROTATION_HOURS = int(os.environ.get("OFFERDESK_WEBHOOK_ROTATION_HOURS", "24"))
OFFERDESK_WEBHOOK_ALLOW_LOCAL = env_bool("OFFERDESK_WEBHOOK_ALLOW_LOCAL", DEBUG)

# The REST API (ADR 29): personal tokens' default and longest validity (days); how long an Idempotency-Key's
# answer is kept (hours), and after how long a key still "running" (its process died) may be claimed again
# (seconds); requests per token (or per address, unauthenticated) and period (s, m, h or d); the largest JSON
# body (bytes: a larger one is refused with 413 before it is read); a list page's default and largest size.
OFFERDESK_API_TOKEN_DAYS = int(os.environ.get("OFFERDESK_API_TOKEN_DAYS", "90"))
OFFERDESK_API_TOKEN_MAX_DAYS = int(os.environ.get("OFFERDESK_API_TOKEN_MAX_DAYS", "365"))
OFFERDESK_IDEMPOTENCY_KEEP_HOURS = int(os.environ.get("OFFERDESK_IDEMPOTENCY_KEEP_HOURS", "24"))
OFFERDESK_IDEMPOTENCY_STALE_SECONDS = int(os.environ.get("OFFERDESK_IDEMPOTENCY_STALE_SECONDS", "300"))
OFFERDESK_API_RATE_LIMIT = os.environ.get("OFFERDESK_API_RATE_LIMIT", "1200/m")
OFFERDESK_API_MAX_BODY_BYTES = int(os.environ.get("OFFERDESK_API_MAX_BODY_BYTES", str(1024 * 1024)))
# A multipart upload (a signed PDF of at most 20 MB, with its form fields) may be this large.
OFFERDESK_API_MAX_UPLOAD_BYTES = int(os.environ.get("OFFERDESK_API_MAX_UPLOAD_BYTES", str(21 * 1024 * 1024)))
OFFERDESK_API_PAGE_SIZE = int(os.environ.get("OFFERDESK_API_PAGE_SIZE", "50"))
OFFERDESK_API_MAX_PAGE_SIZE = int(os.environ.get("OFFERDESK_API_MAX_PAGE_SIZE", "200"))

# `offerdesk demo` creates users with a published password: only development and tests allow it.
OFFERDESK_DEMO_ALLOWED = False
# The largest file `offerdesk import` reads, and the most an XLSX may unpack to (a zip bomb stops here)
OFFERDESK_IMPORT_MAX_BYTES = int(os.environ.get("OFFERDESK_IMPORT_MAX_BYTES", str(1024**3)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Workers and the schedule (`offerdesk worker`, `offerdesk schedule`; ADR 16). Times in seconds.
OFFERDESK_WORKER_INTERVAL = float(os.environ.get("OFFERDESK_WORKER_INTERVAL", "1"))  # idle poll
OFFERDESK_WORKER_HEARTBEAT = float(os.environ.get("OFFERDESK_WORKER_HEARTBEAT", "10"))
# A running task whose worker has not beaten for this long is taken up again by another worker.
OFFERDESK_WORKER_DEAD_AFTER = float(os.environ.get("OFFERDESK_WORKER_DEAD_AFTER", "60"))
OFFERDESK_TASK_MAX_ATTEMPTS = int(os.environ.get("OFFERDESK_TASK_MAX_ATTEMPTS", "3"))  # workers that died on it
OFFERDESK_TASK_RESULTS_KEEP_DAYS = int(os.environ.get("OFFERDESK_TASK_RESULTS_KEEP_DAYS", "14"))
# A screening is kept this long to nominate from; the daily job `prune` deletes older ones with their lines.
OFFERDESK_SCREENINGS_KEEP_DAYS = int(os.environ.get("OFFERDESK_SCREENINGS_KEEP_DAYS", "90"))
OFFERDESK_DAILY_AT = dt.time.fromisoformat(os.environ.get("OFFERDESK_DAILY_AT", "01:00"))  # program time zone
OFFERDESK_SCHEDULE_INTERVAL = float(os.environ.get("OFFERDESK_SCHEDULE_INTERVAL", "30"))
OFFERDESK_SCHEDULE_CATCH_UP_DAYS = int(os.environ.get("OFFERDESK_SCHEDULE_CATCH_UP_DAYS", "31"))
# `offerdesk health` and /healthz fail when the oldest ready task or pending e-mail waits longer (seconds).
OFFERDESK_HEALTH_MAX_TASK_AGE = int(os.environ.get("OFFERDESK_HEALTH_MAX_TASK_AGE", "900"))
OFFERDESK_HEALTH_MAX_MESSAGE_AGE = int(os.environ.get("OFFERDESK_HEALTH_MAX_MESSAGE_AGE", "3600"))

# `offerdesk serve` (gunicorn; ADR 17): where it listens, its worker processes and threads per process.
OFFERDESK_BIND = os.environ.get("OFFERDESK_BIND", "127.0.0.1:8000")
OFFERDESK_WEB_PROCESSES = int(os.environ.get("OFFERDESK_WEB_PROCESSES", "2"))
OFFERDESK_WEB_THREADS = int(os.environ.get("OFFERDESK_WEB_THREADS", "4"))
OFFERDESK_WEB_TIMEOUT = int(os.environ.get("OFFERDESK_WEB_TIMEOUT", "60"))
# Trust X-Forwarded-* from any address: only when nothing but the reverse proxy can reach the server.
OFFERDESK_BEHIND_PROXY = env_bool("OFFERDESK_BEHIND_PROXY", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "offerdesk": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        # Django logs each task's start and end at INFO; one line per e-mail run is noise.
        "django.tasks": {"level": os.environ.get("TASKS_LOG_LEVEL", "WARNING")},
    },
}
