"""Nominations, CSO referrals, deals and vouchers."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from offerdesk.core import dates
from offerdesk.core.fields import money_field
from offerdesk.core.models import TimeStampedModel

from .choices import NominationStatus, ReferralStatus, VoucherStatus

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_voucher_code() -> str:
    """An unguessable voucher ID: 20 random characters (100 bits) in four groups."""
    raw = "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


class Nomination(TimeStampedModel):
    """Microsoft nominates a customer for an offer (CSO with its mapped partner)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="nominations")
    offer = models.ForeignKey("catalogue.Offer", on_delete=models.PROTECT, related_name="nominations")
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_at = models.DateTimeField()
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=NominationStatus.choices, default=NominationStatus.ACTIVE)

    class Meta:
        ordering = ("-nominated_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("customer", "offer"),
                condition=Q(status=NominationStatus.ACTIVE),
                name="one_active_nomination_per_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} for {self.offer}"


class Referral(TimeStampedModel):
    """A CSO nomination presented to its mapped partner, who accepts (registers intent) or declines."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="referral")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="referrals")
    notified_on = models.DateField()
    respond_by = models.DateField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-notified_on", "-id")

    def __str__(self) -> str:
        return f"referral of {self.nomination.customer} to {self.partner} ({self.status})"

    @property
    def days_left(self) -> int:
        """Days from today (program time zone) to the answer-by date: 0 on the last day, negative after it."""
        return (self.respond_by - dates.today()).days


class Deal(TimeStampedModel):
    """A qualifying purchase recorded by Microsoft: value (USD), close date, workloads, migration."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="deals")
    value = money_field()
    close_date = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When known; else only the date counts.")
    workloads = models.JSONField(default=list)
    migration_sources = models.JSONField(default=list, blank=True)
    upsell_attested = models.BooleanField(default=True, help_text="MWS-ELIG-03")
    policy_questions = models.JSONField(
        default=list,
        blank=True,
        help_text="Cases the rule book leaves unanswered (AMB-31): they wait for a program operator's decision.",
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-recorded_at", "-id")
        constraints = [models.CheckConstraint(name="deal_value_non_negative", condition=Q(value__gte=0))]

    def __str__(self) -> str:
        return f"deal of {self.customer} closed {self.close_date}"


class Voucher(TimeStampedModel):
    """A capped, expiring services credit for one customer under one offer."""

    # Unique by a constraint, not `unique=True`: on PostgreSQL that would add a second (LIKE) index to keep up
    code = models.CharField("voucher ID", max_length=32, default=new_voucher_code, editable=False)
    # No index of their own on offer, nomination and issuer: no query looks vouchers up by them (an offer's are
    # most of the table), and each index is upkeep on every expiry (ADR 18). Deal and partner: only where set.
    offer = models.ForeignKey("catalogue.Offer", on_delete=models.PROTECT, related_name="vouchers", db_index=False)
    variant = models.CharField(max_length=20)
    family = models.CharField(max_length=20)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="vouchers")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="vouchers", db_index=False)
    deal = models.ForeignKey(
        Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers", db_index=False
    )
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouchers",
        db_index=False,
        help_text="CSO: the mapped partner, from issue. FY24: bound at the first redemption.",
    )
    face_value = money_field(help_text="FY24: the fixed face value. CSO: the maximum payout.")
    cap_at_issue = money_field()
    issue_date = models.DateField()
    expiry_date = models.DateField()
    status = models.CharField(max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.OPEN)
    holds_limit = models.BooleanField(default=True, help_text="Counts against the TPID's one voucher per family.")
    paid_in_scope_at_issue = models.PositiveIntegerField(null=True, blank=True)
    unused_at_issue = models.PositiveIntegerField(null=True, blank=True, help_text="CSO-USR-03, AMB-04")
    committed_total = money_field(default=0, help_text="Sum of the payments scheduled against it.")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ("-issue_date", "-id")
        indexes = [
            # Vouchers by expiry (the daily run, reminders). No index names `status`, and the table keeps room on
            # each page (fillfactor 50, migration 0003), so that a change of status — a million expiring on one
            # day — is a HOT update that writes no index entry at all (ADR 18). With the id: the API's lists page
            # by (expiry date, id), and a page in a day of 100,000 vouchers reads 50 entries, not the whole day.
            models.Index(fields=("expiry_date", "id"), name="voucher_expiry"),
            models.Index(fields=("partner",), condition=Q(partner__isnull=False), name="voucher_partner"),
            models.Index(fields=("deal",), condition=Q(deal__isnull=False), name="voucher_deal"),
        ]
        constraints = [
            models.UniqueConstraint(fields=("code",), name="voucher_code_unique"),
            models.UniqueConstraint(
                fields=("customer", "family"),
                condition=Q(holds_limit=True),
                name="one_voucher_per_tpid_and_family",
            ),
            models.CheckConstraint(name="voucher_face_value_non_negative", condition=Q(face_value__gte=0)),
            models.CheckConstraint(
                name="voucher_face_value_within_cap", condition=Q(face_value__lte=models.F("cap_at_issue"))
            ),
            models.CheckConstraint(
                name="voucher_payments_within_face_value",
                condition=Q(committed_total__gte=0) & Q(committed_total__lte=models.F("face_value")),
            ),
            models.CheckConstraint(
                name="voucher_expiry_after_issue", condition=Q(expiry_date__gt=models.F("issue_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.offer_id})"

    @property
    def days_left(self) -> int:
        """Days from today (program time zone) to the expiry date: 0 on the day it expires, negative after it."""
        return (self.expiry_date - dates.today()).days


class VoucherReminder(models.Model):
    """An expiry reminder that was sent: at most one per voucher and reminder day."""

    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("voucher", "days_before"), name="one_reminder_per_day_mark")]

    def __str__(self) -> str:
        return f"{self.voucher}: {self.days_before} days before expiry"
