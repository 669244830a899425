"""A real SMTP server on loopback (aiosmtpd, in a thread) that counts what it accepted, by Message-ID.

It can be down (not listening), refuse a recipient (e.g. `550` for good, `451` for now), and hold each message
a moment after taking it and before answering `250`: the window in which a worker killed then has had its
message accepted without knowing it, which is where a duplicate can come from.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Accepted:
    """One message the server took: its Message-ID, when (wall clock), to whom, and its subject."""

    message_id: str
    at: float
    recipients: tuple[str, ...]
    subject: str


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps every accepted message; refusals and the hold are set by the test."""

    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply, e.g. "550 5.1.1 no such user"
    hold: float = 0.0  # seconds between taking a message and answering 250
    accepted: list[Accepted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.accepted.append(
                Accepted(
                    message_id=str(message["Message-ID"]),
                    at=time.time(),
                    recipients=tuple(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                )
            )
        if self.hold:
            await asyncio.sleep(self.hold)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[Accepted]:
        with self._lock:
            return list(self.accepted)

    def copies(self) -> Counter[str]:
        """How many times each Message-ID was accepted."""
        return Counter(a.message_id for a in self.snapshot())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """The server on a fixed loopback port, which can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, ready_timeout=10)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer(self) -> dict[str, Any]:
        """Django's MAILERS for this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
