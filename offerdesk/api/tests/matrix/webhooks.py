"""The matrix rows of /webhooks: a partner's subscriptions are its users' (the owner's and the colleague's), the
program-wide ones the operators'; everyone else finds none (404) and may make none (403). A body that names a
receiver on a private network, or no event, is refused (400) and changes nothing."""

from __future__ import annotations

from typing import Any

from offerdesk.notifications.choices import WEBHOOK_PING
from offerdesk.notifications.models import WebhookDelivery, WebhookSubscription

from . import Op, World, only, signed_in

PARTNER = ("owner", "colleague")
MANAGERS = ("owner", "colleague", "other_partner", "operator", "superuser")  # each its partner's, or program-wide
URL = "http://127.0.0.1:9/offerdesk"  # the discard port: nothing listens, and no row test sends anything


def fabrikams_subscription(world: World) -> WebhookSubscription:
    """The owner's partner's subscription, made (again, if a row removed it) before the matrix asks."""
    partner = world.cast.fabrikam
    found = WebhookSubscription.objects.filter(partner=partner).first()
    if found is None:
        found = WebhookSubscription.objects.create(
            partner=partner, url=URL, events=["voucher.issued"], secret="whsec_" + "A" * 43
        )
    return found


def subscription(world: World) -> dict[str, Any]:
    return {"webhook_id": fabrikams_subscription(world).pk}


def delivery(world: World) -> dict[str, Any]:
    hook = fabrikams_subscription(world)
    found = hook.deliveries.first() or WebhookDelivery.objects.create(
        subscription=hook, event_type=WEBHOOK_PING, webhook_id="msg_matrix", payload="{}", status="dead"
    )
    return {"webhook_id": hook.pk, "delivery_id": found.pk}


ROWS: dict[str, Op] = {
    "webhook_list": Op(expect=signed_in(200)),
    "webhook_create": Op(
        # the role first (403), then the receiver: a private-network address is refused (SSRF, 400)
        expect=signed_in(403, **dict.fromkeys(MANAGERS, 400)),
        body=lambda world: {"url": "https://10.0.0.7/hook", "events": ["voucher.issued"]},
    ),
    "webhook_get": Op(expect=only(PARTNER, 200), path=subscription),
    "webhook_update": Op(
        expect=only(PARTNER, 400), path=subscription, body=lambda world: {"events": ["voucher.nonsense"]}
    ),
    # the owner removes it (204); for the colleague after it, it is gone (404)
    "webhook_delete": Op(expect=only(("owner",), 204, colleague=404), path=subscription),
    "webhook_rotate_secret": Op(expect=only(PARTNER, 200), path=subscription),
    "webhook_ping": Op(expect=only(PARTNER, 202), path=subscription),
    "webhook_delivery_list": Op(expect=only(PARTNER, 200), path=subscription),
    "webhook_delivery_get": Op(expect=only(PARTNER, 200), path=delivery),
    "webhook_delivery_replay": Op(expect=only(PARTNER, 202), path=delivery),
}
