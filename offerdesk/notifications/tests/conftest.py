"""The notifications tests' real SMTP server (tests/smtp.py), as Django's default mailer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.smtp import SmtpServer


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback, running; the outbox sends to it."""
    server = SmtpServer().start()
    settings.MAILERS = server.mailer()
    try:
        yield server
    finally:
        server.stop()
