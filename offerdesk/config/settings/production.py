"""Production: secure defaults; SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must come from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES as BASE_STORAGES
from .base import env_bool, env_list, mailer_options

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
# A default here would be a guessable key, a host list nobody chose, or a SQLite file nobody backs up.
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        f"production settings need {', '.join(REQUIRED)} in the environment; missing: {', '.join(_missing)}"
    )

DEBUG = False
# Persistent connections (checked before each request's first query): a new PostgreSQL connection per request
# halved the API's read throughput in `make bench`. DATABASE_CONN_MAX_AGE=0 returns to one per request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {"default": {"BACKEND": _backend, "OPTIONS": mailer_options(_backend, use_tls=True)}}
OFFERDESK_DEMO_ALLOWED = False  # the demo's users have a published password
OFFERDESK_WEBHOOK_ALLOW_LOCAL = False  # a webhook never goes to this machine or its network (SSRF)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer probes the app server over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Static files: `offerdesk collectstatic` writes them with hashed names, WhiteNoise serves them (ADR 17).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "documents": BASE_STORAGES["documents"],  # OFFERDESK_DOCUMENT_STORAGE, base
}
# Uploaded and generated files (documents) in S3-compatible storage when a bucket is named, so that every web and
# worker machine sees the same files: `pip install 'offerdesk[s3]'` (django-storages with boto3).
if os.environ.get("OFFERDESK_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["OFFERDESK_S3_BUCKET"],
            "endpoint_url": os.environ.get("OFFERDESK_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, R2, …
            "region_name": os.environ.get("OFFERDESK_S3_REGION") or None,
            "access_key": os.environ.get("OFFERDESK_S3_ACCESS_KEY_ID") or None,  # None: the machine's role
            "secret_key": os.environ.get("OFFERDESK_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # private: documents are served through the portal's checks, never by URL
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
