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


class ParameterSpec(Strict):
    """One adjustable parameter of the rule book (§3.0) with its default."""

    key: str
    type: ParamType
    default: Any
    choices: list[str] | None = None
    rules: list[str] = Field(min_length=1)
    help: str
    ascending: bool = False
    aliases: list[str] = []
    value_aliases: dict[str, str] = {}

    def names(self) -> set[str]:
        """The key and the other names the rule book uses for it."""
        return {self.key, *self.aliases}

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
    countries: Countries | None = None
    prior_e3_limit: dict[Segment, int] = {}
    combination_caps: list[Band] = []

    @field_validator("parameters")
    @classmethod
    def _unique_keys(cls, value: list[ParameterSpec]) -> list[ParameterSpec]:
        keys = [p.key for p in value]
        if len(keys) != len(set(keys)):
            raise ValueError("parameter keys must be unique within a program")
        return value

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
        if self.program.rulebook == "deployment" and (self.skus is None or self.countries is None):
            raise ValueError("a deployment program needs [skus] and [countries]")
        return self
