"""Tests: DATABASE_URL picks the database (SQLite by default); e-mail stays in memory."""

from .base import *  # noqa: F403
from .base import env_bool

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OFFERDESK_DEMO_ALLOWED = True  # the demo logins (password "demo") are for this machine only
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True  # static files straight from the apps
WHITENOISE_AUTOREFRESH = True  # and no scan of an uncollected STATIC_ROOT at start
OFFERDESK_MFA_REQUIRED = env_bool("OFFERDESK_MFA_REQUIRED", False)  # the tests that need it turn it on
# A test's requests never write the session just to push its expiry back (pinned query counts stay exact
# on a slow machine); the idle-session test moves the clock by hours.
OFFERDESK_SESSION_REFRESH_SECONDS = 600
OFFERDESK_WEBHOOK_ALLOW_LOCAL = True  # the tests' receivers listen on loopback
OFFERDESK_WEBHOOK_TIMEOUT = 5
