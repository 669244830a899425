"""Webhooks (ADR 33): a partner's (or the program's) subscriptions to events; each event emitted inside the
transaction that caused it, as one delivery row per subscription that asked for it, and delivered by the outbox's
worker (ADR 7: at least once, retries with exponential backoff, a lease, a dead letter after the last attempt).
Payloads and signatures follow the Standard Webhooks specification: the body is `{"type", "timestamp", "data"}`,
the headers `webhook-id` (the same on every attempt and replay), `webhook-timestamp` and `webhook-signature`."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

import offerdesk.core.lookups  # noqa: F401  (registers `__has_element` for the events filter)
from offerdesk.accounts.access import access_webhook_manager
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import dates, parsing
from offerdesk.core.errors import IllegalTransition, PermissionDenied
from offerdesk.core.transitions import check_transition

from .choices import OUTBOX_REQUEUEABLE, OUTBOX_TRANSITIONS, WEBHOOK_PING, OutboxStatus, WebhookEvent
from .lock_objects import webhook_delivery_lock
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .services import DeliveryPolicy, _claim, _failed, _release, delivery_policy, outbox_deliver_on_commit

log = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64
USER_AGENT = "OfferDesk-Webhooks/1"
RESPONSE_KEPT = 1024  # bytes of the receiver's answer kept on the attempt
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


# ============================================================================================ parsing


def _address_refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a receiver at this address is refused (SSRF), or None: only public addresses, and loopback when
    OFFERDESK_WEBHOOK_ALLOW_LOCAL (development, tests)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if settings.OFFERDESK_WEBHOOK_ALLOW_LOCAL else "is a loopback address"
    if address.is_global and not address.is_multicast:
        return None
    return "is a private, link-local or reserved address: webhooks go to the public internet only"


def _resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for (an address literal stands for itself)."""
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's parts and the vetted address to connect to (no second DNS lookup, so a
    name that re-resolves to a private address in between does not get through)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def webhook_target(url: str, *, field: str = "url") -> Target:
    """A subscription URL read and vetted: https (http only to loopback, when local targets are allowed), no
    credentials, a host whose every address is public (OD-IN-01: a private-network target is refused, SSRF)."""
    if not isinstance(url, str) or not url.strip():
        raise parsing.refuse(field, "give the receiver's URL")
    url = url.strip()
    if len(url) > 500 or any(c.isspace() or ord(c) < 32 for c in url):
        raise parsing.refuse(field, "must be a URL of at most 500 characters, without spaces")
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise parsing.refuse(field, "has a port that is not a number from 1 to 65535") from None
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in {"https", "http"} or not host:
        raise parsing.refuse(field, f"must be an https:// URL with a host, not {parsing.shown(url)}")
    if parts.username is not None or parts.password is not None:
        raise parsing.refuse(field, "must not carry a user name or password: the signature authenticates us")
    if parts.fragment:
        raise parsing.refuse(field, "must not have a #fragment")
    local = settings.OFFERDESK_WEBHOOK_ALLOW_LOCAL
    if host in LOOPBACK_NAMES:
        if not local:
            raise parsing.refuse(field, f"{host} is this server itself: webhooks go to the public internet only")
        host = "127.0.0.1"
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = _resolve(host, port)
    except (OSError, UnicodeError):
        raise parsing.refuse(field, f"the host {host} cannot be resolved") from None
    for address in addresses:
        refusal = _address_refusal(ipaddress.ip_address(address))
        if refusal is not None:
            raise parsing.refuse(field, f"the host {host} {refusal}" if host != address else f"{address} {refusal}")
    if parts.scheme == "http" and not (local and ipaddress.ip_address(addresses[0]).is_loopback):
        raise parsing.refuse(field, "must use https:// (plain http only to this machine, in development)")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])


def webhook_url_parse(raw: Any, *, field: str = "url") -> str:
    """A subscription URL, vetted (`webhook_target`), as it is kept."""
    webhook_target(raw, field=field)
    return str(raw).strip()


def webhook_events_parse(raw: Any, *, field: str = "events") -> list[str]:
    """At least one event type, each one OfferDesk sends, in the order given, once each."""
    known = WebhookEvent.values
    events = parsing.parse_list(
        raw, field=field, item=lambda value, field: parsing.parse_choice(value, field=field, choices=known)
    )
    if not events:
        raise parsing.refuse(field, f"name at least one event: {', '.join(WebhookEvent.values)}")
    return events


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


# ============================================================================================ subscriptions


@dataclass(frozen=True)
class NewSecret:
    """A subscription with its signing secret: the only time the secret is told."""

    subscription: WebhookSubscription
    secret: str


def _partner_of(actor: User | None) -> int | None:
    """Whose subscription the actor makes: a partner user's partner's; an operator's is program-wide."""
    if actor is not None and actor.role == Role.PARTNER:
        return actor.partner_id
    if actor is None or actor.is_superuser or actor.role == Role.OPERATOR:
        return None
    raise PermissionDenied(f"a {actor.get_role_display().lower()} may not subscribe to webhooks")


@audited_refusals("webhook.create")
@transaction.atomic
def webhook_subscription_create(
    *, actor: User | None, url: Any, events: Any, description: Any = "", active: Any = True
) -> NewSecret:
    """Subscribe a receiver to some events: a partner user for its partner, an operator program-wide. The secret
    it signs with is in the answer, and never again."""
    partner_id = _partner_of(actor)
    access_webhook_manager(actor, partner_id=partner_id, action="subscribe to webhooks")
    subscription = WebhookSubscription.objects.create(
        partner_id=partner_id,
        url=webhook_url_parse(url),
        events=webhook_events_parse(events),
        description=parsing.parse_text(description or "", field="description", max_length=200, required=False),
        active=parsing.parse_bool(active, field="active"),
        secret=_new_secret(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        target=subscription,
        data={"url": subscription.url, "events": subscription.events, "partner": partner_id},
    )
    return NewSecret(subscription=subscription, secret=subscription.secret)


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)


@audited_refusals("webhook.update")
@transaction.atomic
def webhook_subscription_update(
    *,
    actor: User | None,
    subscription: WebhookSubscription,
    url: Any = None,
    events: Any = None,
    active: Any = None,
    description: Any = None,
) -> WebhookSubscription:
    """Change a subscription's URL, events, description or whether it is active (what is not given stays)."""
    access_webhook_manager(actor, partner_id=subscription.partner_id, action="change this webhook subscription")
    subscription = _locked(subscription)
    changed: dict[str, Any] = {}
    if url is not None:
        changed["url"] = webhook_url_parse(url)
    if events is not None:
        changed["events"] = webhook_events_parse(events)
    if active is not None:
        changed["active"] = parsing.parse_bool(active, field="active")
    if description is not None:
        changed["description"] = parsing.parse_text(description, field="description", max_length=200, required=False)
    changed = {name: value for name, value in changed.items() if getattr(subscription, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(subscription, name, value)
        subscription.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="webhook.update", target=subscription, data=changed)
    return subscription


@audited_refusals("webhook.delete")
@transaction.atomic
def webhook_subscription_delete(*, actor: User | None, subscription: WebhookSubscription) -> None:
    """Remove a subscription, its deliveries and their log (the audit trail keeps that it was)."""
    access_webhook_manager(actor, partner_id=subscription.partner_id, action="remove this webhook subscription")
    subscription = _locked(subscription)
    audit_record(actor=actor, action="webhook.delete", target=subscription, data={"url": subscription.url})
    subscription.delete()


@audited_refusals("webhook.rotate")
@transaction.atomic
def webhook_secret_rotate(*, actor: User | None, subscription: WebhookSubscription) -> NewSecret:
    """A new signing secret, told this once; the old one still signs next to it (a second signature in
    `webhook-signature`) for OFFERDESK_WEBHOOK_ROTATION_HOURS, so the receiver can switch without a gap."""
    access_webhook_manager(actor, partner_id=subscription.partner_id, action="rotate this webhook's secret")
    subscription = _locked(subscription)
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = dates.now() + dt.timedelta(hours=settings.OFFERDESK_WEBHOOK_ROTATION_HOURS)
    subscription.secret = _new_secret()
    subscription.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    audit_record(actor=actor, action="webhook.rotate", target=subscription)
    return NewSecret(subscription=subscription, secret=subscription.secret)


# ============================================================================================ events


def _payload(event_type: str, data: Mapping[str, Any], at: dt.datetime) -> str:
    moment = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    body = {"type": event_type, "timestamp": moment, "data": data}
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def _webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def webhook_emit(
    *, event: WebhookEvent, partner_id: int | None, data: Mapping[str, Any], target: models.Model | None = None
) -> int:
    """An event, in the caller's transaction: one delivery for each active subscription that asked for it — the
    partner's own, and the program-wide ones — under one webhook-id; delivered once the transaction commits.
    Returns how many deliveries were queued."""
    whose = models.Q(partner__isnull=True)
    if partner_id is not None:
        whose |= models.Q(partner_id=partner_id)
    subscriptions = list(
        WebhookSubscription.objects.filter(whose, active=True, events__has_element=event.value).values_list(
            "pk", flat=True
        )
    )
    if not subscriptions:
        return 0
    webhook_id, payload = _webhook_id(), _payload(event.value, data, dates.now())
    kind = target._meta.label_lower if target is not None else ""
    key = str(target.pk) if target is not None else ""
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription_id=pk,
            event_type=event.value,
            webhook_id=webhook_id,
            payload=payload,
            object_type=kind,
            object_id=key,
        )
        for pk in subscriptions
    )
    outbox_deliver_on_commit()
    return len(subscriptions)


@audited_refusals("webhook.ping")
@transaction.atomic
def webhook_ping(*, actor: User | None, subscription: WebhookSubscription) -> WebhookDelivery:
    """Send a subscription a test event (`webhook.ping`), signed like any other, whatever events it asked for."""
    access_webhook_manager(actor, partner_id=subscription.partner_id, action="ping this webhook")
    data = {"subscription": subscription.pk, "message": "OfferDesk says hello: this receiver is subscribed."}
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=WEBHOOK_PING,
        webhook_id=_webhook_id(),
        payload=_payload(WEBHOOK_PING, data, dates.now()),
    )
    audit_record(actor=actor, action="webhook.ping", target=subscription, data={"delivery": delivery.pk})
    outbox_deliver_on_commit()
    return delivery


@audited_refusals("webhook.replay")
@transaction.atomic
def webhook_delivery_replay(*, actor: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send one delivery again, due at once with its attempts afresh, under the same webhook-id and body (a
    receiver that has it already knows it by its id); one being sent right now is left to its worker."""
    access_webhook_manager(
        actor, partner_id=delivery.subscription.partner_id, action="replay this delivery", operators_too=True
    )
    locked = webhook_delivery_lock(pk=delivery.pk)
    assert locked is not None
    if locked.status not in OUTBOX_REQUEUEABLE:
        raise IllegalTransition(f"delivery {locked.pk} is being sent: its worker holds it until {locked.lease_until}")
    check_transition(OUTBOX_TRANSITIONS, what="delivery", current=locked.status, new=OutboxStatus.PENDING)
    was = locked.status
    now = dates.now()
    locked.status, locked.attempts, locked.next_attempt_at = OutboxStatus.PENDING, 0, now
    locked.claim, locked.lease_until = "", None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "claim", "lease_until", "updated_at"])
    audit_record(actor=actor, action="webhook.replay", target=locked, data={"was": was, "id": locked.webhook_id})
    outbox_deliver_on_commit()
    return locked


# ============================================================================================ delivery


def webhook_signature(subscription: WebhookSubscription, *, webhook_id: str, at: dt.datetime, body: str) -> str:
    """`webhook-signature`: v1 (HMAC-SHA256) with the secret, and with the rotated-out one while it still signs."""
    keys = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > dates.now():
        keys.append(subscription.previous_secret)
    return " ".join(Webhook(key).sign(msg_id=webhook_id, timestamp=at, data=body) for key in keys)


def webhook_headers(delivery: WebhookDelivery, *, at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt, signed at `at` (the wall clock: the receiver checks it
    against its own, within minutes)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": webhook_signature(
            delivery.subscription, webhook_id=delivery.webhook_id, at=at, body=delivery.payload
        ),
    }


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to the address vetted when the URL was read, not to whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str


def _post(target: Target, headers: Mapping[str, str], body: bytes) -> Answer:
    """POST the body; the receiver's status and the start of its answer, or the error. Redirects are not followed
    (a 3xx is a failure like any other non-2xx): the URL is where the receiver said it is."""
    timeout = float(settings.OFFERDESK_WEBHOOK_TIMEOUT)
    connection = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "Content-Length": str(len(body))})
        response = connection.getresponse()
        text = response.read(RESPONSE_KEPT).decode("utf-8", "replace")
        return Answer(response.status, text, "" if 200 <= response.status < 300 else f"HTTP {response.status}")
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, "", f"{type(error).__name__}: {error}"[:2000])
    finally:
        connection.close()


def _attempt(delivery: WebhookDelivery, policy: DeliveryPolicy) -> bool:
    """One try at a claimed delivery, logged; sent on a 2xx, else its backoff or a dead letter."""
    started, clock = dates.now(), time.monotonic()
    subscription = delivery.subscription
    if not subscription.active:
        answer = Answer(None, "", "the subscription is paused: replay the delivery once it is active again")
        for_good = True
    else:
        try:
            target = webhook_target(subscription.url)
        except Exception as error:  # the URL no longer passes (a name now resolves to a private address)
            answer, for_good = Answer(None, "", f"refused target: {error}"), True
        else:
            at = timezone.now()
            answer = _post(target, webhook_headers(delivery, at=at), delivery.payload.encode("utf-8"))
            for_good = False
    WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
        status_code=answer.status,
        error=answer.error,
        response_body=answer.body,
    )
    if answer.status is not None and 200 <= answer.status < 300:
        if not _release(delivery, OutboxStatus.SENT, sent_at=dates.now(), last_status_code=answer.status):
            log.warning("webhook delivery %s was sent after its lease ran out: it may arrive twice", delivery.pk)
        return True
    _failed(delivery, answer.error, policy, for_good=for_good, last_status_code=answer.status)
    return False


def webhook_deliver(*, limit: int | None = None) -> int:
    """Deliver every webhook due now (pending past its backoff, or held by a worker that died), batch by batch, at
    most `limit`; returns how many receivers answered 2xx. A failure waits its backoff: once per run."""
    policy = delivery_policy()
    started = dates.now()
    sent = taken = 0
    while limit is None or taken < limit:
        size = policy.batch if limit is None else min(policy.batch, limit - taken)
        batch: list[WebhookDelivery] = _claim(by=started, size=size, policy=policy, model=WebhookDelivery)
        if not batch:
            break
        taken += len(batch)
        subscriptions = WebhookSubscription.objects.in_bulk({d.subscription_id for d in batch})
        for delivery in batch:
            if delivery.subscription_id not in subscriptions:
                continue  # removed since the claim, and its deliveries with it
            delivery.subscription = subscriptions[delivery.subscription_id]
            sent += _attempt(delivery, policy)
    return sent
