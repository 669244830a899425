"""The shape of a catalogue file, validated when it is loaded (pydantic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Segment = Literal["Enterprise", "SMC-C"]
ParamType = Literal[
    "bool",
    "int",
    "decimal",
    "money",
    "date",
    "optional_date",
    "choice",
    "str",
    "int_list",
    "money_list",
    "str_list",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NUMERIC_TYPES = frozenset({"int", "decimal", "money", "int_list", "money_list"})
TEXT_TYPES = frozenset({"str", "str_list"})
DATE_TYPES = frozenset({"date", "optional_date"})
LIST_TYPES = frozenset({"int_list", "money_list", "str_list"})


class ParameterSpec(Strict):
    """One adjustable parameter of the rule book (§3.0) with its default and its bounds (OD-IN-01)."""

    key: str
    type: ParamType
    default: Any
    choices: list[str] | None = None
    rules: list[str] = Field(min_length=1)
    help: str
    ascending: bool = False
    aliases: list[str] = []
    value_aliases: dict[str, str] = {}
    # Bounds: a number (each number of a list) lies in [min, max]; text comes from a real list of codes;
    # a date is not after another date parameter; a list is as long as another list parameter.
    minimum: Decimal | None = Field(default=None, alias="min")
    maximum: Decimal | None = Field(default=None, alias="max")
    codes: Literal["country", "calendar"] | None = None
    not_after: str | None = None
    same_length_as: str | None = None

    def names(self) -> set[str]:
        """The key and the other names the rule book uses for it."""
        return {self.key, *self.aliases}

    def bounds(self) -> str:
        """The bounds in words, for messages and listings."""
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum:,} to {self.maximum:,}"
        if self.codes == "country":
            return "ISO 3166-1 alpha-2 country codes"
        if self.codes == "calendar":
            return "a country calendar of the holidays package, or none"
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        if self.not_after:
            return f"a date from 2000-01-01 to 2100-12-31, not after {self.not_after}"
        if self.type in DATE_TYPES:
            return "a date from 2000-01-01 to 2100-12-31"
        return "true or false" if self.type == "bool" else ""

    @model_validator(mode="after")
    def _bounds_declared(self) -> ParameterSpec:
        if self.type in NUMERIC_TYPES and (self.minimum is None or self.maximum is None):
            raise ValueError(f"parameter {self.key}: a number parameter declares its min and max")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"parameter {self.key}: min is above max")
        if self.type in TEXT_TYPES and self.choices is None and self.codes is None:
            raise ValueError(f"parameter {self.key}: a {self.type} parameter declares its choices or codes")
        if self.not_after and self.type not in DATE_TYPES:
            raise ValueError(f"parameter {self.key}: only a date parameter is not_after another")
        if self.same_length_as and self.type not in LIST_TYPES:
            raise ValueError(f"parameter {self.key}: only a list parameter is same_length_as another")
        return self

    @model_validator(mode="after")
    def _default_is_valid(self) -> ParameterSpec:
        from offerdesk.core.errors import DomainError

        from .params import coerce_value  # the one parser for defaults and overrides alike

        try:
            coerce_value(self, self.default)
        except DomainError as exc:  # pydantic reports ValueErrors with the file's location
            raise ValueError(exc.message) from exc
        return self


class Band(Strict):
    """A row of a caps table: the cap for a segment, a deal-value range and a close-date range."""

    segment: Segment | None = None
    deal_above: Decimal | None = None
    deal_upto: Decimal | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    cap: Decimal | None = None
    cap_param: str | None = None
    rule: str
    note: str = ""

    @model_validator(mode="after")
    def _one_cap(self) -> Band:
        if (self.cap is None) == (self.cap_param is None):
            raise ValueError("a band has either cap or cap_param")
        if self.cap is not None and self.cap < 0:
            raise ValueError("a cap cannot be negative")
        if self.close_from and self.close_to and self.close_from > self.close_to:
            raise ValueError("close_from is after close_to")
        return self


class Variant(Strict):
    """A variant of an offer (base, Q4, E1+): what it requires and its caps."""

    code: str
    name: str
    skus: Literal["core", "e1plus", "copilot"]
    sku_rule: str
    segments: list[Segment] | None = None
    countries: str | None = None
    eligibility_rule: str | None = None
    window: tuple[dt.date, dt.date] | None = None
    window_anchor_param: str | None = None
    window_rule: str | None = None
    ceiling_scope_param: str | None = None
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        if self.window and not self.window_rule:
            raise ValueError(f"variant {self.code}: a window needs a window_rule")
        if (self.segments or self.countries) and not self.eligibility_rule:
            raise ValueError(f"variant {self.code}: segment or country limits need an eligibility_rule")
        return self


class Offer(Strict):
    """An offer a customer can hold a voucher of."""

    code: str
    name: str
    family: str
    limit_rules: list[str] = Field(min_length=1)
    eligible_sectors: list[str]
    excluded_sectors: list[str]
    sow_template: str
    poe_template: str
    seat_skus: list[str] = []
    workloads: list[str] = []
    requires_migration: list[str] = []
    migration_rule: str | None = None
    combination_partner_family: str | None = None
    combination_param: str | None = None
    variants: list[Variant] = []


class DocumentTemplate(Strict):
    """A program's SOW or POE template: what the generated document says, under an ID and a version."""

    id: str = Field(min_length=1, max_length=40)
    kind: Literal["SOW", "POE"]
    version: str = Field(min_length=1, max_length=20)
    title: str
    paragraphs: list[str] = Field(min_length=1)
    attestation: str


class Program(Strict):
    code: str
    name: str
    version: str
    rulebook: Literal["cso", "deployment"]
    summary: str


class Skus(Strict):
    core: list[str]
    e1plus: list[str]
    copilot: list[str]
    attached: dict[str, list[str]] = {}


class Countries(Strict):
    e1plus: list[str]
    e1plus_group_param: str | None = None
    never: list[str] = []


class CatalogueFile(Strict):
    """A whole program file."""

    schema_: int = Field(alias="schema")
    program: Program
    offers: list[Offer] = Field(min_length=1)
    parameters: list[ParameterSpec]
    skus: Skus | None = None
    other_skus: list[str] = []
    countries: Countries | None = None
    prior_e3_limit: dict[Segment, int] = {}
    combination_caps: list[Band] = []
    templates: list[DocumentTemplate] = Field(min_length=1)

    @field_validator("parameters")
    @classmethod
    def _unique_keys(cls, value: list[ParameterSpec]) -> list[ParameterSpec]:
        keys = [p.key for p in value]
        if len(keys) != len(set(keys)):
            raise ValueError("parameter keys must be unique within a program")
        return value

    @model_validator(mode="after")
    def _related_parameters_agree(self) -> CatalogueFile:
        from .params import coerce_value, relation_problems

        specs = {p.key: p for p in self.parameters}
        for spec in self.parameters:
            for other, types in ((spec.not_after, DATE_TYPES), (spec.same_length_as, LIST_TYPES)):
                if other is not None and (other not in specs or specs[other].type not in types):
                    raise ValueError(f"parameter {spec.key} refers to {other!r}, which is no such parameter here")
        defaults = {p.key: coerce_value(p, p.default) for p in self.parameters}
        problems = relation_problems(self.parameters, defaults)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _references_exist(self) -> CatalogueFile:
        keys = {p.key for p in self.parameters}
        wanted: set[str] = set()
        for offer in self.offers:
            if offer.combination_param:
                wanted.add(offer.combination_param)
            for variant in offer.variants:
                wanted |= {k for k in (variant.window_anchor_param, variant.ceiling_scope_param) if k}
                wanted |= {b.cap_param for b in variant.bands if b.cap_param}
        if self.countries and self.countries.e1plus_group_param:
            wanted.add(self.countries.e1plus_group_param)
        missing = wanted - keys
        if missing:
            raise ValueError(f"parameters referenced but not declared: {sorted(missing)}")
        declared = {t.id: t.kind for t in self.templates}
        if len(declared) != len(self.templates):
            raise ValueError("template ids must be unique within a program")
        for offer in self.offers:
            for kind, template in (("SOW", offer.sow_template), ("POE", offer.poe_template)):
                if declared.get(template) != kind:
                    raise ValueError(
                        f"offer {offer.code}: its {kind} template {template!r} is not a declared {kind} template"
                    )
        if self.program.rulebook == "deployment" and (self.skus is None or self.countries is None):
            raise ValueError("a deployment program needs [skus] and [countries]")
        return self
