"""A CSO partner's answer to a referral: accept (the voucher is issued) or decline; unanswered ones lapse."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from offerdesk.accounts.access import access_partner_acting_for
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audit_record_many, audited_refusals
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput
from offerdesk.core.transitions import transition_apply
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit

from ..choices import NOMINATION_TRANSITIONS, REFERRAL_TRANSITIONS, NominationStatus, ReferralStatus
from ..lock_objects import referral_lock
from ..models import Nomination, Referral, Voucher
from .issue import voucher_create


def _pending(referral: Referral) -> Referral:
    """Lock the referral and check it still waits for an answer."""
    referral = referral_lock(referral_id=referral.pk)
    if referral.status != ReferralStatus.PENDING:
        raise InvalidInput(f"this referral is already {referral.status}")
    return referral


@audited_refusals("referral.accept")
@transaction.atomic
def referral_accept(*, actor: User | None, referral: Referral) -> Voucher:
    """The mapped partner registers its intent; the CSO voucher is issued the same day (CSO-ENG-02, -05)."""
    access_partner_acting_for(actor, referral.partner_id, action="accept a referral")
    referral = _pending(referral)
    now = dates.now()
    if dates.local_date(now) < referral.notified_on:
        raise InvalidInput(f"dates out of order: the referral was only notified on {referral.notified_on}")
    voucher = voucher_create(
        actor=actor,
        nomination=referral.nomination,
        partner=referral.partner,
        respond_by=referral.respond_by,
        on=dates.local_date(now),
    )
    referral.responded_at, referral.responded_by = now, actor
    transition_apply(
        referral,
        REFERRAL_TRANSITIONS,
        ReferralStatus.ACCEPTED,
        what="referral",
        extra_fields=("responded_at", "responded_by"),
    )
    audit_record(actor=actor, action="referral.accept", target=referral, data={"voucher": voucher.code})
    return voucher


@audited_refusals("referral.decline")
@transaction.atomic
def referral_decline(*, actor: User | None, referral: Referral, reason: str = "") -> Referral:
    """The partner declines with no penalty (CSO-ENG-04); Microsoft may map the customer to another (AMB-14)."""
    access_partner_acting_for(actor, referral.partner_id, action="decline a referral")
    reason = parsing.parse_note(reason, field="reason", required=False)
    referral = _pending(referral)
    referral.responded_at, referral.responded_by = dates.now(), actor
    transition_apply(
        referral,
        REFERRAL_TRANSITIONS,
        ReferralStatus.DECLINED,
        what="referral",
        extra_fields=("responded_at", "responded_by"),
    )
    transition_apply(referral.nomination, NOMINATION_TRANSITIONS, NominationStatus.CLOSED, what="nomination")
    audit_record(actor=actor, action="referral.decline", target=referral, data={"reason": reason})
    nomination = referral.nomination
    notice_queue(
        kind=NoticeKind.REFERRAL_DECLINED,
        to=[settings.OFFERDESK_OPERATIONS_EMAIL],
        target=referral,
        context={
            "program_name": nomination.offer.program.name,
            "offer_name": nomination.offer.name,
            "partner_name": referral.partner.name,
            "customer_name": nomination.customer.name,
            "tpid": nomination.customer.tpid,
            "decided_on": dates.local_date(referral.responded_at).isoformat(),
        },
    )
    outbox_deliver_on_commit()
    return referral


@transaction.atomic
def referrals_lapse(*, on: dt.date) -> int:
    """Referrals not answered within the intent window lapse (CSO-ENG-01)."""
    lapsed = list(
        Referral.objects.filter(status=ReferralStatus.PENDING, respond_by__lt=on).values_list("id", "nomination_id")
    )
    if not lapsed:
        return 0
    Referral.objects.filter(id__in=[r for r, _ in lapsed]).update(status=ReferralStatus.LAPSED, updated_at=dates.now())
    Nomination.objects.filter(id__in=[n for _, n in lapsed], status=NominationStatus.ACTIVE).update(
        status=NominationStatus.CLOSED, updated_at=dates.now()
    )
    audit_record_many(actor=None, action="referral.lapse", targets=[("vouchers.referral", r) for r, _ in lapsed])
    return len(lapsed)
