"""`offerdesk outbox list|retry|retry-dead|deliver`: through the real command line (exit codes) and call_command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import OutboxMessage, WebhookDelivery
from offerdesk.notifications.services import notice_queue, outbox_message_id
from offerdesk.notifications.webhooks import webhook_ping, webhook_subscription_create
from tests.factories import Cast, audit_events, on, snapshot
from tests.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[3]


def queue(to: str) -> OutboxMessage:
    message = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[to], context={"partner_name": "Fabrikam"})
    assert message is not None
    return message


def outbox(*args: str) -> Any:
    out = StringIO()
    call_command("outbox", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_list_retry_dead_and_deliver(cast: Cast, smtp: SmtpServer) -> None:
    # Given one message sent and one refused for good (a dead letter)
    smtp.mailbox.refuse["gone@x.example"] = "550 5.1.1 no such user"
    with on("2024-03-01", "09:00"):
        sent, gone = queue("ok@x.example"), queue("gone@x.example")
        assert outbox("deliver") == {"ok": True, "sent": 1}
    # When the operator lists the dead letters
    listed = outbox("list", "--status", "dead")
    assert listed["total"] == 1
    [row] = listed["messages"]
    assert (row["id"], row["status"], row["attempts"], row["message_id"]) == (
        gone.pk,
        "dead",
        1,
        outbox_message_id(gone),
    )
    assert "550" in row["last_error"]
    assert [m["id"] for m in outbox("list", "--to", "OK@x.example")["messages"]] == [sent.pk]
    # When the mailbox is back and they re-send every dead letter, as omar
    del smtp.mailbox.refuse["gone@x.example"]
    with on("2024-03-01", "10:00"):
        assert outbox("retry-dead", "--user", cast.operator.username) == {"ok": True, "queued": 1}
        assert outbox("deliver") == {"ok": True, "sent": 1}
    assert OutboxMessage.objects.get(pk=gone.pk).status == OutboxStatus.SENT
    [event] = audit_events("outbox.retry_dead", "done")
    assert (event.actor, event.object_id) == (cast.operator, str(gone.pk))
    # When they re-send the sent one by id, it leaves again under the same Message-ID
    with on("2024-03-01", "11:00"):
        assert outbox("retry", str(sent.pk), "--user", "omar") == {"ok": True, "queued": [sent.pk]}
        call_command("outbox", "deliver", stdout=StringIO())
    assert smtp.mailbox.copies()[outbox_message_id(sent)] == 2


def test_bad_input_is_refused_by_field_and_changes_nothing(cast: Cast) -> None:
    message = queue("ok@x.example")
    before = snapshot()
    for args, says in (
        (("list", "--status", "lost"), "--status: must be one of dead, pending, sending, sent"),
        (("list", "--limit", "-1"), "--limit: must be a whole number"),
        (("list", "--to", "not an address"), "--to:"),
        (("retry", "x1"), "ids[0]: must be a whole number"),
        (("retry", str(message.pk + 100)), f"no outbox message {message.pk + 100}"),
        (("retry", str(message.pk), "--user", "nobody"), "--user: no user 'nobody'"),
        (("retry-dead", "--user", cast.pat.username), "a partner user may not re-send e-mail"),
    ):
        with pytest.raises(CommandError, match=re.escape(says)) as refused:
            call_command("outbox", *args, stdout=StringIO())
        assert refused.value.returncode == 1, args
    assert snapshot() == before
    # A message being sent right now is its worker's: not re-sent under it
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENDING)
    with pytest.raises(CommandError, match="is being sent: its worker holds it"):
        call_command("outbox", "retry", str(message.pk), stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_console_command_exits_0_done_1_refused_2_usage() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "offerdesk.config.settings.test"}
    name = connection.settings_dict["NAME"]
    env["DATABASE_URL"] = (
        f"sqlite:///{name}" if connection.vendor == "sqlite" else f"postgres://postgres@127.0.0.1:5432/{name}"
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "outbox", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run("list", "--json")
    assert (done.returncode, json.loads(done.stdout)) == (0, {"ok": True, "total": 0, "messages": []})
    refused = run("list", "--status", "lost")
    assert refused.returncode == 1 and "--status: must be one of" in refused.stderr and "OD-IN-01" in refused.stderr
    usage = run("resend")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_webhook_deliveries_are_listed_delivered_and_replayed_by_the_command(cast: Cast) -> None:
    # Given a program-wide subscription whose receiver nobody listens at (the discard port), and a ping to it
    made = webhook_subscription_create(actor=cast.operator, url="http://127.0.0.1:9/", events=["payment.paid"])
    with on("2024-03-01", "09:00"):
        ping = webhook_ping(actor=cast.operator, subscription=made.subscription)
        # When the command delivers: the connection is refused, so it waits its backoff
        assert outbox("webhook-deliver") == {"ok": True, "sent": 0}
    [row] = outbox("webhooks", "--status", "pending")["deliveries"]
    assert (row["id"], row["webhook_id"], row["attempts"], row["status"]) == (ping.pk, ping.webhook_id, 1, "pending")
    assert "Connection" in row["last_error"] or "refused" in row["last_error"].lower()
    # Then an operator replays it (due now, attempts afresh), on the audit trail
    assert outbox("webhook-replay", str(ping.pk), "--user", "omar") == {"ok": True, "queued": [ping.pk]}
    assert WebhookDelivery.objects.get(pk=ping.pk).attempts == 0
    [event] = audit_events("webhook.replay", "done")
    assert event.actor_label == "omar" and event.data["id"] == ping.webhook_id
    # and an unknown delivery is refused by its field
    with pytest.raises(CommandError, match="ids: no webhook delivery 999"):
        outbox("webhook-replay", "999")
