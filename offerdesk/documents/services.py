"""SOW and POE documents: prepared from the program template, signed by each party, sealed, submitted;
or uploaded, signed outside OfferDesk. Every write is keyword-only, atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_ipv46_address
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from offerdesk.accounts.access import access_document_scope, access_partner_acting_for
from offerdesk.accounts.choices import Role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.policies import policy_for
from offerdesk.catalogue.rules import evaluate_redemption
from offerdesk.catalogue.rules.facts import fail
from offerdesk.catalogue.selectors import document_template, offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, RuleViolation
from offerdesk.core.transitions import transition_apply
from offerdesk.notifications.choices import NoticeKind
from offerdesk.notifications.services import notice_queue, outbox_deliver_on_commit
from offerdesk.partners.models import Partner
from offerdesk.redemptions.choices import RequestKind, SignatureParty
from offerdesk.redemptions.models import RedemptionRequest
from offerdesk.redemptions.services import (
    SignatureInput,
    redemption_facts,
    redemption_figures,
    redemption_submit,
    redemption_template_id,
)
from offerdesk.vouchers.lock_objects import voucher_lock
from offerdesk.vouchers.models import Voucher
from offerdesk.vouchers.notices import customer_addresses, voucher_context

from . import generation, reading, sealing
from .choices import DOCUMENT_TRANSITIONS, LIVE_DOCUMENT_STATUSES, DocumentOrigin, DocumentStatus, SignatureMethod
from .lock_objects import document_lock
from .models import Document, DocumentSignature, document_storage, new_document_key

# Who signs at which step: the partner first, then the customer, whose signature seals the document.
SIGNING_STEP: dict[str, tuple[str, str]] = {
    SignatureParty.PARTNER: (DocumentStatus.AWAITING_PARTNER, DocumentStatus.AWAITING_CUSTOMER),
    SignatureParty.CUSTOMER: (DocumentStatus.AWAITING_CUSTOMER, DocumentStatus.SEALED),
}
USER_AGENT_LENGTH = 500
# Who checks a file someone sent (document_verify): the review desk, the operators, finance and the auditors (a
# seller or an FPM reads documents only through the requests it may see). The portal and the API ask it.
VERIFY_ROLES = frozenset({Role.OPERATOR, Role.REVIEWER, Role.FINANCE, Role.AUDITOR})


def sha256_of(data: bytes) -> str:
    """The hex SHA-256 of a file's exact bytes."""
    return hashlib.sha256(data).hexdigest()


def document_link(document: Document) -> str:
    """Where the customer's contact reads and signs the document (the customer portal serves the path)."""
    return f"{settings.OFFERDESK_SITE_URL.rstrip('/')}/customer/documents/{document.key}/"


@contextmanager
def _stored(field: FieldFile, data: bytes) -> Iterator[None]:
    """Save a file under a random name; remove it again if the block that records it fails."""
    field.save("document.pdf", ContentFile(data), save=False)
    try:
        yield
    except BaseException:
        field.storage.delete(str(field.name))
        raise


def _parse_kind(raw: Any) -> str:
    kind = parsing.parse_name(raw, field="kind", max_length=10, required=False)
    if kind not in RequestKind.values:
        raise parsing.refuse("kind", f"a document is a SOW or a POE, not {parsing.shown(kind)}")
    return kind


def _require_visible(actor: User | None, document: Document) -> None:
    """Outside the actor's document scope, the document is not found (ADR 10)."""
    if actor is not None and not Document.objects.filter(access_document_scope(actor), pk=document.pk).exists():
        raise NotFound(f"no document {document.key}")


def _precheck(*, voucher: Voucher, partner: Partner, kind: str, figures: dict[str, Any]) -> None:
    """The submission rules as they would decide today, on the program template signed by both: a document
    that could never be submitted is refused before anyone signs it."""
    on = dates.today()
    facts = redemption_facts(
        voucher=voucher,
        partner=partner,
        kind=kind,
        on=on,
        template_id=redemption_template_id(voucher=voucher, kind=kind),
        signed_by={SignatureParty.CUSTOMER, SignatureParty.PARTNER},
        params=params_for(program_code=voucher.offer.program.code, on=on),
        **figures,
    )
    evaluate_redemption("submit", facts)


def _live_conflict(*, voucher: Voucher, kind: str) -> InvalidInput:
    live = Document.objects.filter(voucher=voucher, kind=kind, status__in=LIVE_DOCUMENT_STATUSES).first()
    which = f" (document {live.key}: {live.get_status_display().lower()})" if live else ""
    return InvalidInput(
        f"a {kind} for voucher {voucher.code} is already on its way{which}; decline it before preparing another"
    )


@audited_refusals("document.prepare")
@transaction.atomic
def document_prepare(
    *,
    actor: User | None,
    voucher: Voucher,
    partner: Partner,
    kind: str,
    value: Decimal | str | None = None,
    users_deployed: int | str | None = None,
    workload_users: Mapping[str, int | str] | None = None,
) -> Document:
    """Generate the program template for this voucher, pre-filled, for the partner and then the customer to sign."""
    access_partner_acting_for(actor, partner.pk, action="prepare a document")
    kind = _parse_kind(kind)
    voucher = voucher_lock(voucher_id=voucher.pk)
    _, spec = offer_spec(offer=voucher.offer)
    amount, users, per_workload = redemption_figures(
        kind=kind, value=value, users_deployed=users_deployed, workload_users=workload_users, workloads=spec.workloads
    )
    figures = {"value": amount, "users_deployed": users, "workload_users": per_workload}
    _precheck(voucher=voucher, partner=partner, kind=kind, figures=figures)
    template = document_template(offer=voucher.offer, kind=kind)
    key = new_document_key()
    pdf = generation.render_document(
        generation.DocumentFacts(
            template=template,
            document_key=key,
            program_name=voucher.offer.program.name,
            offer_name=voucher.offer.name,
            voucher_code=voucher.code,
            customer_name=voucher.customer.name,
            tpid=voucher.customer.tpid,
            partner_name=partner.name,
            face_value=voucher.face_value,
            issue_date=voucher.issue_date,
            expiry_date=voucher.expiry_date,
            prepared_on=dates.today(),
            value=amount,
            users_deployed=users,
            workload_users=per_workload,
        )
    )
    document = Document(
        key=key,
        voucher=voucher,
        partner=partner,
        kind=kind,
        template_id=template.id,
        template_version=template.version,
        value=amount,
        users_deployed=users,
        workload_users=per_workload,
        sha256=sha256_of(pdf),
        prepared_by=actor,
    )
    with _stored(document.file, pdf):
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError as exc:
            raise _live_conflict(voucher=voucher, kind=kind) from exc
        audit_record(
            actor=actor,
            action="document.prepare",
            target=document,
            data={
                "key": key,
                "kind": kind,
                "voucher": voucher.code,
                "partner": partner.name,
                "template": template.id,
                "version": template.version,
                "sha256": document.sha256,
                "value": str(amount),
                "users_deployed": users,
                "workload_users": per_workload,
            },
        )
    return document


def _parse_ip(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    text = parsing.parse_name(raw, field="ip", max_length=45)
    try:
        validate_ipv46_address(text)
    except ValidationError:
        raise parsing.refuse("ip", f"must be an IPv4 or IPv6 address, not {parsing.shown(text)}") from None
    return text


def _parse_sha256(raw: Any, *, field: str) -> str:
    text = parsing.parse_text(raw, field=field, max_length=64)
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise parsing.refuse(field, f"must be a SHA-256 in 64 lowercase hex digits, not {parsing.shown(text)}")
    return text


def _require_signer(actor: User | None, document: Document, party: str) -> User:
    """Each party's own user signs: a partner user of the document's partner, a customer user of its customer."""
    if actor is None:
        raise PermissionDenied("a signature needs the person who signs")
    own = (
        actor.role == Role.PARTNER and actor.partner_id == document.partner_id
        if party == SignatureParty.PARTNER
        else actor.role == Role.CUSTOMER and actor.customer_id == document.voucher.customer_id
    )
    if not own:
        raise PermissionDenied(f"only a user of the {party} signs for the {party}")
    return actor


def _context(document: Document, **extra: Any) -> dict[str, Any]:
    voucher = document.voucher
    return {
        **voucher_context(voucher),
        "partner_name": document.partner.name,
        "document_kind": document.get_kind_display(),
        "template_id": document.template_id,
        "document_key": document.key,
        **extra,
    }


def _notify_customer(document: Document, *, partner_signer: str) -> None:
    """The partner has signed: the customer's contacts get the link to read and sign."""
    contacts, _ = customer_addresses(document.voucher.customer)
    context = _context(document, partner_signer=partner_signer, link=document_link(document))
    notice_queue(kind=NoticeKind.DOCUMENT_TO_SIGN, to=contacts, context=context, target=document)
    outbox_deliver_on_commit()


def _notify_partner(document: Document, kind: NoticeKind, **extra: Any) -> None:
    """The customer has signed (the document is sealed) or declined: the partner's primary contact hears of it,
    the FPM in copy where the program copies it on every e-mail to the partner (CSO-NOT-01)."""
    partner = document.partner
    cc = [partner.program_manager] if policy_for(document.voucher.offer.program).copies_partner_manager else []
    notice_queue(kind=kind, to=[partner.primary_contact], cc=cc, context=_context(document, **extra), target=document)
    outbox_deliver_on_commit()


def _signer_lines(document: Document) -> list[generation.SignerLine]:
    return [
        generation.SignerLine(
            party=s.party,
            name=s.name,
            title=s.title,
            username=s.signed_by.username if s.signed_by else "",
            signed_at=timezone.localtime(s.signed_at).isoformat(timespec="seconds") if s.signed_at else "",
            ip_address=s.ip_address or "",
            user_agent=s.user_agent,
            shown_sha256=s.shown_sha256,
        )
        for s in document.signatures.select_related("signed_by").order_by("signed_at", "id")
    ]


def _seal(document: Document) -> None:
    """Add the signature page and seal the whole file under the document certificate."""
    with document.file.open("rb") as handle:
        shown = handle.read()
    with_page = generation.render_with_signature_page(
        shown,
        template_id=document.template_id,
        version=document.template_version,
        voucher_code=document.voucher.code,
        document_key=document.key,
        signers=_signer_lines(document),
    )
    sealed = sealing.seal(
        with_page, reason=f"{document.kind} {document.template_id} for voucher {document.voucher.code}"
    )
    document.sealed_file.save("sealed.pdf", ContentFile(sealed), save=False)
    document.sealed_sha256 = sha256_of(sealed)
    document.sealed_at = dates.now()


@audited_refusals("document.sign")
@transaction.atomic
def document_sign(
    *,
    actor: User | None,
    document: Document,
    party: str,
    name: str,
    title: str,
    ip: str | None,
    user_agent: str,
    shown_sha256: str,
) -> Document:
    """One party signs the document it was shown; the partner's signature sends the customer the link, the
    customer's adds the signature page and seals the PDF."""
    party = parsing.parse_choice(party, field="party", choices=SignatureParty.values)
    name = parsing.parse_name(name, field="name", max_length=200)
    title = parsing.parse_name(title, field="title", max_length=200)
    ip_address = _parse_ip(ip)
    agent = parsing.parse_text(user_agent or "", field="user agent", max_length=2000, required=False)[
        :USER_AGENT_LENGTH
    ]
    shown = _parse_sha256(shown_sha256, field="shown sha256")
    _require_visible(actor, document)
    document = document_lock(document=document)
    signer = _require_signer(actor, document, party)
    expected, new = SIGNING_STEP[party]
    if document.status != expected:
        raise IllegalTransition(f"the {party} cannot sign a document that is {document.get_status_display().lower()}")
    if shown != document.sha256:
        raise parsing.refuse(
            "shown sha256", "the document changed since it was shown (a stale hash); view it again and sign that"
        )
    DocumentSignature.objects.create(
        document=document,
        party=party,
        name=name,
        title=title,
        signed_by=signer,
        signed_at=dates.now(),
        ip_address=ip_address,
        user_agent=agent,
        shown_sha256=shown,
    )
    extra: list[str] = []
    if new == DocumentStatus.SEALED:
        _seal(document)
        extra = ["sealed_file", "sealed_sha256", "sealed_at"]
    transition_apply(document, DOCUMENT_TRANSITIONS, new, what="document", extra_fields=extra)
    if party == SignatureParty.PARTNER:
        _notify_customer(document, partner_signer=name)
    else:
        _notify_partner(document, NoticeKind.DOCUMENT_SIGNED, customer_signer=name)
    audit_record(
        actor=actor,
        action="document.sign",
        target=document,
        data={
            "key": document.key,
            "party": party,
            "name": name,
            "title": title,
            "ip": ip_address,
            "user_agent": agent,
            "shown_sha256": shown,
            "status": new,
            "sealed_sha256": document.sealed_sha256,
        },
    )
    return document


@audited_refusals("document.decline")
@transaction.atomic
def document_decline(*, actor: User | None, document: Document, reason: str) -> Document:
    """The customer declines to sign (with a reason), or the partner withdraws a document not yet submitted."""
    reason = parsing.parse_note(reason, field="reason")
    _require_visible(actor, document)
    document = document_lock(document=document)
    if actor is not None and actor.role == Role.CUSTOMER:
        _require_signer(actor, document, SignatureParty.CUSTOMER)
    else:
        access_partner_acting_for(actor, document.partner_id, action="withdraw a document")
    document.declined_reason = reason
    document.declined_by = actor
    document.declined_at = dates.now()
    transition_apply(
        document,
        DOCUMENT_TRANSITIONS,
        DocumentStatus.DECLINED,
        what="document",
        extra_fields=["declined_reason", "declined_by", "declined_at"],
    )
    if actor is not None and actor.role == Role.CUSTOMER:
        _notify_partner(document, NoticeKind.DOCUMENT_DECLINED, reason=reason, declined_by=actor.username)
    audit_record(actor=actor, action="document.decline", target=document, data={"key": document.key, "reason": reason})
    return document


def _signature_inputs(document: Document) -> list[SignatureInput]:
    return [
        SignatureInput(party=s.party, name=s.name, role=s.title, user=s.signed_by) for s in document.signatures.all()
    ]


@audited_refusals("document.submit")
@transaction.atomic
def document_submit(*, actor: User | None, document: Document) -> RedemptionRequest:
    """Submit the sealed document as the partner's SOW or POE request (the rule book decides, as for any request)."""
    _require_visible(actor, document)
    access_partner_acting_for(actor, document.partner_id, action="submit a document")
    document = document_lock(document=document)
    if document.status != DocumentStatus.SEALED:
        raise IllegalTransition(
            f"only a sealed document is submitted; this one is {document.get_status_display().lower()}"
        )
    request = redemption_submit(
        actor=actor,
        voucher=document.voucher,
        partner=document.partner,
        kind=document.kind,
        template_id=document.template_id,
        signatures=_signature_inputs(document),
        value=document.value,
        users_deployed=document.users_deployed,
        workload_users=document.workload_users,
        document_hash=document.sealed_sha256,
    )
    document.request = request
    transition_apply(
        document, DOCUMENT_TRANSITIONS, DocumentStatus.SUBMITTED, what="document", extra_fields=["request"]
    )
    audit_record(
        actor=actor,
        action="document.submit",
        target=document,
        data={"key": document.key, "request": request.pk, "sealed_sha256": document.sealed_sha256},
    )
    return request


# ------------------------------------------------------------------------------------------ uploads

_TEMPLATE_IN_TEXT = re.compile(r"Template ID:\s*([A-Z0-9][A-Z0-9.\-]{1,38}[A-Z0-9])")


def _read_back(content: reading.PdfContent) -> tuple[str, str]:
    """The template ID and the voucher code an uploaded file carries: its metadata, else its text."""
    template_id = content.info.get(generation.META_TEMPLATE_ID, "")
    voucher_code = content.info.get(generation.META_VOUCHER, "")
    if not template_id:
        found = _TEMPLATE_IN_TEXT.search(content.text)
        template_id = found.group(1) if found else ""
    return template_id, voucher_code


def _parse_declared(raw: Any) -> list[SignatureInput]:
    signers = parsing.parse_list(raw, field="signers", item=_parse_declared_one, max_items=2, unique=False)
    parties = [s.party for s in signers]
    if len(parties) != len(set(parties)):
        raise parsing.refuse("signers", "each of the customer and the partner is declared at most once")
    return signers


def _parse_declared_one(raw: Any, *, field: str) -> SignatureInput:
    if not isinstance(raw, SignatureInput):
        raise parsing.refuse(field, f"must be a declared signer (party, name, title), not {parsing.shown(raw)}")
    return SignatureInput(
        party=parsing.parse_choice(raw.party, field=f"{field} party", choices=SignatureParty.values),
        name=parsing.parse_name(raw.name, field=f"{field} name", max_length=200),
        role=parsing.parse_name(raw.role, field=f"{field} title", max_length=200, required=False),
    )


@audited_refusals("document.upload")
@transaction.atomic
def document_upload(
    *,
    actor: User | None,
    voucher: Voucher,
    partner: Partner,
    kind: str,
    data: bytes,
    signers: Iterable[SignatureInput],
    value: Decimal | str | None = None,
    users_deployed: int | str | None = None,
    workload_users: Mapping[str, int | str] | None = None,
) -> RedemptionRequest:
    """A SOW or POE signed outside OfferDesk: checked by its content, read back, compared with the voucher,
    its digital signatures verified for the reviewer, then submitted as the partner's request."""
    access_partner_acting_for(actor, partner.pk, action="upload a document")
    kind = _parse_kind(kind)
    declared = _parse_declared(signers)
    content = reading.pdf_read(data, field="file")
    data = bytes(data)
    voucher = voucher_lock(voucher_id=voucher.pk)
    template_id, voucher_code = _read_back(content)
    expected = redemption_template_id(voucher=voucher, kind=kind)
    rule = policy_for(voucher.offer.program).template_rule
    if template_id != expected:
        seen = f"it carries {template_id}" if template_id else "no template ID can be read from it"
        raise RuleViolation([fail(rule, f"only the program's {kind} template ({expected}) is accepted; {seen}")])
    if (voucher_code and voucher_code != voucher.code) or not (voucher_code or voucher.code in content.text):
        seen = (
            f"it is made out for voucher {voucher_code}" if voucher_code else "the voucher code cannot be read from it"
        )
        raise RuleViolation([fail(rule, f"the {kind} must be the program template for voucher {voucher.code}; {seen}")])
    try:
        checks = [c.as_dict() for c in sealing.check_signatures(data)]
    except Exception as error:
        checks = [{"field": "", "signer": "", "intact": False, "summary": f"the signatures cannot be read: {error}"}]
    template = document_template(offer=voucher.offer, kind=kind)
    digest = sha256_of(data)
    request = redemption_submit(
        actor=actor,
        voucher=voucher,
        partner=partner,
        kind=kind,
        template_id=template_id,
        signatures=declared,
        value=value,
        users_deployed=users_deployed,
        workload_users=workload_users,
        document_hash=digest,
    )
    document = Document(
        voucher=voucher,
        partner=partner,
        kind=kind,
        origin=DocumentOrigin.UPLOADED,
        status=DocumentStatus.SUBMITTED,
        template_id=template_id,
        template_version=content.info.get(generation.META_TEMPLATE_VERSION, "") or template.version,
        value=request.value,
        users_deployed=request.users_deployed,
        workload_users=request.workload_users,
        sha256=digest,
        prepared_by=actor,
        request=request,
        signature_check=checks,
    )
    with _stored(document.file, data):
        document.save()
        DocumentSignature.objects.bulk_create(
            [
                DocumentSignature(
                    document=document,
                    party=s.party,
                    method=SignatureMethod.DECLARED,
                    name=s.name,
                    title=s.role,
                    shown_sha256=digest,
                )
                for s in declared
            ]
        )
        audit_record(
            actor=actor,
            action="document.upload",
            target=document,
            data={
                "key": document.key,
                "kind": kind,
                "voucher": voucher.code,
                "request": request.pk,
                "sha256": digest,
                "bytes": len(data),
                "declared": [f"{s.party}: {s.name}" for s in declared],
                "digital_signatures": [f"{c['signer']}: {c['summary']}" for c in checks],
            },
        )
    return request


# ------------------------------------------------------------------------------------------ verifying


def document_verify(*, data: bytes) -> sealing.Verification:
    """Whether a file is an intact OfferDesk document, for which voucher and template, signed by whom.
    A file that cannot be read within the limits is not intact, with the reason."""
    try:
        content = reading.pdf_read(data, field="file")
    except InvalidInput as error:
        digest = sha256_of(bytes(data)) if isinstance(data, bytes | bytearray) else ""
        return sealing.Verification(intact=False, reason=error.message, sha256=digest)
    return sealing.verify_bytes(bytes(data), info=content.info)


# ------------------------------------------------------------------------------------------ housekeeping

FILES_FOLDER = "documents"  # models.document_file_name puts every stored PDF here


def document_files_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete stored PDFs that no document refers to — left by a transaction that saved its file and then rolled
    back, or by a process killed in between — once they are OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS old (a younger
    one may belong to a transaction still running). Reads the storage's listing and the documents' file names."""
    now = dates.now() if now is None else now
    before = now - dt.timedelta(hours=settings.OFFERDESK_DOCUMENT_ORPHANS_AFTER_HOURS)
    storage = document_storage()
    try:
        _, names = storage.listdir(FILES_FOLDER)
    except FileNotFoundError:  # nothing stored yet
        return {"document_files": 0, "document_orphans": 0}
    known = set(Document.objects.values_list("file", flat=True).iterator(chunk_size=10_000))
    known |= set(Document.objects.exclude(sealed_file="").values_list("sealed_file", flat=True).iterator(10_000))
    orphans = 0
    for name in names:
        path = f"{FILES_FOLDER}/{name}"
        if path in known or storage.get_modified_time(path) >= before:
            continue
        orphans += 1
        if not dry_run:
            storage.delete(path)
    return {"document_files": len(names), "document_orphans": orphans}
