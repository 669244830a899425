"""`offerdesk outbox list|retry|retry-dead|deliver [--json]`: what the outbox holds, re-sending, delivering now;
`offerdesk outbox webhooks|webhook-replay|webhook-deliver [--json]`: the same for webhook deliveries (ADR 33).

Exit status 0 done, 1 refused (one line naming the field and the rule), 2 usage."""

from __future__ import annotations

from typing import Any, cast

from django.core.management.base import CommandParser

from offerdesk.accounts.models import User
from offerdesk.core import parsing
from offerdesk.core.cli import OfferDeskCommand, command_user
from offerdesk.notifications.choices import OutboxStatus
from offerdesk.notifications.models import OutboxMessage, WebhookDelivery
from offerdesk.notifications.selectors import outbox_list_unscoped, webhook_deliveries_unscoped
from offerdesk.notifications.services import outbox_deliver, outbox_message_id, outbox_retry, outbox_retry_dead
from offerdesk.notifications.webhooks import webhook_deliver, webhook_delivery_replay


def _row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "message_id": outbox_message_id(message),
        "kind": message.kind,
        "status": message.status,
        "to": message.to,
        "cc": message.cc,
        "subject": message.subject,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at if message.status == OutboxStatus.PENDING else None,
        "lease_until": message.lease_until,
        "last_error": message.last_error,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
    }


def _webhook_row(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "webhook_id": delivery.webhook_id,
        "subscription": delivery.subscription_id,
        "url": delivery.subscription.url,
        "event": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == OutboxStatus.PENDING else None,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "sent_at": delivery.sent_at,
    }


class Command(OfferDeskCommand):
    help = (
        "The outbox: list its messages, re-send some (by id) or every dead letter (audited, as an operator or the "
        "system), or deliver what is due now."
    )

    def add_options(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The messages, oldest first: status, attempts, next attempt, error.")
        listing.add_argument("--status", help=f"Only those in one status: {', '.join(OutboxStatus.values)}.")
        listing.add_argument("--to", help="Only those addressed or copied to this address (any case).")
        listing.add_argument("--limit", default="100", help="At most this many, the newest (default 100; 0: all).")
        retry = sub.add_parser("retry", help="Send these messages again (dead, waiting or sent), due now.")
        retry.add_argument("ids", nargs="+", help="The messages' ids (see `outbox list`).")
        dead = sub.add_parser("retry-dead", help="Send every dead letter again, due now.")
        sub.add_parser("deliver", help="Deliver what is due now, as a worker would; prints how many left.")
        hooks = sub.add_parser("webhooks", help="The webhook deliveries, oldest first: status, attempts, last code.")
        hooks.add_argument("--status", help=f"Only those in one status: {', '.join(OutboxStatus.values)}.")
        hooks.add_argument("--limit", default="100", help="At most this many, the newest (default 100; 0: all).")
        replay = sub.add_parser("webhook-replay", help="Send these webhook deliveries again (same webhook-id).")
        replay.add_argument("ids", nargs="+", help="The deliveries' ids (see `outbox webhooks`).")
        sub.add_parser("webhook-deliver", help="Deliver the webhooks due now, as a worker would.")
        for each in sub.choices.values():
            each.add_argument("--json", action="store_true", help="Print the result as one JSON document.")
        for each in (retry, dead, replay):
            each.add_argument("--user", help="The operator's username, kept on the audit trail (default: the system).")

    def run(self, **options: Any) -> Any:
        return getattr(self, f"_{options['action'].replace('-', '_')}")(options)

    @staticmethod
    def _actor(username: str | None) -> User | None:
        if username is None:
            return None
        return cast(User, command_user(username))

    def _list(self, options: dict[str, Any]) -> dict[str, Any]:
        status = options["status"]
        if status is not None:
            status = OutboxStatus(parsing.parse_choice(status, field="--status", choices=OutboxStatus.values))
        address = parsing.parse_email(options["to"], field="--to") if options["to"] else None
        limit = parsing.parse_whole(options["limit"], field="--limit")
        messages = outbox_list_unscoped(status=status, address=address)
        total = messages.count()
        rows = list(reversed(messages.order_by("-id")[:limit])) if limit else list(messages)
        for m in rows:
            due = f"next {m.next_attempt_at:%Y-%m-%d %H:%M:%S}" if m.status == OutboxStatus.PENDING else ""
            error = f"  {m.last_error.splitlines()[0][:80]}" if m.last_error and m.status != OutboxStatus.SENT else ""
            self.say(
                f"#{m.pk:<6} {m.status:<8} {m.attempts:>2} tries {due:<24} {m.kind:<24} "
                f"{', '.join(m.to)[:40]:<40} {m.subject[:50]}{error}"
            )
        self.say(f"{len(rows)} of {total} message(s)")
        return {"ok": True, "total": total, "messages": [_row(m) for m in rows]}

    def _retry(self, options: dict[str, Any]) -> dict[str, Any]:
        again = outbox_retry(actor=self._actor(options["user"]), ids=options["ids"])
        self.say(f"{len(again)} message(s) queued to be sent again: {', '.join(f'#{m.pk}' for m in again)}")
        return {"ok": True, "queued": [m.pk for m in again]}

    def _retry_dead(self, options: dict[str, Any]) -> dict[str, Any]:
        count = outbox_retry_dead(actor=self._actor(options["user"]))
        self.say(f"{count} dead letter(s) queued to be sent again")
        return {"ok": True, "queued": count}

    def _deliver(self, options: dict[str, Any]) -> dict[str, Any]:
        sent = outbox_deliver()
        self.say(f"{sent} message(s) sent")
        return {"ok": True, "sent": sent}

    def _webhooks(self, options: dict[str, Any]) -> dict[str, Any]:
        status = options["status"]
        if status is not None:
            status = OutboxStatus(parsing.parse_choice(status, field="--status", choices=OutboxStatus.values))
        limit = parsing.parse_whole(options["limit"], field="--limit")
        deliveries = webhook_deliveries_unscoped(status=status)
        total = deliveries.count()
        rows = list(reversed(deliveries.order_by("-id")[:limit])) if limit else list(deliveries)
        for d in rows:
            code = d.last_status_code or "-"
            self.say(
                f"#{d.pk:<6} {d.status:<8} {d.attempts:>2} tries {code!s:>4} {d.event_type:<26} "
                f"{d.webhook_id} {d.subscription.url[:60]}"
            )
        self.say(f"{len(rows)} of {total} delivery(ies)")
        return {"ok": True, "total": total, "deliveries": [_webhook_row(d) for d in rows]}

    def _webhook_replay(self, options: dict[str, Any]) -> dict[str, Any]:
        actor = self._actor(options["user"])
        numbers = [parsing.parse_whole(raw, field="ids", minimum=1) for raw in options["ids"]]
        found = {d.pk: d for d in webhook_deliveries_unscoped().filter(pk__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise parsing.refuse("ids", f"no webhook delivery {', '.join(map(str, missing))}")
        again = [webhook_delivery_replay(actor=actor, delivery=found[n]) for n in numbers]
        self.say(f"{len(again)} delivery(ies) queued to be sent again: {', '.join(f'#{d.pk}' for d in again)}")
        return {"ok": True, "queued": [d.pk for d in again]}

    def _webhook_deliver(self, options: dict[str, Any]) -> dict[str, Any]:
        sent = webhook_deliver()
        self.say(f"{sent} webhook(s) delivered")
        return {"ok": True, "sent": sent}
