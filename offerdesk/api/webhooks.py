"""Webhook subscriptions (ADR 33): a partner user manages its partner's, an operator the program-wide ones. The
signing secret is in the answer that makes (or rotates) it, and never again; each subscription has its delivery
log (every attempt, its status code and time), a replay of one delivery and a test ping."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from offerdesk.notifications.choices import OutboxStatus, WebhookEvent
from offerdesk.notifications.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from offerdesk.notifications.selectors import (
    webhook_delivery_list,
    webhook_delivery_of,
    webhook_subscription_get_for,
    webhook_subscription_list,
)
from offerdesk.notifications.webhooks import (
    webhook_delivery_replay,
    webhook_ping,
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

from .auth import caller
from .lists import ListParams, Page, page_of
from .middleware import answer_holds_a_secret
from .schemas import Input

router = Router(tags=["webhooks"])
EVENTS = ", ".join(WebhookEvent.values)


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str] = Field(description=f"The events it hears of: {EVENTS}.")
    active: bool = Field(description="A paused subscription is sent nothing (its deliveries wait as dead letters).")
    description: str
    partner: int | None = Field(description="The partner's ID; null for a program-wide (operators') subscription.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def of(subscription: WebhookSubscription) -> SubscriptionOut:
        return SubscriptionOut(
            id=subscription.pk,
            url=subscription.url,
            events=list(subscription.events),
            active=subscription.active,
            description=subscription.description,
            partner=subscription.partner_id,
            created_at=subscription.created_at,
            updated_at=subscription.updated_at,
        )


class NewSubscriptionOut(SubscriptionOut):
    secret: str | None = Field(
        description="The signing secret (whsec_…, Standard Webhooks): shown this once, store it now (null in a "
        "replay of the same Idempotency-Key). Verify each "
        "delivery's webhook-signature with it (e.g. `standardwebhooks.Webhook(secret).verify(body, headers)`)."
    )


class SubscriptionIn(Input):
    url: str = Field(description="The receiver: https://, on the public internet.")
    events: list[str] = Field(description=f"At least one of {EVENTS}.")
    description: str = Field("", description="What the receiver is, for people.")
    active: bool = True


class SubscriptionPatch(Input):
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = None


class AttemptOut(Schema):
    started_at: dt.datetime
    duration_ms: int
    status_code: int | None = Field(description="The receiver's HTTP status; null when it could not be reached.")
    error: str
    response_body: str = Field(description="The first kilobyte of the receiver's answer.")

    @staticmethod
    def of(attempt: WebhookAttempt) -> AttemptOut:
        return AttemptOut(
            started_at=attempt.started_at,
            duration_ms=attempt.duration_ms,
            status_code=attempt.status_code,
            error=attempt.error,
            response_body=attempt.response_body,
        )


class DeliveryOut(Schema):
    id: int
    webhook_id: str = Field(description="The webhook-id header: the same on every attempt and replay.")
    event: str
    status: str = Field(description=f"One of {', '.join(OutboxStatus.values)} (dead: out of attempts).")
    attempts: int = Field(description="Attempts since it was queued or last replayed.")
    last_status_code: int | None
    next_attempt_at: dt.datetime | None = Field(description="While pending: not tried again before then.")
    last_error: str
    payload: str = Field(description="The exact JSON body that is signed and sent.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    log: list[AttemptOut] = Field(description="Every attempt, oldest first.")

    @staticmethod
    def of(delivery: WebhookDelivery) -> DeliveryOut:
        return DeliveryOut(
            id=delivery.pk,
            webhook_id=delivery.webhook_id,
            event=delivery.event_type,
            status=delivery.status,
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            next_attempt_at=delivery.next_attempt_at if delivery.status == OutboxStatus.PENDING else None,
            last_error=delivery.last_error,
            payload=delivery.payload,
            created_at=delivery.created_at,
            sent_at=delivery.sent_at,
            log=[AttemptOut.of(a) for a in delivery.attempts_made.all()],
        )


class DeliveryFilters(ListParams):
    status: str = Field("", description="One status.")
    event: str = Field("", description="One event type.")


SUBSCRIPTION_ORDERINGS = {"oldest": "created_at", "newest": "-created_at"}
DELIVERY_ORDERINGS = {"newest": "-created_at", "oldest": "created_at"}


@router.get(
    "/", response=Page[SubscriptionOut], operation_id="webhook_list", summary="The webhook subscriptions you manage"
)
def webhook_list_op(request: HttpRequest, params: Query[ListParams]) -> Page[SubscriptionOut]:
    qs = webhook_subscription_list(user=caller(request))
    rows, after = page_of(qs, params, orderings=SUBSCRIPTION_ORDERINGS, default="oldest")
    return Page[SubscriptionOut](items=[SubscriptionOut.of(s) for s in rows], next=after)


@router.post(
    "/", response={201: NewSubscriptionOut}, operation_id="webhook_create", summary="Subscribe a receiver to events"
)
def webhook_create_op(request: HttpRequest, body: SubscriptionIn) -> Status[NewSubscriptionOut]:
    made = webhook_subscription_create(
        actor=caller(request), url=body.url, events=body.events, description=body.description, active=body.active
    )
    answer_holds_a_secret(request)
    return Status(201, NewSubscriptionOut(**SubscriptionOut.of(made.subscription).model_dump(), secret=made.secret))


@router.get("/{webhook_id}", response=SubscriptionOut, operation_id="webhook_get", summary="One subscription")
def webhook_get_op(request: HttpRequest, webhook_id: int) -> SubscriptionOut:
    return SubscriptionOut.of(webhook_subscription_get_for(user=caller(request), key=webhook_id))


@router.patch("/{webhook_id}", response=SubscriptionOut, operation_id="webhook_update", summary="Change a subscription")
def webhook_update_op(request: HttpRequest, webhook_id: int, body: SubscriptionPatch) -> SubscriptionOut:
    user = caller(request)
    found = webhook_subscription_get_for(user=user, key=webhook_id)
    changed = webhook_subscription_update(
        actor=user,
        subscription=found,
        url=body.url,
        events=body.events,
        description=body.description,
        active=body.active,
    )
    return SubscriptionOut.of(changed)


@router.delete(
    "/{webhook_id}", response={204: None}, operation_id="webhook_delete", summary="Remove a subscription and its log"
)
def webhook_delete_op(request: HttpRequest, webhook_id: int) -> Status[None]:
    user = caller(request)
    webhook_subscription_delete(actor=user, subscription=webhook_subscription_get_for(user=user, key=webhook_id))
    return Status(204, None)


@router.post(
    "/{webhook_id}/rotate-secret",
    response=NewSubscriptionOut,
    operation_id="webhook_rotate_secret",
    summary="A new signing secret (the old one signs too for a day)",
)
def webhook_rotate_op(request: HttpRequest, webhook_id: int) -> NewSubscriptionOut:
    user = caller(request)
    made = webhook_secret_rotate(actor=user, subscription=webhook_subscription_get_for(user=user, key=webhook_id))
    answer_holds_a_secret(request)
    return NewSubscriptionOut(**SubscriptionOut.of(made.subscription).model_dump(), secret=made.secret)


@router.post(
    "/{webhook_id}/ping",
    response={202: DeliveryOut},
    operation_id="webhook_ping",
    summary="Send the receiver a signed test event (webhook.ping)",
)
def webhook_ping_op(request: HttpRequest, webhook_id: int) -> Status[DeliveryOut]:
    user = caller(request)
    subscription = webhook_subscription_get_for(user=user, key=webhook_id)
    delivery = webhook_ping(actor=user, subscription=subscription)
    return Status(202, DeliveryOut.of(webhook_delivery_of(subscription=subscription, key=delivery.pk)))


@router.get(
    "/{webhook_id}/deliveries",
    response=Page[DeliveryOut],
    operation_id="webhook_delivery_list",
    summary="A subscription's delivery log",
)
def webhook_delivery_list_op(
    request: HttpRequest, webhook_id: int, filters: Query[DeliveryFilters]
) -> Page[DeliveryOut]:
    subscription = webhook_subscription_get_for(user=caller(request), key=webhook_id)
    qs = webhook_delivery_list(subscription=subscription)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.event:
        qs = qs.filter(event_type=filters.event)
    rows, after = page_of(qs, filters, orderings=DELIVERY_ORDERINGS, default="newest")
    return Page[DeliveryOut](items=[DeliveryOut.of(d) for d in rows], next=after)


@router.get(
    "/{webhook_id}/deliveries/{delivery_id}",
    response=DeliveryOut,
    operation_id="webhook_delivery_get",
    summary="One delivery with its attempts",
)
def webhook_delivery_get_op(request: HttpRequest, webhook_id: int, delivery_id: int) -> DeliveryOut:
    subscription = webhook_subscription_get_for(user=caller(request), key=webhook_id)
    return DeliveryOut.of(webhook_delivery_of(subscription=subscription, key=delivery_id))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/replay",
    response={202: DeliveryOut},
    operation_id="webhook_delivery_replay",
    summary="Send one delivery again, under the same webhook-id",
)
def webhook_delivery_replay_op(request: HttpRequest, webhook_id: int, delivery_id: int) -> Status[DeliveryOut]:
    user = caller(request)
    subscription = webhook_subscription_get_for(user=user, key=webhook_id)
    delivery = webhook_delivery_replay(
        actor=user, delivery=webhook_delivery_of(subscription=subscription, key=delivery_id)
    )
    return Status(202, DeliveryOut.of(webhook_delivery_of(subscription=subscription, key=delivery.pk)))
