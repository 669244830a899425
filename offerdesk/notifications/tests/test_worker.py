"""The embedded queue for real: a notice enqueued on commit is delivered by `offerdesk worker`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_worker_delivers_what_a_committed_change_queued() -> None:
    # Given a notice queued in a transaction that commits, which enqueues the delivery task
    with transaction.atomic():
        notice_queue(
            kind=NoticeKind.REFERRAL,
            to=["ops@fabrikam.example"],
            cc=["fpm@fasttrack.example"],
            context={
                "partner_name": "Fabrikam",
                "customer_name": "Contoso",
                "tpid": "T-1",
                "offer_name": "Customer Success Offer",
                "respond_by": "2023-10-01",
            },
        )
        outbox_deliver_on_commit()
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    # When the worker works the queue once
    call_command("worker", "--batch", verbosity=0)
    # Then the e-mail left, once, and the task finished
    assert [(m.to, m.cc) for m in mail.outbox] == [(["ops@fabrikam.example"], ["fpm@fasttrack.example"])]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    first, guard = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "SUCCESSFUL"
    # And it had queued the next run for when its lease would have run out, had its worker died mid-send
    assert guard.status == "READY" and guard.task_path == first.task_path and first.started_at is not None
    assert guard.run_after - first.started_at == pytest.approx(dt.timedelta(seconds=600), abs=dt.timedelta(seconds=5))
