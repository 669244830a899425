"""What happens to an issued voucher: its status moves, an operator cancels it, a partner is bound or
released, payments are committed against it. Other apps change a voucher only through these."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from offerdesk.accounts.access import access_require_role
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.core import parsing
from offerdesk.core.transitions import transition_apply
from offerdesk.partners.models import Partner

from ..choices import VOUCHER_TRANSITIONS, VoucherStatus
from ..lock_objects import voucher_lock
from ..models import Voucher


def voucher_set_status(*, voucher: Voucher, new: str) -> None:
    """Move a (locked) voucher along its transition table."""
    transition_apply(voucher, VOUCHER_TRANSITIONS, new, what="voucher")


def voucher_bind_partner(*, voucher: Voucher, partner: Partner) -> None:
    """Bind an unbound (locked) voucher to the partner redeeming it (MWS-NOM-04); a bound one keeps its partner."""
    if voucher.partner_id is not None:
        return
    voucher.partner = partner
    voucher.save(update_fields=["partner", "updated_at"])


def voucher_release_partner(*, voucher: Voucher) -> None:
    """Unbind a (locked) voucher from its partner once nothing binds them any more."""
    if voucher.partner_id is None:
        return
    voucher.partner = None
    voucher.save(update_fields=["partner", "updated_at"])


def voucher_commit_payment(*, voucher: Voucher, amount: Decimal) -> None:
    """Add a scheduled payment to the (locked) voucher's committed total; the database keeps it ≤ face value."""
    Voucher.objects.filter(pk=voucher.pk).update(committed_total=F("committed_total") + amount)


@audited_refusals("voucher.cancel")
@transaction.atomic
def voucher_cancel(*, actor: User | None, voucher: Voucher, reason: str) -> Voucher:
    """An operator cancels a voucher; it no longer counts against the TPID's limit."""
    access_require_role(actor, {Role.OPERATOR}, action="cancel vouchers")
    reason = parsing.parse_note(reason, field="reason", required=False)
    if not reason:
        raise parsing.refuse("reason", "say why the voucher is cancelled")
    voucher = voucher_lock(voucher_id=voucher.pk)
    voucher.holds_limit = False
    voucher.save(update_fields=["holds_limit", "updated_at"])
    voucher_set_status(voucher=voucher, new=VoucherStatus.CANCELLED)
    audit_record(actor=actor, action="voucher.cancel", target=voucher, data={"reason": reason})
    return voucher
