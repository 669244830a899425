"""Development: the embedded SQLite file under var/, e-mails written to var/mail."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

# Without a worker running, deliver e-mail as soon as the causing transaction commits.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}
