"""Notices: queued in the outbox inside the causing transaction, delivered at least once by the worker or the
daily run, under a Message-ID that stays the same on every attempt (ADR 7)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from offerdesk.core import dates

from .choices import NoticeKind, OutboxStatus
from .models import OutboxMessage

log = logging.getLogger(__name__)
KIND_HEADER = "X-OfferDesk-Kind"
MAX_ATTEMPTS = 5
STUCK_AFTER = dt.timedelta(minutes=15)


def _clean(addresses: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        if address and address not in seen:
            seen.append(address)
    return seen


def notice_queue(
    *,
    kind: NoticeKind,
    to: Iterable[str | None],
    cc: Iterable[str | None] = (),
    context: dict[str, Any],
    target: models.Model | None = None,
) -> OutboxMessage | None:
    """Render a notice and put it in the outbox; nothing is queued when nobody is there to read it."""
    recipients = _clean(to)
    if not recipients:
        return None
    copies = [a for a in _clean(cc) if a not in recipients]
    slug = slugify(kind.value)
    context = {**context, "kind": kind.label}
    subject = " ".join(render_to_string(f"notifications/{slug}.subject.txt", context).split())
    return OutboxMessage.objects.create(
        kind=kind,
        to=recipients,
        cc=copies,
        subject=subject,
        body_text=render_to_string(f"notifications/{slug}.txt", context),
        body_html=render_to_string(f"notifications/{slug}.html", context),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
    )


def _claim(message_id: int) -> bool:
    """Claim one pending message with a conditional UPDATE, so two workers never send it twice."""
    return bool(
        OutboxMessage.objects.filter(id=message_id, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENDING, attempts=models.F("attempts") + 1, updated_at=dates.now()
        )
    )


def outbox_recover_stuck(*, older_than: dt.timedelta = STUCK_AFTER) -> int:
    """Put back messages a worker claimed and never finished (it died mid-send): at least once beats never."""
    return OutboxMessage.objects.filter(status=OutboxStatus.SENDING, updated_at__lt=dates.now() - older_than).update(
        status=OutboxStatus.PENDING, updated_at=dates.now()
    )


def outbox_message_id(message: OutboxMessage) -> str:
    """The Message-ID of an outbox row: the same on every attempt, so a resend is known as the same e-mail (ADR 7)."""
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2] or "offerdesk.invalid"
    return f"<outbox-{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


def outbox_deliver(*, limit: int = 500) -> int:
    """Send pending messages through Django's e-mail backend; returns how many left."""
    outbox_recover_stuck()
    sent = 0
    pending = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("id").values_list("id", flat=True)[:limit]
    )
    for message_id in pending:
        if not _claim(message_id):
            continue
        message = OutboxMessage.objects.get(id=message_id)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to,
            cc=message.cc,
            headers={KIND_HEADER: message.kind, "Message-ID": outbox_message_id(message)},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send()
        except Exception as exc:  # any transport failure: retry later, never lose the message
            log.warning("outbox message %s failed: %s", message_id, exc)
            status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
            OutboxMessage.objects.filter(id=message_id).update(status=status, last_error=str(exc)[:2000])
            continue
        OutboxMessage.objects.filter(id=message_id).update(status=OutboxStatus.SENT, sent_at=dates.now())
        sent += 1
    return sent


def outbox_deliver_on_commit() -> None:
    """After the causing transaction commits, ask the task queue to deliver the outbox."""
    from .tasks import deliver_outbox

    transaction.on_commit(lambda: deliver_outbox.enqueue())
