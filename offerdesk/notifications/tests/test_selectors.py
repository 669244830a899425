"""Each e-mail lands in the notices of every user it is addressed or copied to, matched by whole address in any
case, in the transaction that queued it; a user reads and marks only their own."""

from __future__ import annotations

import pytest
from django.db import transaction

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.core.errors import NotFound
from offerdesk.notifications.choices import NoticeKind, OutboxStatus
from offerdesk.notifications.models import Notice, OutboxMessage
from offerdesk.notifications.selectors import (
    notice_get_for,
    notice_list,
    notice_unread_count,
    outbox_list_unscoped,
)
from offerdesk.notifications.services import notice_mark_all_read, notice_mark_read, notice_queue
from tests.factories import Cast, audit_events, on


def queue(to: list[str], cc: tuple[str, ...] | list[str] = ()) -> int:
    message = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=to, cc=cc, context={"partner_name": "Fabrikam"})
    assert message is not None
    return message.pk


def ann(cast: Cast) -> User:
    return User.objects.create_user(
        username="ann", email="ann@fabrikam.example", role=Role.PARTNER, partner=cast.fabrikam
    )


def messages_of(user: User) -> set[int]:
    return {n.message_id for n in notice_list(user=user)}


def test_a_notice_is_for_whom_it_is_addressed_or_copied_to_and_no_one_else(cast: Cast) -> None:
    # Given Ann of Fabrikam, and a user without an e-mail
    partner_user = ann(cast)
    nobody = User.objects.create_user(username="nobody", role=Role.FPM)
    # When three notices are queued
    to_ann = queue(["Ann@Fabrikam.example"])
    copied_to_ann = queue(["ops@fabrikam.example"], ["x@y.example", "ann@fabrikam.example"])
    to_joann = queue(["joann@fabrikam.example"], ["ann@fabrikam.example.org"])
    # Then Ann has the two to or copied to her, whole address, any case; never a substring of another address
    assert messages_of(partner_user) == {to_ann, copied_to_ann}
    assert notice_unread_count(user=partner_user) == 2
    # Staff read their own notices, not everyone's (the whole outbox is the operators' tools)
    assert messages_of(cast.reviewer) == set()
    assert messages_of(nobody) == set()
    assert {m.pk for m in outbox_list_unscoped(address="ANN@fabrikam.example")} == {to_ann, copied_to_ann}
    assert {m.pk for m in outbox_list_unscoped(status=OutboxStatus.PENDING)} == {to_ann, copied_to_ann, to_joann}


def test_every_user_with_the_address_gets_one_notice(cast: Cast) -> None:
    User.objects.filter(pk=cast.pat.pk).update(email="shared@fabrikam.example")
    User.objects.filter(pk=cast.paula.pk).update(email="SHARED@fabrikam.example")
    message = queue(["shared@fabrikam.example"], ["Shared@Fabrikam.example"])
    assert sorted(Notice.objects.filter(message_id=message).values_list("user__username", flat=True)) == [
        "pat",
        "paula",
    ]


def test_a_notice_is_written_with_its_message_or_not_at_all(cast: Cast) -> None:
    partner_user = ann(cast)
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(["ann@fabrikam.example"])
        raise RuntimeError("the causing change fails")
    assert not OutboxMessage.objects.exists() and not notice_list(user=partner_user).exists()


def test_a_user_marks_their_own_notices_read_and_no_one_elses(cast: Cast) -> None:
    # Given Ann with two notices
    partner_user = ann(cast)
    first, second = queue(["ann@fabrikam.example"]), queue(["ann@fabrikam.example"])
    notice = notice_list(user=partner_user).get(message_id=first)
    # When another user tries to mark hers read, it is not found, and nothing changes
    with pytest.raises(NotFound):
        notice_mark_read(actor=cast.nico, key=notice.pk)
    with pytest.raises(NotFound):
        notice_get_for(user=cast.operator, key=notice.pk)
    assert notice_unread_count(user=partner_user) == 2
    # When she marks one read, it is read, once; then the rest
    with on("2024-03-01", "09:00"):
        assert notice_mark_read(actor=partner_user, key=str(notice.pk)).read_at is not None
        notice_mark_read(actor=partner_user, key=notice.pk)
    assert notice_unread_count(user=partner_user) == 1
    assert len(audit_events("notice.read", "done")) == 1
    assert notice_mark_all_read(actor=partner_user) == 1
    assert notice_mark_all_read(actor=partner_user) == 0
    assert notice_unread_count(user=partner_user) == 0
    assert {n.message_id for n in notice_list(user=partner_user)} == {first, second}
