"""The caller's own notices (ADR 23): a copy of each e-mail OfferDesk sent them, newest first, how many are unread,
and marking one or all read. Another user's notice is not found, whoever asks."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.models import Notice
from offerdesk.notifications.selectors import notice_list, notice_unread_count
from offerdesk.notifications.services import notice_mark_all_read, notice_mark_read

from .auth import caller
from .lists import ListParams, Page, page_of

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    kind: str = Field(description=f"One of {', '.join(NoticeKind.values)}.")
    subject: str
    body: str = Field(description="The e-mail's text.")
    object_type: str = Field(description="What it is about, if anything (vouchers.voucher…).")
    object_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def of(notice: Notice) -> NoticeOut:
        message = notice.message
        return NoticeOut(
            id=notice.pk,
            kind=message.kind,
            subject=message.subject,
            body=message.body_text,
            object_type=message.object_type,
            object_id=message.object_id,
            created_at=notice.created_at,
            read_at=notice.read_at,
        )


class NoticeFilters(ListParams):
    unread: bool = Field(False, description="Only those not read yet.")


ORDERINGS = {"newest": "-id", "oldest": "id"}


@router.get("/", response=Page[NoticeOut], operation_id="notice_list", summary="Your notices, newest first")
def notice_list_op(request: HttpRequest, filters: Query[NoticeFilters]) -> Page[NoticeOut]:
    qs = notice_list(user=caller(request))
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    rows, after = page_of(qs, filters, orderings=ORDERINGS, default="newest")
    return Page[NoticeOut](items=[NoticeOut.of(n) for n in rows], next=after)


class UnreadOut(Schema):
    unread: int


@router.get("/unread", response=UnreadOut, operation_id="notice_unread_count", summary="How many are unread")
def notice_unread_count_op(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=notice_unread_count(user=caller(request)))


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")


@router.post("/read", response=MarkedOut, operation_id="notice_read_all", summary="Mark all your notices read")
def notice_read_all_op(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=notice_mark_all_read(actor=caller(request)))


@router.post("/{notice_id}/read", response=NoticeOut, operation_id="notice_read", summary="Mark a notice read (once)")
def notice_read_op(request: HttpRequest, notice_id: int) -> NoticeOut:
    return NoticeOut.of(notice_mark_read(actor=caller(request), key=notice_id))
