"""Development: the embedded SQLite file under var/, e-mails written to var/mail."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
