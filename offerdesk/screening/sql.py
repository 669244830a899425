"""The screening's SQL: the offers' issue-stage rules as one set-based SELECT over the whole customer base, one
row per customer with every offer's result side by side.

Each builder mirrors one rule module (`catalogue/rules/cso.py`, `deployment.py` with `common.py`) and reads the
same catalogue data and parameters, so a rule changed in one place and not the other fails the equivalence test
(tests/test_equivalence.py) rather than a customer. Every offer's conditions go into the same SELECT, which has
five levels:

1. `facts`: one row per customer, every offer's joins (the FY24 offers share the latest deal, the E3 count and
   the vouchers held), and one column per distinct failing condition, computed once however many offers ask;
2. `caps`: each variant's cap in cents where none of its own conditions fails (FY24);
3. `qualifying`: per offer, whether any variant qualifies (FY24);
4. per offer, the failing rules as a bit mask in rule-ID order (0 for a candidate), its cap and its variant;
5. the line: the masks, the candidates' caps and variants as lists in the order of the offers.

On PostgreSQL each level is fenced (`OFFSET 0`) so the planner does not inline a condition into every place that
reads it. Literals from the catalogue (rule IDs, amounts, dates) are written into the text after a strict check;
everything else is a named parameter (one per distinct value)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from offerdesk.catalogue.loader import LoadedProgram
from offerdesk.catalogue.params import Params
from offerdesk.catalogue.schema import Band, Variant
from offerdesk.catalogue.schema import Offer as OfferSpec
from offerdesk.core.money import quantize

RULE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
MAX_RULES = 62  # bits of a BIGINT mask, sign aside
E3_SKU = "Microsoft 365 E3"  # the licence MWS-ELIG-04 counts (deployment.elig_04)
APPROVED_FRP = "approved"  # partners.choices.FrpStatus.APPROVED
ACTIVE_NOMINATION = "active"  # vouchers.choices.NominationStatus.ACTIVE
CANCELLED, EXPIRED = "cancelled", "expired"  # vouchers.choices.VoucherStatus


@dataclass(frozen=True)
class OfferInput:
    """One offer to screen: its row's id, the catalogue's description, its program and the parameters in force."""

    offer_id: int
    program: LoadedProgram
    spec: OfferSpec
    params: Params


class Query:
    """SQL being built for one database: named parameters, shared CTEs, joins and facts, and the vendor's
    spelling of a few things."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.params: dict[str, Any] = {}
        self.param_names: dict[tuple[str, Any], str] = {}
        self.ctes: dict[str, Callable[[], str]] = {}
        self.deal_tests: dict[tuple[str, tuple[str, ...]], str] = {}
        self.nomination_offers: dict[int, None] = {}  # the FY24 offers whose newest nomination is read
        self.joins: dict[Any, tuple[str, str]] = {}  # key -> (alias, LEFT JOIN …)
        self.facts: dict[str, str] = {}  # column -> SQL, in the facts level
        self.fact_names: dict[str, str] = {}  # SQL -> column

    # -- values
    def p(self, value: Any) -> str:
        """A named parameter; the same value (of the same type) is the same parameter, so that the same condition
        is the same text wherever an offer asks for it."""
        try:
            key: tuple[str, Any] | None = (type(value).__name__, value)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.param_names:
            return f"%({self.param_names[key]})s"
        name = f"p{len(self.params)}"
        self.params[name] = value
        if key is not None:
            self.param_names[key] = name
        return f"%({name})s"

    @staticmethod
    def rule(rule_id: str) -> str:
        if not RULE_ID.match(rule_id):
            raise ValueError(f"not a rule or variant ID: {rule_id!r}")
        return f"'{rule_id}'"

    @staticmethod
    def num(value: Decimal | int) -> str:
        return format(Decimal(value), "f")

    @staticmethod
    def cents(value: Decimal) -> str:
        """A voucher value as whole cents (a line stores caps in cents: exact on every database)."""
        return str(int(quantize(value) * 100))

    def day(self, value: dt.date) -> str:
        return f"DATE '{value.isoformat()}'" if self.postgres else f"'{value.isoformat()}'"

    def in_(self, column: str, values: Any) -> str:
        values = list(values)
        if not values:
            return "FALSE"
        return f"{column} IN ({', '.join(self.p(v) for v in values)})"

    # -- the vendor's spelling
    def greatest(self, exprs: list[str]) -> str:
        if len(exprs) == 1:
            return exprs[0]
        return f"{'GREATEST' if self.postgres else 'MAX'}({', '.join(exprs)})"

    def json_has_any(self, column: str, values: Any) -> str:
        """The JSON list in `column` holds at least one of `values`."""
        values = list(values)
        if not values:
            return "FALSE"
        if self.postgres:
            return f"jsonb_exists_any({column}, ARRAY[{', '.join(self.p(v) for v in values)}]::text[])"
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS j WHERE {self.in_('j.value', values)})"

    def json_nonempty(self, column: str) -> str:
        return f"{'jsonb_array_length' if self.postgres else 'json_array_length'}({column}) > 0"

    def local_date(self, column: str) -> str:
        """The calendar date of a stored moment in the program time zone (what `dates.local_date` gives)."""
        sql, params = self.connection.ops.datetime_cast_date_sql(column, (), timezone.get_current_timezone_name())
        pieces = sql.split("%s")
        assert len(pieces) == len(params) + 1
        return "".join(piece + (self.p(params[i]) if i < len(params) else "") for i, piece in enumerate(pieces))

    def newest(self, *, columns: str, table: str, where: str, per: str, order: str) -> str:
        """The newest row per `per` by `order`: DISTINCT ON on PostgreSQL (which also estimates it well), else
        ROW_NUMBER(); ties broken the way the selectors break them."""
        if self.postgres:
            return f"SELECT DISTINCT ON ({per}) {columns} FROM {table} WHERE {where} ORDER BY {per}, {order}"
        return (
            f"SELECT {columns} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY {per} ORDER BY {order}) AS rn "
            f"FROM {table} WHERE {where}) ranked WHERE rn = 1"
        )

    def array(self, items: list[str], of: str) -> str:
        """A line's list: a native array on PostgreSQL, a JSON array elsewhere (models.PerOffer)."""
        if self.postgres:
            return f"ARRAY[{', '.join(items)}]::{of}[]"
        return f"json_array({', '.join(items)})"

    def fence(self) -> str:
        return " OFFSET 0" if self.postgres else ""

    def cte(self, name: str, build: Callable[[], str]) -> str:
        """A common table expression shared by the offers, built once, when the query is complete."""
        self.ctes.setdefault(name, build)
        return name

    def with_clause(self) -> str:
        return "WITH " + ",\n".join(f"{name} AS ({build()})" for name, build in self.ctes.items()) if self.ctes else ""

    def join(self, key: Any, build: Callable[[str], str], *, alias: str | None = None) -> str:
        """A LEFT JOIN to the customer row (at most one row per customer), made once per key however many offers
        ask for it; its alias."""
        if key not in self.joins:
            name = alias or f"j{len(self.joins)}"
            self.joins[key] = (name, build(name))
        return self.joins[key][0]

    def fact(self, sql: str, *, name: str | None = None) -> str:
        """A column of the facts level, computed once per customer however many offers read it."""
        if sql not in self.fact_names:
            column = name or f"f{len(self.facts)}"
            self.facts[column] = sql
            self.fact_names[sql] = column
        return self.fact_names[sql]

    def deal_has_any(self, column: str, values: Any) -> str:
        """Whether the latest deal's JSON list `column` holds one of `values`: computed once per deal in the
        latest_deal CTE, however many offers and variants ask."""
        key = (column, tuple(values))
        if key not in self.deal_tests:
            self.deal_tests[key] = f"has_{len(self.deal_tests)}"
        return f"d.{self.deal_tests[key]}"

    def select(self, selects: list[Select]) -> str:
        """Every offer's levels in one SELECT: (customer_id, failing, caps, variants), one row per customer."""
        fence = self.fence()
        facts = ", ".join(["c.id AS customer_id", *(f"{sql} AS {name}" for name, sql in self.facts.items())])
        joins = " ".join(join for _, join in self.joins.values())
        caps = ", ".join(["x.*", *(f"{sql} AS {name}" for s in selects for name, sql in s.caps.items())])
        qualifying = ", ".join(["y.*", *(f"{s.qualifying} AS {s.name('qualifying')}" for s in selects)])
        per_offer = ", ".join(
            [
                "customer_id",
                *(
                    f"{s.mask()} AS {s.name('failing')}, {s.cap} AS {s.name('cap')}, {s.variant} AS {s.name('variant')}"
                    for s in selects
                ),
            ]
        )

        def candidates(column: str) -> list[str]:
            return [f"CASE WHEN {s.name('failing')} = 0 THEN {s.name(column)} END" for s in selects]

        return (
            f"SELECT customer_id, {self.array([s.name('failing') for s in selects], 'bigint')} AS failing, "
            f"{self.array(candidates('cap'), 'bigint')} AS caps, "
            f"{self.array(candidates('variant'), 'varchar(20)')} AS variants "
            f"FROM (SELECT {per_offer} FROM (SELECT {qualifying} "
            f"FROM (SELECT {caps} FROM (SELECT {facts} FROM customers_customer c {joins}{fence}) x{fence}) y{fence}"
            f") w{fence}) z"
        )


@dataclass
class Select:
    """The conditions of one offer: flags in the shared facts level, its rules and caps above them. Its own
    columns carry its prefix (o0_, o1_, …)."""

    q: Query
    prefix: str
    fails: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # rule -> conditions (level 4)
    caps: dict[str, str] = field(default_factory=dict)  # level 2 columns
    qualifying: str = "FALSE"  # level 3: does any variant qualify (FY24)
    cap: str = "NULL"  # in cents
    variant: str = "NULL"

    def name(self, column: str) -> str:
        return f"{self.prefix}{column}"

    def flag(self, condition: str) -> str:
        """A failing condition computed once per customer (NULL counts as not failing: guard it where it matters)."""
        return self.q.fact(f"COALESCE(({condition}), FALSE)")

    def fail(self, rule: str, condition: str) -> None:
        self.q.rule(rule)
        self.fails[rule].append(condition)

    @property
    def rule_order(self) -> list[str]:
        """The failing rules' bit order in the line's `failing` mask: the rule IDs in ID order."""
        return sorted(self.fails)

    def mask(self) -> str:
        assert len(self.fails) <= MAX_RULES, "a line's mask holds at most 62 rules"
        bits = " + ".join(
            f"CASE WHEN {' OR '.join(f'({c})' for c in self.fails[rule])} THEN {1 << bit} ELSE 0 END"
            for bit, rule in enumerate(self.rule_order)
        )
        return bits or "0"


# ------------------------------------------------------------------------------------------ shared by both


def held_join(s: Select, offer: OfferInput) -> str:
    """How many vouchers of the offer's family the TPID holds against its limit (common.family_limit)."""
    q = s.q
    q.cte(
        "held",
        lambda: (
            "SELECT customer_id, family, COUNT(*) AS n, "
            f"SUM(CASE WHEN status = {q.p(EXPIRED)} THEN 1 ELSE 0 END) AS expired "
            f"FROM vouchers_voucher WHERE holds_limit AND status <> {q.p(CANCELLED)} GROUP BY customer_id, family"
        ),
    )
    family = offer.spec.family
    h = q.join(
        ("held", family), lambda a: f"LEFT JOIN held {a} ON {a}.customer_id = c.id AND {a}.family = {q.p(family)}"
    )
    counted = (
        f"COALESCE({h}.n, 0)" if offer.params["tpid_limit_counts_expired"] else f"COALESCE({h}.n - {h}.expired, 0)"
    )
    return s.flag(f"{counted} > 0")


def common_rules(s: Select, offer: OfferInput, *, allowed_rule: str, excluded_rule: str, ecif_rule: str) -> None:
    """Sector (common.sector_rules), the family limit (common.family_limit) and ECIF (common.ecif)."""
    q, spec = s.q, offer.spec
    excluded = s.flag(q.in_("c.sector", spec.excluded_sectors))
    s.fail(allowed_rule, s.flag(f"NOT ({q.in_('c.sector', spec.eligible_sectors)})"))
    s.fail(allowed_rule, excluded)
    s.fail(excluded_rule, excluded)
    held = held_join(s, offer)
    for rule in spec.limit_rules:
        s.fail(rule, held)
    s.fail(ecif_rule, s.flag("c.ecif_funded"))


# ------------------------------------------------------------------------------------- the CSO (rules/cso.py)


def cso_select(q: Query, offer: OfferInput, on: dt.date, prefix: str) -> Select:
    s = Select(q, prefix)
    spec, params, offer_id = offer.spec, offer.params, int(offer.offer_id)
    seats = q.join(
        ("seats", tuple(spec.seat_skus)),
        lambda a: (
            "LEFT JOIN (SELECT customer_id, SUM(paid) AS paid FROM customers_seatlicence "
            f"WHERE {q.in_('sku', spec.seat_skus)} GROUP BY customer_id) {a} ON {a}.customer_id = c.id"
        ),
    )
    usage = q.join(
        ("usage", tuple(spec.workloads), params["cso.mau_threshold"]),
        lambda a: (
            "LEFT JOIN (SELECT customer_id, COUNT(*) AS low FROM customers_workloadusage "
            f"WHERE {q.in_('workload', spec.workloads)} AND mau < {q.num(params['cso.mau_threshold'])} "
            f"GROUP BY customer_id) {a} ON {a}.customer_id = c.id"
        ),
    )
    # at most one active nomination per customer and offer (one_active_nomination_per_offer)
    n = q.join(
        ("active_nomination", offer_id),
        lambda a: (
            f"LEFT JOIN vouchers_nomination {a} ON {a}.customer_id = c.id AND {a}.offer_id = {offer_id} "
            f"AND {a}.status = {q.p(ACTIVE_NOMINATION)}"
        ),
    )
    p = q.join(("partner", n), lambda a: f"LEFT JOIN partners_partner {a} ON {a}.id = {n}.partner_id")
    r = q.join(("referral", n), lambda a: f"LEFT JOIN vouchers_referral {a} ON {a}.nomination_id = {n}.id")
    start: dt.date = params["cso.offer_start"]
    end: dt.date | None = params["cso.offer_end"]
    if on < start or (end is not None and on > end):  # gen_01: the same for every customer
        s.fail("CSO-GEN-01", "TRUE")
    s.fail("CSO-NOM-02", s.flag(f"{n}.partner_id IS NULL"))  # gen_02
    s.fail("CSO-GEN-02", s.flag(f"{n}.partner_id IS NOT NULL AND {p}.frp_status <> {q.p(APPROVED_FRP)}"))
    common_rules(s, offer, allowed_rule="CSO-ELIG-01", excluded_rule="CSO-ELIG-02", ecif_rule="CSO-ELIG-07")
    paid = f"COALESCE({seats}.paid, 0)"
    s.fail("CSO-ELIG-03", s.flag(f"{paid} <= 0"))
    s.fail("CSO-ELIG-04", s.flag(f"COALESCE({usage}.low, 0) < {int(params['cso.mau_min_workloads'])}"))
    tiers = list(zip(params["cso.tier_bounds"], params["cso.tier_caps"], strict=False))
    s.fail("CSO-ELIG-05", s.flag(f"{paid} < {min(low for low, _ in tiers)}" if tiers else "TRUE"))
    s.fail("CSO-ENG-01", s.flag(f"{r}.respond_by IS NOT NULL AND {r}.respond_by < {q.day(on)}"))
    # tier_for: the last tier whose lowest seat count is reached
    paid_column = q.fact(paid)  # read a level up
    cases = " ".join(f"WHEN {paid_column} >= {int(low)} THEN {q.cents(cap)}" for low, cap in reversed(tiers))
    s.cap = f"CASE {cases} END" if tiers else "NULL"
    s.variant = q.rule(spec.code)
    return s


# ------------------------------------------------------------------------ the FY24 offers (rules/deployment.py)


def deal_join(q: Query) -> None:
    """The customer's most recently recorded deal (deal_latest_for_rules), as `d`."""
    q.cte(
        "latest_deal",
        lambda: q.newest(
            columns="customer_id, value, close_date, closed_at, upsell_attested, "
            f"{q.json_nonempty('policy_questions')} AS has_questions"
            + "".join(
                f", {q.json_has_any(column, values)} AS {name}" for (column, values), name in q.deal_tests.items()
            ),
            table="vouchers_deal",
            where="TRUE",
            per="customer_id",
            order="recorded_at DESC, id DESC",
        ),
    )
    q.join("latest_deal", lambda a: f"LEFT JOIN latest_deal {a} ON {a}.customer_id = c.id", alias="d")


def nomination_join(q: Query, offer: OfferInput) -> str:
    """When the customer's newest nomination for the offer was made, whatever its status
    (nomination_latest_for_rules; the rules read only its moment): NULL when there is none. One row per customer
    for every FY24 offer — the newest moment is the highest — instead of one newest row per customer and offer."""
    offer_id = int(offer.offer_id)
    q.nomination_offers.setdefault(offer_id, None)
    q.cte(
        "nominated",
        lambda: (
            "SELECT customer_id, "
            + ", ".join(f"MAX(CASE WHEN offer_id = {o} THEN nominated_at END) AS at_{o}" for o in q.nomination_offers)
            + f" FROM vouchers_nomination WHERE {q.in_('offer_id', list(q.nomination_offers))} GROUP BY customer_id"
        ),
    )
    n = q.join("nominated", lambda a: f"LEFT JOIN nominated {a} ON {a}.customer_id = c.id")
    return f"{n}.at_{offer_id}"


def e3_join(q: Query, baseline: dt.date) -> str:
    """Microsoft 365 E3 licences owned on the baseline date: the newest count on or before it (elig_04)."""
    name = f"e3_{baseline:%Y%m%d}"
    q.cte(
        name,
        lambda: q.newest(
            columns="customer_id, quantity",
            table="customers_priorlicence",
            where=f"sku = {q.p(E3_SKU)} AND as_of <= {q.day(baseline)}",
            per="customer_id",
            order="as_of DESC, quantity DESC",
        ),
    )
    return q.join(name, lambda a: f"LEFT JOIN {name} {a} ON {a}.customer_id = c.id")


def band_fits_sql(q: Query, band: Band) -> str:
    """deployment.band_fits over the customer's segment and the deal's value and close date."""
    parts = []
    if band.segment is not None:
        parts.append(f"c.segment = {q.p(band.segment)}")
    if band.deal_above is not None:
        parts.append(f"d.value > {q.num(band.deal_above)}")
    if band.deal_upto is not None:
        parts.append(f"d.value <= {q.num(band.deal_upto)}")
    if band.close_from is not None:
        parts.append(f"d.close_date >= {q.day(band.close_from)}")
    if band.close_to is not None:
        parts.append(f"d.close_date <= {q.day(band.close_to)}")
    return " AND ".join(parts) or "TRUE"


def band_cap_value(band: Band, params: Params) -> Decimal:
    return quantize(band.cap if band.cap is not None else params[band.cap_param])  # type: ignore[index]


def sku_fails(s: Select, offer: OfferInput, variant: Variant) -> dict[str, list[str]]:
    """deployment.sku_findings: the variant's workloads in the deal; a frontline licence only when attached."""
    q, skus = s.q, offer.program.file.skus
    assert skus is not None
    if variant.skus != "core":
        wanted = skus.e1plus if variant.skus == "e1plus" else skus.copilot
        return {variant.sku_rule: [s.flag(f"NOT ({q.deal_has_any('workloads', wanted)})")]}
    attached = [
        f"({q.deal_has_any('workloads', [w])} AND {q.deal_has_any('workloads', hosts)})"
        for w, hosts in skus.attached.items()
    ]
    qualifies = " OR ".join([q.deal_has_any("workloads", skus.core), *attached])
    missing = s.flag(f"NOT ({qualifies})")
    fails = {variant.sku_rule: [missing]}
    if skus.attached:
        unattached = s.flag(q.deal_has_any("workloads", list(skus.attached)))
        fails.setdefault("MWS-SKU-02", []).append(f"{missing} AND {unattached}")
    return fails


def variant_fails(
    s: Select, offer: OfferInput, variant: Variant, on: dt.date
) -> tuple[dict[str, list[str]], list[str]]:
    """deployment.evaluate_variant: every condition that rules the variant out, by rule; and each band's fit."""
    q, params = s.q, offer.params
    fails = sku_fails(s, offer, variant)
    own_rule = variant.eligibility_rule or variant.sku_rule
    if variant.segments:
        fails.setdefault(own_rule, []).append(s.flag(f"NOT ({q.in_('c.segment', variant.segments)})"))
    if variant.countries:
        countries = offer.program.file.countries
        assert countries is not None
        listed = set(countries.e1plus)
        if countries.e1plus_group_param:
            listed |= set(params[countries.e1plus_group_param])
        listed -= set(countries.never)
        fails.setdefault(own_rule, []).append(s.flag(f"NOT ({q.in_('c.country', sorted(listed))})"))
    if variant.window is not None:
        assert variant.window_rule is not None
        start, end = variant.window
        anchor = params[variant.window_anchor_param] if variant.window_anchor_param else "close"
        if anchor in ("issue", "issue_and_close") and not start <= on <= end:
            fails.setdefault(variant.window_rule, []).append("TRUE")
        if anchor in ("close", "issue_and_close"):
            outside = s.flag(f"d.close_date < {q.day(start)} OR d.close_date > {q.day(end)}")
            fails.setdefault(variant.window_rule, []).append(outside)
    fits = [s.flag(band_fits_sql(q, band)) for band in variant.bands]
    none_fit = f"NOT ({' OR '.join(fits)})" if fits else "TRUE"
    # the rules cited when no band fits: those of the bands for the customer's segment (or of every band)
    segments = sorted({b.segment for b in variant.bands if b.segment is not None})

    def relevant(segment: str | None) -> set[str]:
        bands = [b for b in variant.bands if b.segment in (None, segment)] or variant.bands
        return {b.rule for b in bands}

    for rule in sorted({b.rule for b in variant.bands}):
        cited_in = [seg for seg in segments if rule in relevant(seg)]
        where = [q.in_("c.segment", cited_in)] if cited_in else []
        if rule in relevant(None):  # a segment no band names
            where.append(f"NOT ({q.in_('c.segment', segments)})")
        if where:
            fails.setdefault(rule, []).append(f"{none_fit} AND {s.flag(' OR '.join(where))}")
    return fails, fits


def deployment_select(q: Query, offer: OfferInput, on: dt.date, prefix: str) -> Select:
    s = Select(q, prefix)
    spec, params, program = offer.spec, offer.params, offer.program
    deal_join(q)
    nominated_at = nomination_join(q, offer)
    e3 = e3_join(q, params["mws.e3_baseline_date"])
    # nomination_findings
    common_rules(s, offer, allowed_rule="MWS-ELIG-01", excluded_rule="MWS-ELIG-02", ecif_rule="MWS-ELIG-06")
    limits: dict[str, int] = {str(k): v for k, v in program.file.prior_e3_limit.items()}
    over = [
        f"(c.segment = {q.p(segment)} AND COALESCE({e3}.quantity, 0) >= {int(limit)})"
        for segment, limit in limits.items()
    ]
    if over:
        s.fail("MWS-ELIG-04", s.flag(" OR ".join(over)))
    has = s.flag("d.customer_id IS NOT NULL")
    s.fail("MWS-NOM-03", f"NOT {has}")

    def deal_fail(rule: str, condition: str) -> None:
        s.fail(rule, f"{has} AND {s.flag(condition)}")

    # _deal_findings
    start, end = params["mws.purchase_from"], params["mws.purchase_to"]
    deal_fail("MWS-GEN-01", f"d.close_date < {q.day(start)} OR d.close_date > {q.day(end)}")
    deal_fail("MWS-NOM-03", f"d.close_date > {q.day(on)}")
    deal_fail("MWS-ELIG-03", "NOT d.upsell_attested")
    deal_fail("MWS-ELIG-03", "d.has_questions")  # no operator's decision in a screening
    deal_fail(
        "MWS-NOM-02",
        f"{nominated_at} IS NULL OR (d.closed_at IS NOT NULL AND {nominated_at} >= d.closed_at) "
        f"OR (d.closed_at IS NULL AND {q.local_date(nominated_at)} >= d.close_date)",
    )
    if spec.requires_migration:
        assert spec.migration_rule is not None
        deal_fail(spec.migration_rule, f"NOT ({q.deal_has_any('migration_sources', spec.requires_migration)})")
    # every variant, then MWS-CAP-10: the highest cap of those that qualify
    variants: list[tuple[Variant, dict[str, list[str]], str]] = []
    for variant in spec.variants:
        fails, fits = variant_fails(s, offer, variant, on)
        name = s.name(f"cap_{len(variants)}")
        ruled_out = " OR ".join(f"({c})" for conditions in fails.values() for c in conditions) or "FALSE"
        caps_sql = [
            f"CASE WHEN {fit} THEN {q.cents(band_cap_value(b, params))} ELSE -1 END"
            for fit, b in zip(fits, variant.bands, strict=True)
        ]
        s.caps[name] = f"CASE WHEN {has} AND NOT ({ruled_out}) THEN {q.greatest(caps_sql)} END"
        variants.append((variant, fails, name))
    kills = []
    for variant in spec.variants:
        if variant.ceiling_scope_param and params[variant.ceiling_scope_param] == "deal":
            ceiling = max(b.deal_upto for b in variant.bands if b.deal_upto is not None)
            kill = f"{has} AND {s.flag(f'd.value > {q.num(ceiling)}')}"
            s.fail(variant.window_rule or variant.sku_rule, kill)
            kills.append(kill)
    qualifying = " OR ".join(f"{name} IS NOT NULL" for _, _, name in variants) or "FALSE"
    if kills:
        qualifying = f"({qualifying}) AND NOT ({' OR '.join(kills)})"
    s.qualifying = f"COALESCE(({qualifying}), FALSE)"
    qualifies = s.name("qualifying")
    for _, fails, _ in variants:
        for rule, conditions in fails.items():
            for condition in conditions:
                s.fail(rule, f"{has} AND NOT {qualifies} AND ({condition})")
    best = q.greatest([f"COALESCE({name}, -1)" for _, _, name in variants])
    s.cap = f"CASE WHEN {qualifies} THEN {best} END"
    choices = " ".join(f"WHEN COALESCE({name}, -1) = {best} THEN {q.rule(v.code)}" for v, _, name in variants)
    s.variant = f"CASE WHEN NOT {qualifies} THEN NULL {choices} END"
    return s


BUILDERS = {"cso": cso_select, "deployment": deployment_select}


def screening_sql(
    connection: BaseDatabaseWrapper, offers: list[OfferInput], on: dt.date
) -> tuple[Query, str, dict[int, list[str]]]:
    """One SELECT for every offer: (customer_id, failing, caps, variants) for every customer, the lists in the
    order of `offers`; and each offer's rule IDs in the order of the bits of its mask."""
    q = Query(connection)
    selects = {o.offer_id: BUILDERS[o.program.rulebook](q, o, on, f"o{i}_") for i, o in enumerate(offers)}
    return q, q.select(list(selects.values())), {offer_id: select.rule_order for offer_id, select in selects.items()}
