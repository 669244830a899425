"""A user reads the notices addressed or copied to its own e-mail, matched as a whole address."""

from __future__ import annotations

from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.selectors import notice_list
from offerdesk.notifications.services import notice_queue
from tests.factories import Cast


def queue(to: list[str], cc: tuple[str, ...] | list[str] = ()) -> int:
    message = notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=to, cc=cc, context={"partner_name": "Fabrikam"})
    assert message is not None
    return message.pk


def test_a_notice_is_seen_by_whom_it_is_addressed_or_copied_to_and_by_staff(cast: Cast) -> None:
    to_ann = queue(["Ann@Fabrikam.example"])
    copied_to_ann = queue(["ops@fabrikam.example"], ["x@y.example", "ann@fabrikam.example"])
    to_joann = queue(["joann@fabrikam.example"], ["ann@fabrikam.example.org"])
    ann = User.objects.create_user(
        username="ann", email="ann@fabrikam.example", role=Role.PARTNER, partner=cast.fabrikam
    )
    # Whole addresses, any case, in `to` or `cc`: never a substring of another address
    assert {m.pk for m in notice_list(user=ann)} == {to_ann, copied_to_ann}
    assert {m.pk for m in notice_list(user=cast.reviewer)} == {to_ann, copied_to_ann, to_joann}
    # A user without an e-mail reads nothing
    nobody = User.objects.create_user(username="nobody", role=Role.FPM)
    assert list(notice_list(user=nobody)) == []
