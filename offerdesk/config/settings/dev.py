"""Development: the embedded SQLite file under var/, e-mails written to var/mail."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
OFFERDESK_DEMO_ALLOWED = True  # the demo logins (password "demo") are for this machine only
OFFERDESK_MFA_REQUIRED = env_bool("OFFERDESK_MFA_REQUIRED", False)  # so the demo staff sign in with "demo"

# Without a worker running, deliver e-mail as soon as the causing transaction commits.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}
WHITENOISE_USE_FINDERS = True  # static files straight from the apps, no collectstatic needed
WHITENOISE_AUTOREFRESH = True
