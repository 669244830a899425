"""Nominating, referring, recording deals, issuing and expiring vouchers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from offerdesk.accounts.access import MICROSOFT_ROLES, access_partner_acting_for, access_require_role
from offerdesk.accounts.models import Role
from offerdesk.audit.models import AuditEvent
from offerdesk.audit.services import audit_record, audit_record_many, audited_refusals
from offerdesk.catalogue.models import Offer, Program
from offerdesk.catalogue.rules import evaluate
from offerdesk.catalogue.rules import quote as rules_quote
from offerdesk.catalogue.rules.cso import voucher_terms
from offerdesk.catalogue.rules.facts import fail as _fail
from offerdesk.catalogue.selectors import params_for
from offerdesk.core import dates
from offerdesk.core.errors import InvalidInput, RuleViolation
from offerdesk.core.money import MoneyError, parse_money
from offerdesk.core.transitions import check_transition
from offerdesk.customers.models import Customer
from offerdesk.notifications.models import NoticeKind
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit
from offerdesk.partners.models import Partner

from .lock_objects import customer_lock, voucher_lock
from .models import (
    NOMINATION_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    VOUCHER_TRANSITIONS,
    Deal,
    Nomination,
    NominationStatus,
    PolicyQuestion,
    Referral,
    ReferralStatus,
    Voucher,
    VoucherReminder,
    VoucherStatus,
)
from .notices import notify_voucher
from .selectors import deal_latest, nomination_latest, situation_for


def _nomination_rules(offer: Offer) -> tuple[str, ...]:
    return ("CSO-NOM-01",) if offer.program.rulebook == "cso" else ("MWS-NOM-01",)


def _set_status(obj: Any, table: Mapping[str, frozenset[str]], new: str, what: str, *extra_fields: str) -> None:
    check_transition(table, what=what, current=obj.status, new=new)
    obj.status = new
    obj.save(update_fields=["status", "updated_at", *extra_fields])


def expiry_for(voucher_offer: Offer, issue_date: dt.date, params: Any) -> dt.date:
    """CSO: issue + 180 days (CSO-VAL-01). FY24: issue + 6 months, end-of-month clamp (MWS-VAL-01)."""
    if voucher_offer.program.rulebook == "cso":
        return issue_date + dt.timedelta(days=params["expiry.cso_days"])
    return dates.add_months(issue_date, params["expiry.mws_months"])


@audited_refusals("nomination.create")
@transaction.atomic
def nomination_create(*, actor: Any, customer: Customer, offer: Offer, partner: Partner | None = None) -> Nomination:
    """Microsoft nominates a customer for an offer; a CSO nomination maps one partner and refers it."""
    access_require_role(actor, MICROSOFT_ROLES, action="nominate customers", rules=_nomination_rules(offer))
    customer_lock(customer_id=customer.pk)
    now = dates.now()
    on = dates.local_date(now)
    is_cso = offer.program.rulebook == "cso"
    if not is_cso and partner is not None:
        raise InvalidInput("FY24 nominations name no partner: the customer chooses one at redemption (MWS-NOM-04)")
    evaluate("nominate", situation_for(customer=customer, offer=offer, on=on, partner=partner))
    if Nomination.objects.filter(customer=customer, offer=offer, status=NominationStatus.ACTIVE).exists():
        raise InvalidInput(f"{customer.name} already has an open nomination for the {offer.name}")
    nomination = Nomination.objects.create(
        customer=customer, offer=offer, partner=partner, nominated_at=now, nominated_by=actor
    )
    audit_record(
        actor=actor,
        action="nomination.create",
        target=nomination,
        data={"offer": offer.code, "tpid": customer.tpid, "partner": partner.name if partner else None},
    )
    if is_cso:
        assert partner is not None
        params = params_for(program_code=offer.program.code, on=on)
        referral = Referral.objects.create(
            nomination=nomination,
            partner=partner,
            notified_on=on,
            respond_by=on + dt.timedelta(days=params["cso.intent_days"]),
        )
        notice_queue(
            kind=NoticeKind.REFERRAL,
            to=[partner.primary_contact],
            cc=[partner.program_manager],
            target=referral,
            context={
                "program_name": offer.program.name,
                "offer_name": offer.name,
                "partner_name": partner.name,
                "customer_name": customer.name,
                "tpid": customer.tpid,
                "respond_by": referral.respond_by.isoformat(),
            },
        )
        outbox_deliver_on_commit()
    return nomination


@audited_refusals("referral.accept")
@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral) -> Voucher:
    """The mapped partner registers its intent; the CSO voucher is issued the same day (CSO-ENG-02, -05)."""
    access_partner_acting_for(actor, referral.partner_id, action="accept a referral")
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("nomination__offer__program", "nomination__customer", "partner")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.PENDING:
        raise InvalidInput(f"this referral is already {referral.status}")
    now = dates.now()
    if dates.local_date(now) < referral.notified_on:
        raise InvalidInput(f"dates out of order: the referral was only notified on {referral.notified_on}")
    nomination = referral.nomination
    voucher = _voucher_create(
        actor=actor,
        nomination=nomination,
        partner=referral.partner,
        respond_by=referral.respond_by,
        on=dates.local_date(now),
    )
    referral.responded_at, referral.responded_by = now, actor
    _set_status(referral, REFERRAL_TRANSITIONS, ReferralStatus.ACCEPTED, "referral", "responded_at", "responded_by")
    audit_record(actor=actor, action="referral.accept", target=referral, data={"voucher": voucher.code})
    return voucher


@audited_refusals("referral.decline")
@transaction.atomic
def referral_decline(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The partner declines with no penalty (CSO-ENG-04); Microsoft may map the customer to another (AMB-14)."""
    access_partner_acting_for(actor, referral.partner_id, action="decline a referral")
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("nomination__offer__program", "nomination__customer", "partner")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.PENDING:
        raise InvalidInput(f"this referral is already {referral.status}")
    referral.responded_at, referral.responded_by = dates.now(), actor
    _set_status(referral, REFERRAL_TRANSITIONS, ReferralStatus.DECLINED, "referral", "responded_at", "responded_by")
    _set_status(referral.nomination, NOMINATION_TRANSITIONS, NominationStatus.CLOSED, "nomination")
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


@audited_refusals("deal.record")
@transaction.atomic
def deal_record(
    *,
    actor: Any,
    customer: Customer,
    value: Decimal | str,
    close_date: dt.date,
    workloads: Iterable[str],
    migration: Iterable[str] = (),
    closed_at: dt.datetime | None = None,
    upsell_attested: bool = True,
    policy_questions: Iterable[str] = (),
) -> Deal:
    """Record a qualifying purchase; what it qualifies for is decided when a voucher is issued."""
    access_require_role(actor, MICROSOFT_ROLES, action="record deals")
    try:
        amount = parse_money(value)
    except MoneyError as exc:
        raise InvalidInput(str(exc)) from exc
    names = [w.strip() for w in workloads if w.strip()]
    if not names:
        raise InvalidInput("a deal names at least one workload")
    questions = [q.strip() for q in policy_questions if q.strip()]
    unknown = [q for q in questions if q not in PolicyQuestion.values]
    if unknown:
        raise InvalidInput(f"unknown policy question(s) {unknown}; known: {', '.join(PolicyQuestion.values)}")
    if closed_at is not None and timezone.is_naive(closed_at):
        raise InvalidInput("a close time needs its time zone")
    if closed_at is not None and dates.local_date(closed_at) != close_date:
        raise InvalidInput("the close time falls on another day than the close date")
    deal = Deal.objects.create(
        customer=customer,
        value=amount,
        close_date=close_date,
        closed_at=closed_at,
        workloads=names,
        migration_sources=[m.strip() for m in migration if m.strip()],
        upsell_attested=upsell_attested,
        policy_questions=questions,
        recorded_at=dates.now(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="deal.record",
        target=deal,
        data={"tpid": customer.tpid, "value": str(amount), "close_date": close_date, "workloads": names},
    )
    return deal


def _voucher_create(
    *,
    actor: Any,
    nomination: Nomination,
    partner: Partner | None,
    on: dt.date,
    respond_by: dt.date | None = None,
    deal: Deal | None = None,
    face_value: Decimal | None = None,
    policy_decision: str = "",
) -> Voucher:
    offer = nomination.offer
    situation = situation_for(
        customer=nomination.customer,
        offer=offer,
        on=on,
        partner=partner,
        nomination=nomination,
        deal=deal,
        face_value=face_value,
        respond_by=respond_by,
        policy_decision=policy_decision,
    )
    if not situation.params["tpid_limit_counts_expired"]:
        # An expired voucher no longer uses up the TPID's one voucher of its family (AMB-20 alternative).
        Voucher.objects.filter(
            customer=nomination.customer, family=offer.family, status=VoucherStatus.EXPIRED, holds_limit=True
        ).update(holds_limit=False, updated_at=dates.now())
    quote = rules_quote(situation)
    quote.raise_if_refused()
    findings, params = quote.findings, situation.params
    assert quote.cap is not None and quote.variant is not None
    cap, variant = quote.cap, quote.variant
    if offer.program.rulebook == "cso":
        _, paid, unused = voucher_terms(situation)
        face, extra = cap, {"paid_in_scope_at_issue": paid, "unused_at_issue": unused}
    else:
        assert face_value is not None
        face, extra = face_value, {}
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(
                offer=offer,
                variant=variant,
                family=offer.family,
                customer=nomination.customer,
                nomination=nomination,
                deal=deal,
                partner=partner,
                face_value=face,
                cap_at_issue=cap,
                issue_date=on,
                expiry_date=expiry_for(offer, on, params),
                issued_by=actor,
                **extra,
            )
    except IntegrityError as exc:  # a concurrent issue won the one-voucher-per-TPID slot
        raise RuleViolation(
            [
                _fail(
                    situation.offer.limit_rules[0],
                    f"TPID {nomination.customer.tpid} already holds a voucher of this kind",
                )
            ]
        ) from exc
    if nomination.status == NominationStatus.ACTIVE:
        _set_status(nomination, NOMINATION_TRANSITIONS, NominationStatus.CLOSED, "nomination")
    audit_record(
        actor=actor,
        action="voucher.issue",
        target=voucher,
        data={
            "offer": offer.code,
            "variant": variant,
            "face_value": str(face),
            "cap": str(cap),
            "expiry_date": voucher.expiry_date,
            "rules": [f.rule for f in findings],
            "policy_decision": policy_decision,
        },
    )
    notify_voucher(voucher, NoticeKind.VOUCHER_ISSUED)
    outbox_deliver_on_commit()
    return voucher


@audited_refusals("voucher.issue")
@transaction.atomic
def voucher_issue(
    *, actor: Any, customer: Customer, offer: Offer, face_value: Decimal | str, policy_decision: str = ""
) -> Voucher:
    """Issue a FY24 voucher against the customer's latest deal, at a fixed face value ≤ the cap (MWS-CAP-09).
    A deal with an open policy question (AMB-31) needs a program operator's decision, with its reason."""
    access_require_role(actor, MICROSOFT_ROLES, action="issue vouchers")
    if policy_decision.strip():
        access_require_role(actor, {Role.OPERATOR}, action="decide a policy question (AMB-31)")
    if offer.program.rulebook == "cso":
        raise InvalidInput("a Customer Success Offer voucher is issued when the mapped partner accepts the referral")
    try:
        value = parse_money(face_value)
    except MoneyError as exc:
        raise InvalidInput(str(exc)) from exc
    if value <= 0:
        raise InvalidInput("a voucher's face value must be above $0.00")
    customer_lock(customer_id=customer.pk)
    nomination = nomination_latest(customer=customer, offer=offer)
    deal = deal_latest(customer=customer)
    if nomination is None:  # every rule is still evaluated, so the refusal lists all that fail (MWS-NOM-02 too)
        evaluate("issue", situation_for(customer=customer, offer=offer, on=dates.today(), deal=deal, face_value=value))
        raise RuleViolation([_fail("MWS-NOM-02", f"{customer.name} has not been nominated for the {offer.name}")])
    return _voucher_create(
        actor=actor,
        nomination=nomination,
        partner=None,
        on=dates.today(),
        deal=deal,
        face_value=value,
        policy_decision=policy_decision.strip(),
    )


def voucher_set_status(*, voucher: Voucher, new: str) -> None:
    """Move a (locked) voucher along its transition table."""
    _set_status(voucher, VOUCHER_TRANSITIONS, new, "voucher")


@audited_refusals("voucher.cancel")
@transaction.atomic
def voucher_cancel(*, actor: Any, voucher: Voucher, reason: str) -> Voucher:
    """An operator cancels a voucher; it no longer counts against the TPID's limit."""
    access_require_role(actor, {Role.OPERATOR}, action="cancel vouchers")
    if not reason.strip():
        raise InvalidInput("say why the voucher is cancelled")
    voucher = voucher_lock(voucher_id=voucher.pk)
    voucher.holds_limit = False
    voucher.save(update_fields=["holds_limit", "updated_at"])
    voucher_set_status(voucher=voucher, new=VoucherStatus.CANCELLED)
    audit_record(actor=actor, action="voucher.cancel", target=voucher, data={"reason": reason})
    return voucher


@transaction.atomic
def vouchers_expire(*, on: dt.date) -> int:
    """Expire every live voucher whose expiry date has come, set-based (§3.0 voucher expiry day).

    One UPDATE … RETURNING picks exactly the rows it changed, so the audit trail names those and no
    others, even while requests are being approved. On PostgreSQL the audit rows are written by the
    same statement."""
    now = dates.now()
    ops = connection.ops
    voucher_table, audit_table = Voucher._meta.db_table, AuditEvent._meta.db_table
    update = (
        f"UPDATE {voucher_table} SET status = %s, updated_at = %s "
        "WHERE status IN (%s, %s) AND expiry_date <= %s RETURNING id"
    )
    params = [
        VoucherStatus.EXPIRED.value,
        ops.adapt_datetimefield_value(now),
        VoucherStatus.OPEN.value,
        VoucherStatus.REDEEMING.value,
        ops.adapt_datefield_value(on),
    ]
    data = json.dumps({"on": on.isoformat()})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH expired AS ({update}) "
                f"INSERT INTO {audit_table} (occurred_at, actor_id, actor_label, action, outcome, object_type, "
                "object_id, source, data) "
                "SELECT %s, NULL, 'system', 'voucher.expire', 'done', 'vouchers.voucher', CAST(id AS varchar), "
                "'daily', %s::jsonb FROM expired",
                [*params, ops.adapt_datetimefield_value(now), data],
            )
            return cursor.rowcount
        cursor.execute(update, params)
        ids = [row[0] for row in cursor.fetchall()]
    audit_record_many(
        actor=None,
        action="voucher.expire",
        targets=[("vouchers.voucher", i) for i in ids],
        data={"on": on.isoformat()},
        source="daily",
    )
    return len(ids)


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


def _reminder_due(voucher: Voucher, on: dt.date, marks: list[int], sent: set[int]) -> int | None:
    """The latest reminder mark that has come and was not sent (nor a later one): a missed day sends it once."""
    days_left = (voucher.expiry_date - on).days
    due = [m for m in marks if days_left <= m]
    if not due or days_left <= 0:
        return None
    latest = min(due)
    return None if any(s <= latest for s in sent) else latest


def _still_needs_reminder(voucher: Voucher) -> bool:
    """CSO: until the POE is in. FY24: only while the voucher has no redemptions (MWS-NOT-01)."""
    live = [r for r in voucher.requests.all() if r.status not in ("rejected", "withdrawn")]
    if voucher.offer.program.rulebook == "cso":
        return not any(r.kind == "POE" for r in live)
    return not live


@transaction.atomic
def voucher_reminders_send(*, on: dt.date) -> int:
    """Queue the expiry reminders that are due on `on` (reminder_days_before_expiry)."""
    queued = 0
    for program in Program.objects.all():
        marks: list[int] = params_for(program_code=program.code, on=on)["reminder_days_before_expiry"]
        if not marks:
            continue
        candidates = (
            Voucher.objects.filter(
                offer__program=program,
                status__in=(VoucherStatus.OPEN, VoucherStatus.REDEEMING),
                expiry_date__gt=on,
                expiry_date__lte=on + dt.timedelta(days=max(marks)),
            )
            .select_related("offer__program", "customer", "partner")
            .prefetch_related("requests", "reminders", "customer__contacts")
        )
        for voucher in candidates:
            mark = _reminder_due(voucher, on, marks, {r.days_before for r in voucher.reminders.all()})
            if mark is None or not _still_needs_reminder(voucher):
                continue
            VoucherReminder.objects.create(voucher=voucher, days_before=mark, sent_on=on)
            notify_voucher(voucher, NoticeKind.EXPIRY_REMINDER, days_left=(voucher.expiry_date - on).days)
            audit_record(actor=None, action="voucher.remind", target=voucher, data={"days_before": mark})
            queued += 1
    return queued
