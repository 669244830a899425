"""/notices through HTTP: the caller's own copies of the e-mails OfferDesk sent them, newest first, how many are
unread, marking one (once) and all read; another user's notice is not found, whoever asks."""

from __future__ import annotations

import pytest

from offerdesk.accounts.models import User
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import Notice
from offerdesk.notifications.services import notice_queue
from tests.factories import Cast, audit_events

from .client import Api, problem_of
from .money import queries

pytestmark = pytest.mark.django_db
CONTEXT = {"partner_name": "Fabrikam", "offer_name": "CSO", "customer_name": "Contoso", "tpid": "T-500"}


def _notify(user: User, count: int = 1) -> list[Notice]:
    assert user.email
    for _ in range(count):
        notice_queue(kind=NoticeKind.REFERRAL_DECLINED, to=[user.email], context=CONTEXT)
    return list(Notice.objects.filter(user=user).order_by("-id"))


def test_the_caller_reads_and_marks_its_notices(cast: Cast) -> None:
    older, newer = reversed(_notify(cast.pat, 2))
    pat = Api(cast.pat)
    assert [n["id"] for n in pat.get("/notices/").json()["items"]] == [newer.pk, older.pk]
    assert pat.get("/notices/unread").json() == {"unread": 2}
    read = pat.post(f"/notices/{older.pk}/read", key="read-older").json()
    assert read["read_at"] is not None and read["subject"]
    assert pat.post(f"/notices/{older.pk}/read").json()["read_at"] == read["read_at"]  # once
    assert len(audit_events("notice.read")) == 1
    assert [n["id"] for n in pat.get("/notices/", {"unread": True}).json()["items"]] == [newer.pk]
    assert pat.post("/notices/read").json() == {"marked": 1}
    assert pat.get("/notices/unread").json() == {"unread": 0}


def test_another_users_notice_is_not_found_whoever_asks(cast: Cast) -> None:
    [notice] = _notify(cast.pat)
    for user in (cast.paula, cast.operator, cast.auditor):
        assert problem_of(Api(user).post(f"/notices/{notice.pk}/read"))["status"] == 404
        assert Api(user).get("/notices/").json()["items"] == []
    assert Api(cast.paula).post("/notices/read").json() == {"marked": 0}
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_a_page_costs_the_same_queries_with_one_notice_and_with_fifty(cast: Cast) -> None:
    _notify(cast.pat)
    pat = Api(cast.pat)
    one = queries(pat, "/notices/", {"limit": 50})
    _notify(cast.pat, 49)
    assert queries(pat, "/notices/", {"limit": 50}) == one == 2
