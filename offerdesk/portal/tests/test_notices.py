"""The notices page: a user's copies of the e-mails sent to them, newest first, marked read one by one (in place,
with htmx) or all at once; the same number of queries for 1 notice as for 50; the unread count in the navigation."""

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

# The session, the user, the paginator's count, the page's unread count, the page of notices with their
# messages, and the navigation's unread count.
LIST_QUERIES = 6


def tell(user: User, partner_name: str = "Fabrikam") -> None:
    """E-mail the user that a partner declined Contoso's referral (a notice of theirs, unread)."""
    context = {
        "partner_name": partner_name,
        "offer_name": "CSO",
        "customer_name": "Contoso",
        "tpid": "T-500",
        "decided_on": "Oct 6, 2023",
    }
    notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[user.email], context=context)


def signed_in(user: User, **options: Any) -> Client:
    client = Client(**options)
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
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("portal:notices"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="panel notice unread"') == count
    assert f"<strong>{count}</strong> unread" in html
    assert "Northwind" not in html
    # And the navigation says how many are unread, on the notices page as on any other
    assert f'<span class="count">{count}<span class="visually-hidden"> unread</span></span>' in html
    assert f'<span class="count">{count}<' in client.get(reverse("portal:account")).content.decode()


def test_the_list_pages_by_fifty_newest_first(cast: Cast) -> None:
    # Given pat has 51 notices, the first about Northwind
    tell(cast.pat, partner_name="Northwind")
    for _ in range(50):
        tell(cast.pat)
    client = signed_in(cast.pat)
    # When pat opens the first page, then the second
    first = client.get(reverse("portal:notices")).content.decode()
    second = client.get(reverse("portal:notices"), {"page": 2}).content.decode()
    # Then the newest fifty come first, and the oldest on the second page
    assert first.count('class="panel notice unread"') == 50 and "Northwind" not in first
    assert "Page 1 of 2" in first and 'href="?page=2">Older</a>' in first
    assert second.count('class="panel notice unread"') == 1 and "Northwind" in second


def test_someone_without_notices_is_told_so(cast: Cast) -> None:
    html = signed_in(cast.operator).get(reverse("portal:notices")).content.decode()
    assert "No notices yet." in html and "<strong>0</strong> unread" in html
    assert "Mark all as read" not in html and 'class="count"' not in html


def test_a_user_marks_a_notice_read_and_then_all_of_them(cast: Cast) -> None:
    # Given pat has three unread notices
    for _ in range(3):
        tell(cast.pat)
    first = notice_list(user=cast.pat).last()
    assert first is not None
    client = signed_in(cast.pat)
    # When pat marks one read; Then it is, and the page says so
    done = client.post(reverse("portal:notices-read", args=[first.pk]), follow=True)
    assert done.status_code == 200 and f"Marked “{first.message.subject}” as read." in done.content.decode()
    assert notice_unread_count(user=cast.pat) == 2
    # When nico tries to mark one of pat's read, it is not found, and nothing changes
    assert signed_in(cast.nico).post(reverse("portal:notices-read", args=[first.pk])).status_code == 404
    assert signed_in(cast.nico).post(reverse("portal:notices-read", args=[first.pk + 99])).status_code == 404
    # When pat marks all read
    done = client.post(reverse("portal:notices-read-all"), follow=True)
    assert "Marked 2 notices as read." in done.content.decode()
    assert notice_unread_count(user=cast.pat) == 0
    assert len(audit_events("notice.read", "done")) == 1 and len(audit_events("notice.read_all", "done")) == 1
    # A GET cannot mark anything
    assert client.get(reverse("portal:notices-read-all")).status_code == 405
    assert client.get(reverse("portal:notices-read", args=[first.pk])).status_code == 405


def test_marking_read_needs_the_pages_csrf_token(cast: Cast) -> None:
    # Given pat has an unread notice, and a browser that checks CSRF as a real one does
    tell(cast.pat)
    notice = notice_list(user=cast.pat).get()
    client = signed_in(cast.pat, enforce_csrf_checks=True)
    # When a post comes without the token; Then it is refused and nothing is read
    assert client.post(reverse("portal:notices-read", args=[notice.pk])).status_code == 403
    assert client.post(reverse("portal:notices-read-all")).status_code == 403
    assert notice_unread_count(user=cast.pat) == 1
    # When it carries the token the page gave; Then the notice is read
    client.get(reverse("portal:notices"))
    token = client.cookies["csrftoken"].value
    done = client.post(reverse("portal:notices-read", args=[notice.pk]), {"csrfmiddlewaretoken": token})
    assert done.status_code == 302 and notice_unread_count(user=cast.pat) == 0


def test_htmx_marks_a_notice_read_in_place_with_the_counts(cast: Cast) -> None:
    # Given pat has two unread notices
    tell(cast.pat)
    tell(cast.pat)
    notice = notice_list(user=cast.pat).last()
    assert notice is not None
    client = signed_in(cast.pat)
    # When htmx posts the mark-read form
    done = client.post(reverse("portal:notices-read", args=[notice.pk]), headers={"HX-Request": "true"})
    # Then the answer is the notice again, read, and the page's and the navigation's counts out of band
    html = done.content.decode()
    assert done.status_code == 200 and "<html" not in html
    assert f'<li class="panel notice" id="notice-{notice.pk}">' in html and "Mark as read" not in html
    assert 'tabindex="-1" autofocus' in html  # focus lands on the notice, not lost with the button
    assert '<div id="notices-summary" hx-swap-oob="true">' in html and "<strong>1</strong> unread" in html
    assert 'id="site-nav" aria-label="Main" hx-swap-oob="true"' in html and '<span class="count">1<' in html
    assert 'aria-current="page">Notices' in html
    # And no message waits for the next page: the notice itself says it is read
    assert "as read." not in client.get(reverse("portal:notices")).content.decode()
