"""Production: secure defaults; SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must come from the environment."""

import os

from .base import *  # noqa: F403
from .base import env_bool, mailer_options

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {"default": {"BACKEND": _backend, "OPTIONS": mailer_options(_backend)}}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
