"""What each kind of import file holds: its columns, each read by the services' own parsers (core/parsing,
OD-IN-01), its natural key, and how a checked row is written.

A row is parsed cell by cell, every refusal kept with its column; a kind's `check` adds the checks across cells.
Writing is by natural key (TPID, partner name, …): a row equal to what is stored changes nothing, so the same
file imported twice changes nothing the second time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from offerdesk.accounts.models import User
from offerdesk.catalogue.loader import get_catalogue
from offerdesk.catalogue.selectors import catalogue_skus, catalogue_workloads, offer_get
from offerdesk.core import parsing
from offerdesk.core.errors import DomainError
from offerdesk.customers.choices import Sector, Segment
from offerdesk.customers.models import CompanyGroup, Customer, PriorLicence, SeatLicence, WorkloadUsage
from offerdesk.partners.choices import FrpStatus
from offerdesk.partners.models import Partner
from offerdesk.payouts.models import ExchangeRate
from offerdesk.payouts.services import exchange_rate_parse, exchange_rate_set
from offerdesk.vouchers.choices import NominationStatus
from offerdesk.vouchers.models import Deal, Nomination
from offerdesk.vouchers.services import deal_record, nomination_create

from .reading import Problem

_DECIMAL_COMMA = re.compile(r"\s*-?[0-9]+,[0-9]{1,2}\s*%?\s*")  # `0,5`, `12,75 %`: never thousands
USAGE_PREFIX = "usage: "  # a customers file's `usage: Teams` column holds the share of that workload
RULE = f"({parsing.RULE})"
# An enum's `.values` is rebuilt on every read: read once, not once a cell
SECTORS, SEGMENTS, FRP_STATUSES = frozenset(Sector.values), frozenset(Segment.values), frozenset(FrpStatus.values)
Reader = Callable[[str, str], Any]  # (raw text, column) -> the parsed value, or InvalidInput


def _flag(raw: str, column: str) -> bool:
    """A yes/no cell: true/false, yes/no, 1/0 (any case); empty reads as no."""
    text = raw.strip().lower()
    if text in ("true", "yes", "1"):
        return parsing.parse_bool(True, field=column)
    if text in ("false", "no", "0", ""):
        return parsing.parse_bool(False, field=column)
    raise parsing.refuse(column, f"must be true or false (yes/no, 1/0), not {parsing.shown(raw)}")


def _name(max_length: int, *, required: bool = True) -> Reader:
    return lambda raw, column: parsing.parse_name(raw, field=column, max_length=max_length, required=required)


def _choice(choices: Callable[[], Iterable[str]]) -> Reader:
    return lambda raw, column: parsing.parse_choice(raw, field=column, choices=frozenset(choices()))


def _optional_choice(choices: Callable[[], Iterable[str]]) -> Reader:
    def read(raw: str, column: str) -> str:
        return "" if not raw.strip() else parsing.parse_choice(raw, field=column, choices=frozenset(choices()))

    return read


def _whole(raw: str, column: str) -> int:
    return parsing.parse_whole(raw, field=column)


def _optional_whole(raw: str, column: str) -> int | None:
    return None if not raw.strip() else parsing.parse_whole(raw, field=column)


def _decimal_comma(read: Reader) -> Reader:
    """A number refused for a comma where the decimal point belongs (`0,5`) says so."""

    def reading(raw: str, column: str) -> Any:
        try:
            return read(raw, column)
        except DomainError:
            if _DECIMAL_COMMA.fullmatch(raw):
                point = raw.strip().replace(",", ".")
                raise parsing.refuse(
                    column, f"a comma where a decimal point belongs: {parsing.shown(raw)}; write {point!r}"
                ) from None
            raise

    return reading


@_decimal_comma
def _share(raw: str, column: str) -> Decimal | None:
    places = WorkloadUsage._meta.get_field("mau").decimal_places
    return None if not raw.strip() else parsing.parse_share(raw, field=column, places=places)


def _date(raw: str, column: str) -> dt.date:
    return parsing.parse_date(raw, field=column)


@_decimal_comma
def _money(raw: str, column: str) -> Decimal:
    return parsing.parse_money(raw, field=column)


def _email(raw: str, column: str) -> str:
    return parsing.parse_optional_email(raw, field=column)


def _items(raw: str, column: str) -> list[str]:
    """A list in one cell, its items separated by `;` (a comma separates thousands in amounts)."""
    item = partial(parsing.parse_name, max_length=80, required=False)
    return [v for v in parsing.parse_list(raw.split(";"), field=column, item=item) if v]


def _offer(raw: str, column: str) -> str:
    return parsing.parse_choice(raw, field=column, choices=frozenset(offer_choices()))


def offer_choices() -> list[str]:
    """An offer as a file may name it: its code or its name."""
    catalogue = get_catalogue()
    return [*catalogue.offers_by_code, *(spec.name for _, spec in catalogue.offers_by_code.values())]


@dataclass(frozen=True)
class Column:
    """One column of a kind of file: its header, how a cell is read, and whether the header must have it."""

    name: str
    read: Reader
    required: bool = True


@dataclass
class Counts:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            **self.extra,
        }

    def count(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


Row = tuple[int, dict[str, Any]]  # (line, parsed values by column)
Applier = Callable[[list[Row], User | None, "Counts", list[Problem]], None]
Check = Callable[[dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class Kind:
    """A kind of import: its columns, its natural key, its own checks across cells and how rows are written."""

    name: str
    about: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    apply: Applier
    check: Check | None = None
    dynamic: Callable[[str], Column | None] | None = None  # columns named by the data, e.g. `usage: Teams`
    together: tuple[str, ...] = ()  # columns a header has all of or none of

    def column(self, header: str) -> Column | None:
        """The column a header names, or None if this kind has no such column."""
        for column in self.columns:
            if column.name == header:
                return column
        return self.dynamic(header) if self.dynamic else None

    def layout(self, header: list[str]) -> tuple[list[Column | None], list[Problem]]:
        """Each header cell's column, and the header's problems: an unknown, missing or doubled column."""
        problems: list[Problem] = []
        names = [h.strip() for h in header]
        layout: list[Column | None] = []
        for index, name in enumerate(names):
            column = self.column(name)
            if column is None:
                known = ", ".join(c.name for c in self.columns)
                extra = f", {USAGE_PREFIX}<workload>" if self.dynamic else ""
                problems.append(
                    Problem(
                        1,
                        name,
                        f"{self.name} files have no column {parsing.shown(name)} (known: {known}{extra}) {RULE}",
                    )
                )
            elif name in names[:index]:
                problems.append(Problem(1, name, f"the column {name!r} appears twice in the header {RULE}"))
            layout.append(column)
        missing = [c.name for c in self.columns if c.required and c.name not in names]
        if missing:
            problems.append(Problem(1, "", f"the header lacks the column(s) {', '.join(missing)} {RULE}"))
        partial_group = [c for c in self.together if c not in names]
        if self.together and 0 < len(partial_group) < len(self.together):
            together = ", ".join(self.together)
            problems.append(
                Problem(1, "", f"the header has all of {together} or none; it lacks {', '.join(partial_group)}")
            )
        return layout, problems

    def parse(self, line: int, cells: list[str], layout: list[Column | None]) -> tuple[dict[str, Any], list[Problem]]:
        """One row's values by column, or its problems (each cell read by its column's parser)."""
        if len(cells) != len(layout):
            cells = cells + [""] * (len(layout) - len(cells)) if len(cells) < len(layout) else cells
            if len(cells) > len(layout) and any(c.strip() for c in cells[len(layout) :]):
                return {}, [Problem(line, "", f"has {len(cells)} cells; the header names {len(layout)} {RULE}")]
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for column, raw in zip(layout, cells, strict=False):
            if column is None:
                continue
            try:
                values[column.name] = column.read(raw, column.name)
            except DomainError as error:
                problems.append(Problem(line, column.name, error.message))
        if not problems and self.check:
            problems = [Problem(line, c, m) for c, m in self.check(values)]
        return values, problems

    def key_of(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The row's natural key (lists as sorted tuples, so that the key can be compared and hashed)."""
        return tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in (values.get(k) for k in self.key))


# --------------------------------------------------------------------------------------- lookups by key


def customers_by_tpid(tpids: Iterable[str]) -> dict[str, Customer]:
    """The stored customers among these TPIDs."""
    wanted = set(tpids)
    return {c.tpid: c for c in Customer.objects.filter(tpid__in=wanted)} if wanted else {}


def unknown(line: int, column: str, what: str, value: str) -> Problem:
    return Problem(line, column, f"{column}: no {what} {parsing.shown(value)} is stored ({parsing.RULE})")


def duplicate(line: int, column: str, first: int) -> Problem:
    """A row whose natural key an earlier row of the file has already used."""
    return Problem(line, column, f"{column}: the same key as line {first}; a file names each row once ({parsing.RULE})")


def _with_customers(rows: list[Row], problems: list[Problem]) -> list[tuple[int, dict[str, Any], Customer]]:
    found = customers_by_tpid(values["tpid"] for _, values in rows)
    known = []
    for line, values in rows:
        customer = found.get(values["tpid"])
        if customer is None:
            problems.append(unknown(line, "tpid", "customer with the TPID", values["tpid"]))
        else:
            known.append((line, values, customer))
    return known


def groups_by_name(names: Iterable[str]) -> dict[str, CompanyGroup]:
    wanted = {n for n in names if n}
    return {g.name: g for g in CompanyGroup.objects.filter(name__in=wanted)} if wanted else {}


def upsert_many(model: Any, rows: list[tuple[dict[str, Any], dict[str, Any]]], *, counts: Counts) -> list[Any]:
    """Rows by natural key (each a lookup and its values): created in bulk when new, saved where they differ,
    left be where equal; counted. The lookups of one call share their field names."""
    if not rows:
        return []
    names = list(rows[0][0])
    first = names[0]
    stored = {
        tuple(getattr(r, n) for n in names): r
        for r in model.objects.filter(**{f"{first}__in": {lookup[first] for lookup, _ in rows}})
    }
    result, new = [], []
    for lookup, values in rows:
        row = stored.get(tuple(lookup[n] for n in names))
        if row is None:
            row = model(**lookup, **values)
            new.append(row)
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            for name in changed:
                setattr(row, name, values[name])
            if changed:
                row.save(update_fields=[*changed, "updated_at"])
            counts.count("updated" if changed else "unchanged")
        result.append(row)
    model.objects.bulk_create(new, batch_size=1000)
    counts.count("created", len(new))
    return result


# ------------------------------------------------------------------------------------------ customers

SEAT_COLUMNS = ("sku", "paid", "in_use")
CUSTOMER_FIELDS = ("name", "sector", "segment", "country", "ecif_funded")


def _usage_column(header: str) -> Column | None:
    if not header.startswith(USAGE_PREFIX):
        return None
    workload = header[len(USAGE_PREFIX) :].strip()
    return Column(header, _share, required=False) if workload in catalogue_workloads() else None


def usage_workload(column: str) -> str:
    return column[len(USAGE_PREFIX) :].strip()


def seat_check(values: dict[str, Any]) -> list[tuple[str, str]]:
    """A seat licence needs all three of sku, paid and in_use, and no more in use than paid (the header has all
    three columns or none)."""
    if "paid" not in values:
        return []
    given = {name: values[name] not in (None, "") for name in SEAT_COLUMNS}
    if not any(given.values()):
        return []
    missing = [name for name, present in given.items() if not present]
    if missing:
        return [
            (name, parsing.refuse(name, "is required with a seat licence's other cells").message) for name in missing
        ]
    if values["in_use"] > values["paid"]:
        reason = f"{values['in_use']:,} in use is more than the {values['paid']:,} paid"
        return [("in_use", parsing.refuse("in_use", reason).message)]
    return []


def _apply_customers(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    """Customers by TPID, with the row's seat licence and usage shares (the batched path: SQLite, and the
    reference the set-based path is tested against)."""
    groups = groups_by_name(values.get("company_group") or "" for _, values in rows)
    for line, values in rows:
        name = values.get("company_group")
        if name and name not in groups:
            problems.append(unknown(line, "company_group", "company group named", name))
    if problems:
        return
    people = []
    for _line, values in rows:
        fields: dict[str, Any] = {k: values[k] for k in CUSTOMER_FIELDS if k in values}
        if "company_group" in values:
            fields["company_group"] = groups.get(values["company_group"])
        people.append(({"tpid": values["tpid"]}, fields))
    customers = upsert_many(Customer, people, counts=counts)
    seats, usage = Counts(), Counts()
    upsert_many(
        SeatLicence,
        [
            ({"customer_id": c.pk, "sku": v["sku"]}, {"paid": v["paid"], "in_use": v["in_use"]})
            for c, (_, v) in zip(customers, rows, strict=True)
            if v.get("sku")
        ],
        counts=seats,
    )
    upsert_many(
        WorkloadUsage,
        [
            ({"customer_id": c.pk, "workload": usage_workload(column)}, {"mau": share})
            for c, (_, v) in zip(customers, rows, strict=True)
            for column, share in v.items()
            if column.startswith(USAGE_PREFIX) and share is not None
        ],
        counts=usage,
    )
    for what, done in (("seats", seats), ("usage", usage)):
        for outcome in ("created", "updated"):
            counts.extra[f"{what}_{outcome}"] = counts.extra.get(f"{what}_{outcome}", 0) + getattr(done, outcome)


CUSTOMERS = Kind(
    name="customers",
    about="customers by TPID: tpid, name, sector, segment, country, company_group, ecif_funded; optionally one "
    "seat licence (sku, paid, in_use) and usage shares (usage: <workload>)",
    columns=(
        Column("tpid", _name(40)),
        Column("name", _name(200)),
        Column("sector", _choice(lambda: SECTORS)),
        Column("segment", _choice(lambda: SEGMENTS)),
        Column("country", lambda raw, column: parsing.parse_country(raw, field=column)),
        Column("company_group", _name(200, required=False), required=False),
        Column("ecif_funded", _flag, required=False),
        Column("sku", _optional_choice(catalogue_skus), required=False),
        Column("paid", _optional_whole, required=False),
        Column("in_use", _optional_whole, required=False),
    ),
    key=("tpid",),
    apply=_apply_customers,
    check=seat_check,
    dynamic=_usage_column,
    together=SEAT_COLUMNS,
)


# --------------------------------------------------------------------------- seats, usage, prior licences


def _per_customer(model: Any, *, key: tuple[str, ...], values: tuple[str, ...]) -> Applier:
    """Rows of a customer's table (seats, usage, prior licences) by TPID and the rest of their key."""

    def apply(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
        known = _with_customers(rows, problems)
        if not problems:
            upsert_many(
                model,
                [
                    ({"customer_id": c.pk, **{k: v[k] for k in key}}, {name: v[name] for name in values})
                    for _, v, c in known
                ],
                counts=counts,
            )

    return apply


def _required_share(raw: str, column: str) -> Decimal:
    share = _share(raw, column)
    if share is None:
        raise parsing.refuse(column, "is required")
    return share


SEATS = Kind(
    name="seats",
    about="seat licences: tpid, sku, paid, in_use",
    columns=(
        Column("tpid", _name(40)),
        Column("sku", _choice(catalogue_skus)),
        Column("paid", _whole),
        Column("in_use", _whole),
    ),
    key=("tpid", "sku"),
    apply=_per_customer(SeatLicence, key=("sku",), values=("paid", "in_use")),
    check=seat_check,
)
USAGE = Kind(
    name="usage",
    about="monthly active usage: tpid, workload, mau (a share: 59.9% or 0.599)",
    columns=(
        Column("tpid", _name(40)),
        Column("workload", _choice(catalogue_workloads)),
        Column("mau", _required_share),
    ),
    key=("tpid", "workload"),
    apply=_per_customer(WorkloadUsage, key=("workload",), values=("mau",)),
)
PRIOR_LICENCES = Kind(
    name="prior-licences",
    about="licences owned on a date: tpid, sku, quantity, as_of (YYYY-MM-DD)",
    columns=(
        Column("tpid", _name(40)),
        Column("sku", _choice(catalogue_skus)),
        Column("quantity", _whole),
        Column("as_of", _date),
    ),
    key=("tpid", "sku", "as_of"),
    apply=_per_customer(PriorLicence, key=("sku", "as_of"), values=("quantity",)),
)


# --------------------------------------------------------------------------- partners and company groups


def _apply_groups(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    existing = groups_by_name(values["name"] for _, values in rows)
    for _line, values in rows:
        if values["name"] in existing:
            counts.count("unchanged")
        else:
            counts.count("created")
            CompanyGroup.objects.create(name=values["name"])


def _apply_partners(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    groups = groups_by_name(values.get("company_group") or "" for _, values in rows)
    for line, values in rows:
        name = values.get("company_group")
        if name and name not in groups:
            problems.append(unknown(line, "company_group", "company group named", name))
    if problems:
        return
    upsert_many(
        Partner,
        [({"name": v["name"]}, _partner_fields(v, groups)) for _, v in rows],
        counts=counts,
    )


def _partner_fields(values: dict[str, Any], groups: dict[str, CompanyGroup]) -> dict[str, Any]:
    fields = {k: v for k, v in values.items() if k not in ("name", "company_group")}
    if "company_group" in values:
        fields["company_group"] = groups.get(values["company_group"])
    return fields


COMPANY_GROUPS = Kind(
    name="company-groups",
    about="company groups: name",
    columns=(Column("name", _name(200)),),
    key=("name",),
    apply=_apply_groups,
)
PARTNERS = Kind(
    name="partners",
    about="FastTrack Ready Partners by name: name, company_group, primary_contact, program_manager, "
    "payout_currency, payment_profile, country, frp_status",
    columns=(
        Column("name", _name(200)),
        Column("company_group", _name(200, required=False), required=False),
        Column("primary_contact", _email, required=False),
        Column("program_manager", _email, required=False),
        Column("payout_currency", lambda raw, column: parsing.parse_currency(raw or "USD", field=column), False),
        Column("payment_profile", _name(80, required=False), required=False),
        Column("country", lambda raw, column: parsing.parse_optional_country(raw, field=column), required=False),
        Column("frp_status", _choice(lambda: FRP_STATUSES), required=False),
    ),
    key=("name",),
    apply=_apply_partners,
)


# --------------------------------------------------------------------- nominations, deals, exchange rates


def _service_row(line: int, call: Callable[[], Any], problems: list[Problem], columns: Iterable[str]) -> bool:
    """Run one service call for a row in a savepoint: its refusal becomes the row's problem."""
    try:
        with transaction.atomic():
            call()
    except DomainError as error:
        column = next((c for c in columns if error.message.startswith(f"{c}:")), "")
        problems.append(Problem(line, column, error.message))
        return False
    return True


def _apply_nominations(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    """Nominations through `nomination_create` (its rules, its audit, its referral): one active per offer."""
    partners = {p.name: p for p in Partner.objects.filter(name__in={v.get("partner") for _, v in rows} - {""})}
    for line, values, customer in _with_customers(rows, problems):
        offer = offer_get(name_or_code=values["offer"])
        partner_name = values.get("partner") or ""
        partner = partners.get(partner_name)
        if partner_name and partner is None:
            problems.append(unknown(line, "partner", "partner named", partner_name))
            continue
        active = Nomination.objects.filter(customer=customer, offer=offer, status=NominationStatus.ACTIVE).first()
        if active is not None and active.partner_id == (partner.pk if partner else None):
            counts.count("unchanged")
            continue
        call = partial(nomination_create, actor=actor, customer=customer, offer=offer, partner=partner)
        if _service_row(line, call, problems, ("offer", "partner")):
            counts.count("created")


def _apply_deals(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    """Deals through `deal_record`; a deal equal to a recorded one (customer, close date, value, workloads) is
    the same deal."""
    for line, values, customer in _with_customers(rows, problems):
        same = Deal.objects.filter(customer=customer, close_date=values["close_date"], value=values["value"])
        if any(sorted(d.workloads) == sorted(values["workloads"]) for d in same):
            counts.count("unchanged")
            continue
        call = partial(
            deal_record,
            actor=actor,
            customer=customer,
            value=values["value"],
            close_date=values["close_date"],
            workloads=values["workloads"],
            migration=values.get("migration", ()),
            upsell_attested=values.get("upsell_attested", True),
        )
        if _service_row(line, call, problems, ("value", "close_date", "workloads", "migration")):
            counts.count("created")


def _rate(raw: str, column: str) -> Decimal:
    """A rate read as `exchange_rate_set` reads it (its own parser), named by its column."""
    try:
        return exchange_rate_parse(currency="USD", rate=raw, effective_from=parsing.FIRST_DAY)[1]
    except DomainError as error:
        raise parsing.refuse(column, error.message) from None


def _apply_rates(rows: list[Row], actor: User | None, counts: Counts, problems: list[Problem]) -> None:
    """Rates through `exchange_rate_set` (append-only): a rate equal to the one in effect from that date is
    not entered again."""
    for line, values in rows:
        latest = (
            ExchangeRate.objects.filter(currency=values["currency"], effective_from=values["effective_from"])
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None and latest.rate == values["rate"]:
            counts.count("unchanged")
            continue
        call = partial(
            exchange_rate_set,
            actor=actor,
            currency=values["currency"],
            rate=values["rate"],
            effective_from=values["effective_from"],
        )
        if _service_row(line, call, problems, ("currency", "rate", "effective_from")):
            counts.count("created")


NOMINATIONS = Kind(
    name="nominations",
    about="nominations: tpid, offer (code or name), partner (CSO: the mapped partner)",
    columns=(
        Column("tpid", _name(40)),
        Column("offer", _offer),
        Column("partner", _name(200, required=False), required=False),
    ),
    key=("tpid", "offer"),
    apply=_apply_nominations,
)
DEALS = Kind(
    name="deals",
    about="deals: tpid, value (USD), close_date, workloads (separated by ;), migration, upsell_attested",
    columns=(
        Column("tpid", _name(40)),
        Column("value", _money),
        Column("close_date", _date),
        Column("workloads", _items),
        Column("migration", _items, required=False),
        Column("upsell_attested", _flag, required=False),
    ),
    key=("tpid", "close_date", "value", "workloads"),
    apply=_apply_deals,
)
EXCHANGE_RATES = Kind(
    name="exchange-rates",
    about="exchange rates: currency, rate (units per USD), effective_from",
    columns=(
        Column("currency", lambda raw, column: parsing.parse_currency(raw, field=column)),
        Column("rate", _rate),
        Column("effective_from", _date),
    ),
    key=("currency", "effective_from"),
    apply=_apply_rates,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        CUSTOMERS,
        SEATS,
        USAGE,
        PRIOR_LICENCES,
        COMPANY_GROUPS,
        PARTNERS,
        NOMINATIONS,
        DEALS,
        EXCHANGE_RATES,
    )
}
