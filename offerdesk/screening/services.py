"""Screening the whole customer base, and nominating from a screening line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from offerdesk.accounts.access import MICROSOFT_ROLES, access_require_role
from offerdesk.accounts.models import User
from offerdesk.audit.services import audit_record, audited_refusals
from offerdesk.catalogue.models import Offer
from offerdesk.catalogue.selectors import offer_spec, params_for
from offerdesk.core import dates, parsing
from offerdesk.core.errors import InvalidInput
from offerdesk.partners.models import Partner
from offerdesk.vouchers.models import Nomination
from offerdesk.vouchers.services import nomination_create

from .lock_objects import screening_line_lock
from .models import LINE_SPAN, Screening, ScreeningLine, ScreeningNomination, line_ids, lines_of
from .selectors import screening_candidates
from .sql import OfferInput, screening_sql


def screening_offers(raw: Any) -> list[Offer]:
    """The offers to screen: every offer of the catalogue, or those of a list of codes or names."""
    offers = list(Offer.objects.select_related("program").order_by("program__code", "code"))
    if raw is None or (isinstance(raw, list | tuple) and not raw):
        return offers
    known = {o.code: o for o in offers} | {o.name: o for o in offers}
    wanted = parsing.parse_choices(raw, field="offer", choices=sorted(known))
    picked = {known[name].pk for name in wanted}
    return [o for o in offers if o.pk in picked]


# The statement's own settings on PostgreSQL (ADR 15, second addendum): the generated expression is long and
# evaluated once per customer, and on an idle machine JIT compiling it won ≈ 2 s at a million customers, compile
# time included (the first addendum's "off" was measured on a loaded machine, within its noise); on, whatever
# the server's default. The commit stays synchronous: the screening's audit event commits with its lines.
STATEMENT_SETTINGS = {"jit": "on"}
LINE_ID_MAX = 2**63 - 1  # a line's id is a bigint (models.LINE_SPAN)


@audited_refusals("screening.run")
@transaction.atomic
def screening_run(*, actor: User | None, on: dt.date | str | None = None, offers: Any = None) -> Screening:
    """Evaluate every customer against the offers as if a voucher were issued on `on` (default today), in one
    INSERT … SELECT of one line per customer: under each offer, candidates with their highest voucher value and
    variant, the rest with the rule IDs that keep them out — what `offers_quote` says of each customer (ADR 15)."""
    access_require_role(actor, MICROSOFT_ROLES, action="screen the customer base")
    day = dates.today() if on is None else parsing.parse_date(on, field="on")
    chosen = screening_offers(offers)
    screening = Screening.objects.create(on=day, offers=[o.code for o in chosen], created_by=actor)
    inputs = []
    for offer in chosen:
        program, spec = offer_spec(offer=offer)
        inputs.append(OfferInput(offer.pk, program, spec, params_for(program_code=program.code, on=day)))
    q, select, orders = screening_sql(connection, inputs, day)
    table = ScreeningLine._meta.db_table
    sql = (
        f"{q.with_clause()}\nINSERT INTO {table} (id, screening_id, customer_id, failing, caps, variants) "
        f"SELECT {int(screening.pk) * LINE_SPAN} + customer_id, {int(screening.pk)}, customer_id, failing, caps, "
        f"variants FROM ({select}) lines"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, value in STATEMENT_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])  # SET LOCAL
        cursor.execute(sql, q.params)
        customers = cursor.rowcount  # SQLite's driver does not count a statement that starts WITH
    if customers < 0:
        customers = lines_of(screening).count()
    codes = {o.pk: o.code for o in chosen}
    screening.customers, screening.candidates = customers, screening_candidates(screening=screening)
    screening.rule_order = {codes[offer_id]: order for offer_id, order in orders.items()}
    screening.save(update_fields=["customers", "candidates", "rule_order"])
    audit_record(
        actor=actor,
        action="screening.run",
        target=screening,
        data={
            "on": day.isoformat(),
            "offers": screening.offers,
            "customers": customers,
            "candidates": screening.candidates,
        },
    )
    return screening


@audited_refusals("screening.nominate")
@transaction.atomic
def screening_line_nominate(
    *, actor: User | None, line_id: int, offer_code: str, partner: Partner | None = None
) -> Nomination:
    """Nominate the line's customer for one of its screening's offers (by code) through the nomination service
    (which checks the rules again on today's facts); the screening remembers the nomination, and a line is
    nominated from only once per offer."""
    access_require_role(actor, MICROSOFT_ROLES, action="nominate customers")
    line = screening_line_lock(line_id=parsing.parse_whole(line_id, field="line", maximum=LINE_ID_MAX))
    code = parsing.parse_choice(offer_code, field="offer_code", choices=line.screening.offers)
    made = ScreeningNomination.objects.filter(line=line, offer__code=code).first()
    if made is not None:
        raise InvalidInput(f"line: a nomination was already made from this line for {code} (#{made.nomination_id})")
    chosen = Offer.objects.select_related("program").get(code=code)
    nomination = nomination_create(actor=actor, customer=line.customer, offer=chosen, partner=partner)
    ScreeningNomination.objects.create(screening_id=line.screening_id, line=line, offer=chosen, nomination=nomination)
    audit_record(
        actor=actor,
        action="screening.nominate",
        target=nomination,
        data={"screening": line.screening_id, "line": line.pk, "offer": code, "tpid": line.customer.tpid},
    )
    return nomination


def screening_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete screenings made more than OFFERDESK_SCREENINGS_KEEP_DAYS ago, with their lines (a million customers'
    screening is a million lines). A nomination made from a line stays: it is the vouchers' record, not the
    screening's. A few statements whatever the size: the lines go in one DELETE over their key ranges (the lines'
    one index is their id, screening × 2³² + customer: the old screenings' ranges come first), never read one by
    one; then Django deletes the screenings with their few nominations."""
    now = dates.now() if now is None else now
    before = now - dt.timedelta(days=settings.OFFERDESK_SCREENINGS_KEEP_DAYS)
    old = list(Screening.objects.filter(created_at__lt=before).values_list("pk", flat=True))
    if not old:
        return {"screenings": 0, "screening_lines": 0}
    with transaction.atomic(savepoint=False):  # both or neither
        in_range = Q(pk__gte=line_ids(min(old))[0], pk__lte=line_ids(max(old))[1])
        lines, _ = ScreeningLine.objects.filter(in_range, screening_id__in=old).delete()
        _, deleted = Screening.objects.filter(pk__in=old).delete()
    return {"screenings": deleted.get(Screening._meta.label, 0), "screening_lines": lines}
