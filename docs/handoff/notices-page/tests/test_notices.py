"""The notices page: a user's copies of the e-mails sent to them, newest first, marked read one by one or all at once;
the same number of queries for 1 notice as for 50."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from offerdesk.accounts.models import User
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.selectors import notice_list, notice_unread_count
from offerdesk.notifications.services import notice_queue
from tests.factories import Cast, audit_events


def tell(user: User, partner_name: str = "Fabrikam") -> None:
    notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[user.email], context={"partner_name": partner_name})


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("count", [1, 50])
def test_the_list_shows_the_users_notices_in_a_pinned_number_of_queries(
    cast: Cast, count: int, django_assert_num_queries: Any
) -> None:
    # Given pat has `count` notices, and nico one of his own
    for _ in range(count):
        tell(cast.pat)
    tell(cast.nico, partner_name="Northwind")
    client = signed_in(cast.pat)
    # When pat opens the notices page; Then the queries do not grow with the rows
    with django_assert_num_queries(6):
        page = client.get(reverse("portal:notices"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="notice unread"') == count
    assert f"<strong>{count}</strong> unread" in html
    assert "Northwind" not in html


def test_a_user_marks_a_notice_read_and_then_all_of_them(cast: Cast) -> None:
    # Given pat has three unread notices
    for _ in range(3):
        tell(cast.pat)
    first = notice_list(user=cast.pat).last()
    assert first is not None
    client = signed_in(cast.pat)
    # When pat marks one read; Then it is, and the page says so
    done = client.post(reverse("portal:notices-read", args=[first.pk]), follow=True)
    assert done.status_code == 200 and "as read." in done.content.decode()
    assert notice_unread_count(user=cast.pat) == 2
    # When nico tries to mark one of pat's read, it is not found, and nothing changes
    assert signed_in(cast.nico).post(reverse("portal:notices-read", args=[first.pk])).status_code == 404
    # When pat marks all read
    done = client.post(reverse("portal:notices-read-all"), follow=True)
    assert "Marked 2 notices as read." in done.content.decode()
    assert notice_unread_count(user=cast.pat) == 0
    assert len(audit_events("notice.read", "done")) == 1 and len(audit_events("notice.read_all", "done")) == 1
    # A GET cannot mark anything
    assert client.get(reverse("portal:notices-read-all")).status_code == 405
