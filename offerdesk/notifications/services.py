"""Notices: queued in the outbox inside the causing transaction, with an in-app copy for each recipient user;
delivered at least once by the worker or the daily run, with retries and exponential backoff, under a Message-ID
that stays the same on every attempt; a dead letter after the last attempt, until an operator re-sends it (ADR 7)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils.text import slugify

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audit_record_many, audited_refusals
from offerdesk.core import dates, parsing
from offerdesk.core.errors import IllegalTransition, NotFound
from offerdesk.core.transitions import check_transition

from .choices import OUTBOX_REQUEUEABLE, OUTBOX_TRANSITIONS, NoticeKind, OutboxStatus
from .lock_objects import outbox_dead_lock, outbox_due, outbox_due_claimable, outbox_messages_lock
from .models import Delivered, Notice, OutboxMessage
from .selectors import notice_get_for, notice_list

log = logging.getLogger(__name__)
KIND_HEADER = "X-OfferDesk-Kind"
# A refusal of this one message (its sender, a recipient, its content); any other OSError (smtplib's errors are
# OSErrors) is the connection's, and ends the batch: the rest would fail the same way.
MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


# ============================================================================================ queueing


def _clean(addresses: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        if address and address not in seen:
            seen.append(address)
    return seen


def _notices_for(message: OutboxMessage) -> int:
    """An in-app copy for every user whose e-mail is among the message's recipients (whole address, any case)."""
    addresses = {parseaddr(a)[1].lower() for a in (*message.to, *message.cc)} - {""}
    users = User.objects.annotate(address=Lower("email")).filter(address__in=addresses).values_list("pk", flat=True)
    return len(Notice.objects.bulk_create([Notice(user_id=pk, message=message) for pk in users]))


def notice_queue(
    *,
    kind: NoticeKind,
    to: Iterable[str | None],
    cc: Iterable[str | None] = (),
    context: dict[str, Any],
    target: models.Model | None = None,
) -> OutboxMessage | None:
    """Render a notice and put it in the outbox, and in each recipient user's notices, in the caller's
    transaction; nothing is queued when nobody is there to read it."""
    recipients = _clean(to)
    if not recipients:
        return None
    copies = [a for a in _clean(cc) if a not in recipients]
    slug = slugify(kind.value)
    context = {**context, "kind": kind.label}
    subject = " ".join(render_to_string(f"notifications/{slug}.subject.txt", context).split())
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            kind=kind,
            to=recipients,
            cc=copies,
            subject=subject,
            body_text=render_to_string(f"notifications/{slug}.txt", context),
            body_html=render_to_string(f"notifications/{slug}.html", context),
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
        )
        _notices_for(message)
    return message


def outbox_deliver_on_commit() -> None:
    """After the causing transaction commits, ask the task queue to deliver the outbox."""
    from .tasks import deliver_outbox

    transaction.on_commit(lambda: deliver_outbox.enqueue())


# ============================================================================================ delivery


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard delivery tries (settings `OFFERDESK_OUTBOX_*`, README)."""

    max_attempts: int
    retry_base: float  # seconds before the second attempt; doubled for each one after
    retry_cap: float  # never longer than this between two attempts
    lease: float  # seconds a worker holds what it claimed before another may take it over
    batch: int

    def backoff(self, attempts: int) -> dt.timedelta:
        """How long a message waits after its `attempts`-th attempt failed."""
        return dt.timedelta(seconds=min(self.retry_cap, self.retry_base * 2 ** min(max(attempts - 1, 0), 40)))


def delivery_policy() -> DeliveryPolicy:
    """The delivery settings, checked: each a positive number (a zero base would retry in a tight loop)."""
    values = {
        "max_attempts": settings.OFFERDESK_OUTBOX_MAX_ATTEMPTS,
        "retry_base": settings.OFFERDESK_OUTBOX_RETRY_BASE,
        "retry_cap": settings.OFFERDESK_OUTBOX_RETRY_CAP,
        "lease": settings.OFFERDESK_OUTBOX_LEASE,
        "batch": settings.OFFERDESK_OUTBOX_BATCH,
    }
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ImproperlyConfigured(f"OFFERDESK_OUTBOX_{name.upper()} must be a positive number, not {value!r}")
    if values["retry_cap"] < values["retry_base"]:
        raise ImproperlyConfigured("OFFERDESK_OUTBOX_RETRY_CAP must be at least OFFERDESK_OUTBOX_RETRY_BASE")
    return DeliveryPolicy(**values)  # type: ignore[arg-type]


def outbox_message_id(message: OutboxMessage) -> str:
    """The Message-ID of an outbox row: the same on every attempt, so a resend is known as the same e-mail (ADR 7)."""
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2] or "offerdesk.invalid"
    return f"<outbox-{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


def outbox_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail an outbox row is, headers and all."""
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
    return email


def _from(new: OutboxStatus) -> list[str]:
    """The statuses a message may move to `new` from: the transition table, as a set-based update's condition."""
    return [current for current, targets in OUTBOX_TRANSITIONS.items() if new in targets]


def _claim(*, by: dt.datetime, size: int, policy: DeliveryPolicy, model: type[Delivered] = OutboxMessage) -> list[Any]:
    """Claim up to `size` due messages (or webhook deliveries): their ids (locked on PostgreSQL, skipping those
    another worker is claiming; SQLite's one writer at a time does the same), then one conditional UPDATE that a
    row another worker claimed in between no longer matches, so two workers never hold the same row. The ids are
    read first rather than in a subquery: PostgreSQL may run a LIMIT … SKIP LOCKED subquery again per row and
    claim more than `size`. Each claim counts as an attempt, so a message that kills its worker every time still
    ends as a dead letter."""
    token, now = uuid.uuid4().hex, dates.now()
    rows = model._default_manager
    with transaction.atomic():
        ids = [row["pk"] for row in outbox_due_claimable(by=by, size=size, model=model)]
        if not ids:
            return []
        rows.filter(outbox_due(by=by), pk__in=ids, status__in=_from(OutboxStatus.SENDING)).update(
            status=OutboxStatus.SENDING,
            claim=token,
            lease_until=now + dt.timedelta(seconds=policy.lease),
            attempts=models.F("attempts") + 1,
            updated_at=now,
        )
    return list(rows.filter(claim=token, status=OutboxStatus.SENDING).order_by("pk"))


def _release(message: Delivered, new: OutboxStatus, **fields: Any) -> bool:
    """Move a claimed message (or webhook delivery) on, if this claim still holds it (a worker whose lease ran out
    does not)."""
    check_transition(OUTBOX_TRANSITIONS, what="message", current=OutboxStatus.SENDING, new=new)
    return bool(
        type(message)
        ._default_manager.filter(pk=message.pk, claim=message.claim, status=OutboxStatus.SENDING)
        .update(status=new, claim="", lease_until=None, updated_at=dates.now(), **fields)
    )


def _refused_for_good(error: Exception) -> bool:
    """A permanent refusal (5xx) of this message, or an address no relay could take: retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError)


def _failed(
    message: Delivered, error: Exception | str, policy: DeliveryPolicy, *, for_good: bool = False, **fields: Any
) -> None:
    """Wait for the next attempt, `backoff` from now; or, refused for good or out of attempts, a dead letter."""
    text = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:2000]
    what = message._meta.verbose_name
    if for_good or message.attempts >= policy.max_attempts:
        _release(message, OutboxStatus.DEAD, last_error=text, **fields)
        log.error("%s %s is a dead letter after %s attempts: %s", what, message.pk, message.attempts, text)
        return
    wait = policy.backoff(message.attempts)
    _release(message, OutboxStatus.PENDING, last_error=text, next_attempt_at=dates.now() + wait, **fields)
    log.warning("%s %s failed (attempt %s), next in %s: %s", what, message.pk, message.attempts, wait, text)


def _send(batch: list[OutboxMessage], policy: DeliveryPolicy) -> int:
    """Send a claimed batch over one connection, marking each message sent as soon as the server took it (the
    only window for a duplicate is between the two); returns how many the server took."""
    mailer = mail.mailers.default
    try:
        mailer.open()
    except Exception as error:  # the relay is down or refuses us: every message waits its backoff
        for message in batch:
            _failed(message, error, policy)
        return 0
    sent = 0
    try:
        for index, message in enumerate(batch):
            try:
                mailer.send_messages([outbox_email(message)])
            except Exception as error:
                if isinstance(error, OSError) and not isinstance(error, MESSAGE_REFUSALS):
                    for rest in batch[index:]:  # the connection is gone: the rest wait too
                        _failed(rest, error, policy)
                    break
                _failed(message, error, policy, for_good=_refused_for_good(error))
                continue
            sent += 1
            if not _release(message, OutboxStatus.SENT, sent_at=dates.now()):
                log.warning("outbox message %s was sent after its lease ran out: it may leave twice", message.pk)
    finally:
        with contextlib.suppress(Exception):  # a connection that broke cannot even say goodbye
            mailer.close()
    return sent


def outbox_deliver(*, limit: int | None = None) -> int:
    """Send every message due now (pending past its backoff, or held by a worker that died), batch by batch,
    at most `limit`; returns how many the mail server took. A message that fails waits its backoff, so it is
    tried once per run."""
    policy = delivery_policy()
    started = dates.now()
    sent = taken = 0
    while limit is None or taken < limit:
        size = policy.batch if limit is None else min(policy.batch, limit - taken)
        batch = _claim(by=started, size=size, policy=policy)
        if not batch:
            break
        taken += len(batch)
        sent += _send(batch, policy)
    return sent


def outbox_next_due(*, model: type[Delivered] = OutboxMessage) -> dt.datetime | None:
    """When the next message (or webhook delivery) falls due: a pending one's next attempt, or a held one's lease
    running out."""
    rows = model._default_manager
    pending = rows.filter(status=OutboxStatus.PENDING).aggregate(at=models.Min("next_attempt_at"))
    held = rows.filter(status=OutboxStatus.SENDING).aggregate(at=models.Min("lease_until"))
    due = [at for at in (pending["at"], held["at"]) if at is not None]
    return min(due) if due else None


# ============================================================================================ re-sending


def _requeue(messages: list[OutboxMessage]) -> None:
    now = dates.now()
    for message in messages:
        if message.status not in OUTBOX_REQUEUEABLE:
            raise IllegalTransition(
                f"message {message.pk} is being sent: its worker holds it until {message.lease_until}"
            )
        check_transition(OUTBOX_TRANSITIONS, what="message", current=message.status, new=OutboxStatus.PENDING)
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claim="", lease_until=None, updated_at=now
    )
    outbox_deliver_on_commit()


@audited_refusals("outbox.retry")
@transaction.atomic
def outbox_retry(*, actor: User | None, ids: Iterable[int | str]) -> list[OutboxMessage]:
    """Put the named messages back in the queue, due at once with their attempts afresh: a dead letter, a
    pending one waiting out its backoff, or a sent one its reader never got (it leaves under the same Message-ID,
    so a reader who has it sees one e-mail). A message being sent right now is left to its worker."""
    access_require_role(actor, {Role.OPERATOR}, action="re-send e-mail")
    numbers = parsing.parse_list(ids, field="ids", item=lambda raw, field: parsing.parse_whole(raw, field=field))
    if not numbers:
        raise parsing.refuse("ids", "name at least one message")
    messages = outbox_messages_lock(ids=numbers)
    missing = sorted(set(numbers) - {m.pk for m in messages})
    if missing:
        raise NotFound(f"no outbox message {', '.join(map(str, missing))}")
    was = {m.pk: m.status for m in messages}
    _requeue(messages)
    for message in messages:
        audit_record(actor=actor, action="outbox.retry", target=message, data={"was": was[message.pk]})
    return list(OutboxMessage.objects.filter(pk__in=numbers).order_by("pk"))


@audited_refusals("outbox.retry_dead")
@transaction.atomic
def outbox_retry_dead(*, actor: User | None) -> int:
    """Put every dead letter back in the queue, due at once with its attempts afresh; returns how many."""
    access_require_role(actor, {Role.OPERATOR}, action="re-send e-mail")
    messages = outbox_dead_lock()
    if messages:
        _requeue(messages)
        audit_record_many(
            actor=actor,
            action="outbox.retry_dead",
            targets=[(OutboxMessage._meta.label_lower, m.pk) for m in messages],
            data={"was": OutboxStatus.DEAD},
        )
    return len(messages)


# ============================================================================================ notices


@audited_refusals("notice.read")
@transaction.atomic
def notice_mark_read(*, actor: User, key: int | str) -> Notice:
    """Mark one of the actor's own notices read (once: marking it again changes nothing)."""
    notice = notice_get_for(user=actor, key=parsing.parse_whole(key, field="key", minimum=1))
    if notice.read_at is None:
        notice.read_at = dates.now()
        notice.save(update_fields=["read_at", "updated_at"])
        audit_record(actor=actor, action="notice.read", target=notice)
    return notice


@audited_refusals("notice.read_all")
@transaction.atomic
def notice_mark_all_read(*, actor: User) -> int:
    """Mark every unread notice of the actor's read; returns how many."""
    now = dates.now()
    count = notice_list(user=actor).filter(read_at__isnull=True).update(read_at=now, updated_at=now)
    if count:
        audit_record(actor=actor, action="notice.read_all", data={"count": count})
    return count
