"""Background tasks of the notifications app (django.tasks): delivering the outbox, e-mail and webhooks alike.

A delivery run is queued when a transaction that wrote a message commits, by the daily run, and by the
schedule's periodic sweep. Each run also keeps the next one queued, so that nothing waits for the next event:
at its start, one for when its own lease would run out (should its worker die, the rows it held are taken up
then); at its end, one for when the next message falls due (a retry's backoff)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from offerdesk.core import dates

from .models import WebhookDelivery
from .services import delivery_policy, outbox_deliver, outbox_next_due
from .webhooks import webhook_deliver


@task()
def deliver_outbox() -> int:
    """Send whatever the outbox holds that is due, e-mail and webhooks; returns how many left (the mail server
    took them, the receivers answered 2xx)."""
    delivery_queue_by(timezone.now() + dt.timedelta(seconds=delivery_policy().lease))
    sent = outbox_deliver() + webhook_deliver()
    due = min((at for at in (outbox_next_due(), outbox_next_due(model=WebhookDelivery)) if at), default=None)
    if due is not None:  # the domain clock may be frozen (tests): the wait, not the moment, carries over
        delivery_queue_by(timezone.now() + max(due - dates.now(), dt.timedelta(0)))
    return sent


def delivery_queue_by(at: dt.datetime) -> None:
    """Make sure a delivery run is queued to start by `at` (one is enough: none is added if one is)."""
    backend = deliver_outbox.get_backend()
    if not backend.supports_defer:  # the immediate backend (development, tests): each commit delivers at once
        return
    if isinstance(backend, DatabaseBackend):
        queued = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=at),
            status=TaskResultStatus.READY,
            task_path=deliver_outbox.module_path,
            backend_name=backend.alias,
        )
        if queued.exists():
            return
    deliver_outbox.using(run_after=at).enqueue()
