"""Submitting SOW and POE requests against a voucher."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from offerdesk.accounts.access import access_partner_acting_for
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.policies import RulebookPolicy, policy_for
from offerdesk.catalogue.rules import RedemptionFacts, evaluate_redemption
from offerdesk.catalogue.rules.facts import ExistingRequest, fail
from offerdesk.catalogue.selectors import document_template, offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput, RuleViolation
from offerdesk.notifications.choices import WebhookEvent
from offerdesk.partners.models import Partner
from offerdesk.vouchers.choices import VoucherStatus
from offerdesk.vouchers.lock_objects import voucher_lock
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.selectors import customer_facts, partner_facts
from offerdesk.vouchers.services import voucher_bind_partner, voucher_set_status

from .choices import RequestKind, RequestStatus, SignatureParty
from .events import request_event
from .models import RedemptionRequest, Signature


@dataclass(frozen=True)
class SignatureInput:
    """A signature given in the portal: who signed, in what role, and the OfferDesk user if one signed."""

    party: str
    name: str
    role: str = ""
    user: User | None = None


def redemption_template_id(*, voucher: Voucher, kind: str) -> str:
    """The identity of the program template a request of this kind must be made from (CSO-RED-02, MWS-RED-03)."""
    return document_template(offer=voucher.offer, kind=kind).id


def sla_due(*, submitted_on: dt.date, params: Any, policy: RulebookPolicy) -> dt.date:
    """Submission date + N business days, the submission day not counted (CSO-REV-01, MWS-REV-01, AMB-27)."""
    return dates.add_business_days(submitted_on, params[policy.sla_days_param], params["business_day_calendar"])


def redemption_facts(
    *,
    voucher: Voucher,
    partner: Partner,
    kind: str,
    on: dt.date,
    template_id: str,
    signed_by: set[str],
    params: Any,
    **figures: Any,
) -> RedemptionFacts:
    """The facts the submission and approval rules look at."""
    program, spec = offer_spec(offer=voucher.offer)
    referral = getattr(voucher.nomination, "referral", None) if policy_for(program).refers_nomination else None
    return RedemptionFacts(
        program=program,
        offer=spec,
        params=params,
        on=on,
        kind=kind,
        customer=customer_facts(customer=voucher.customer),
        partner=partner_facts(partner=partner),
        voucher_partner_id=voucher.partner_id,
        voucher_cancelled=voucher.status == VoucherStatus.CANCELLED,
        issue_date=voucher.issue_date,
        expiry_date=voucher.expiry_date,
        existing=tuple(
            ExistingRequest(
                kind=r.kind,
                partner_id=r.partner_id,
                is_open=r.is_open,
                is_approved=r.status == RequestStatus.APPROVED,
            )
            for r in voucher.requests.all()
        ),
        template_id=template_id,
        customer_signed=SignatureParty.CUSTOMER in signed_by,
        partner_signed=SignatureParty.PARTNER in signed_by,
        respond_by=referral.respond_by if referral else None,
        **figures,
    )


def _parse_signature(raw: Any, *, field: str) -> SignatureInput:
    if not isinstance(raw, SignatureInput):
        raise parsing.refuse(field, f"must be a signature (party, name, role), not {parsing.shown(raw)}")
    if raw.user is not None and not isinstance(raw.user, User):
        raise parsing.refuse(f"{field} user", f"must be an OfferDesk user, not {parsing.shown(raw.user)}")
    return replace(
        raw,
        party=parsing.parse_name(raw.party, field=f"{field} party", max_length=10, required=False),
        name=parsing.parse_name(raw.name, field=f"{field} name", max_length=200, required=False),
        role=parsing.parse_name(raw.role, field=f"{field} role", max_length=200, required=False),
    )


def _parse_document_hash(raw: Any) -> str:
    text = parsing.parse_text(raw, field="document hash", max_length=64, required=False)
    if text and not re.fullmatch(r"[0-9a-f]{64}", text):
        raise parsing.refuse(
            "document hash", f"must be a SHA-256 in 64 lowercase hex digits, not {parsing.shown(text)}"
        )
    return text


def redemption_figures(
    *, kind: str, value: Any, users_deployed: Any, workload_users: Any, workloads: list[str]
) -> tuple[Decimal | None, int | None, dict[str, int]]:
    """The SOW value, users deployed and users per workload, parsed (OD-IN-01); a name from nowhere refused."""
    amount = parsing.parse_optional_money(value, field="value")
    users = parsing.parse_optional_whole(users_deployed, field="users deployed")
    per_workload: dict[str, int] = {}
    for raw_name, count in parsing.parse_mapping(workload_users, field="workload users").items():
        name = parsing.parse_name(raw_name, field="workload", max_length=80)
        per_workload[name] = parsing.parse_whole(count, field=f"users on {name}")
    unknown = sorted(set(per_workload) - set(workloads))
    if unknown:  # an offer that counts no workloads takes none: a name from nowhere is never stored
        counted = ", ".join(workloads) or "no workloads"
        raise parsing.refuse("workload users", f"unknown workload(s) {', '.join(unknown)}; this offer counts {counted}")
    if kind == RequestKind.SOW and (users is not None or per_workload):
        raise InvalidInput("deployed users are reported on the POE, not the SOW")
    return amount, users, per_workload


@audited_refusals("redemption.submit")
@transaction.atomic
def redemption_submit(
    *,
    actor: User | None,
    voucher: Voucher,
    partner: Partner,
    kind: str,
    template_id: str,
    signatures: Iterable[SignatureInput],
    value: Decimal | str | None = None,
    users_deployed: int | str | None = None,
    workload_users: Mapping[str, int | str] | None = None,
    document_hash: str = "",
) -> RedemptionRequest:
    """A partner submits a SOW (initial) or POE (final) against a voucher; it stays Received until decided."""
    access_partner_acting_for(actor, partner.pk, action="submit a redemption request")
    kind = parsing.parse_name(kind, field="kind", max_length=10, required=False)
    if kind not in RequestKind.values:
        raise parsing.refuse("kind", f"a request is a SOW or a POE, not {kind!r}")
    template_id = parsing.parse_name(template_id, field="template id", max_length=40)
    document_hash = _parse_document_hash(document_hash)
    signature_list = parsing.parse_list(
        signatures, field="signatures", item=_parse_signature, max_items=10, unique=False
    )
    parties = [s.party for s in signature_list]
    if any(p not in SignatureParty.values for p in parties) or len(parties) != len(set(parties)):
        raise parsing.refuse("signatures", "each of the customer and the partner signs at most once")
    if any(not s.name.strip() for s in signature_list):
        raise parsing.refuse("signatures", "a signature needs the signer's name")
    voucher = voucher_lock(voucher_id=voucher.pk)
    _, spec = offer_spec(offer=voucher.offer)
    amount, users, per_workload = redemption_figures(
        kind=kind,
        value=value,
        users_deployed=users_deployed,
        workload_users=workload_users,
        workloads=spec.workloads,
    )
    now = dates.now()
    on = dates.local_date(now)
    if on < voucher.issue_date:
        raise InvalidInput(
            f"dates out of order: a request on {on} comes before the voucher's issue on {voucher.issue_date}"
        )
    policy = policy_for(voucher.offer.program)
    params = params_for(program_code=voucher.offer.program.code, on=on)
    facts = redemption_facts(
        voucher=voucher,
        partner=partner,
        kind=kind,
        on=on,
        template_id=template_id,
        signed_by=set(parties),
        params=params,
        value=amount,
        users_deployed=users,
        workload_users=per_workload,
    )
    evaluate_redemption("submit", facts)
    try:
        with transaction.atomic():
            request = RedemptionRequest.objects.create(
                voucher=voucher,
                kind=kind,
                partner=partner,
                submitted_at=now,
                submitted_on=on,
                submitted_by=actor,
                value=amount,
                users_deployed=users,
                workload_users=per_workload,
                template_id=template_id,
                document_hash=document_hash,
                sla_due_on=sla_due(submitted_on=on, params=params, policy=policy),
            )
    except IntegrityError as exc:
        raise RuleViolation(
            [fail(policy.one_open_request_rule, f"a {kind} for this voucher is already received or approved")]
        ) from exc
    Signature.objects.bulk_create(
        [
            Signature(
                request=request,
                party=s.party,
                name=s.name,
                role=s.role,
                signed_at=now,
                document_hash=document_hash,
                signed_by=s.user,
            )
            for s in signature_list
        ]
    )
    voucher_bind_partner(voucher=voucher, partner=partner)  # FY24: bound at the first redemption (MWS-NOM-04)
    if voucher.status == VoucherStatus.OPEN:
        voucher_set_status(voucher=voucher, new=VoucherStatus.REDEEMING)
    audit_record(
        actor=actor,
        action="redemption.submit",
        target=request,
        data={
            "kind": kind,
            "voucher": voucher.code,
            "partner": partner.name,
            "value": str(amount),
            "users_deployed": users,
            "workload_users": per_workload,
            "sla_due_on": request.sla_due_on,
        },
    )
    request_event(request, WebhookEvent.REQUEST_SUBMITTED)
    return request
