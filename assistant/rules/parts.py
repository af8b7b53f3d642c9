"""The formula parts an item's award is composed of, as data (``award:`` in rules.yaml).

An award is a list of parts applied in order: the first computes a figure (a *source*), the others adjust
it (*modifiers*). Each part names the clause words it rests on (``quote``) and, for numbers, values keyed by
date. The arithmetic of each part lives in :mod:`assistant.rules.formulas`, one small function per part.

Sources: ``fixed`` (给予20万元), ``up_to`` (最高100万元, no base: the figure is the ceiling), ``rate`` (base ×
30%, minus excluded parts such as 土建), ``per_unit`` (每完成一家…给予1万元), ``scale`` (progressive bands),
``bracket`` (达到1亿元奖励50万元、5亿元奖励100万元), ``each`` (the same sub-parts per element of a list: per
person, per product, per event). Modifiers: ``cap`` (a ceiling per project, per applicant or per applicant
per year; keyed by a choice if need be), ``bonus`` (再给予…, on a condition), ``upper_subsidy`` (第5条's rule
for a subsidy from an upper level of government).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from assistant.rules.conditions import When
from assistant.rules.params import Model, Money, Percent, check_dated, check_money, check_percent

CapScope = Literal["project", "applicant", "applicant_year"]
SOURCES = ("fixed", "up_to", "rate", "per_unit", "scale", "bracket", "each")
MODIFIERS = ("cap", "bonus", "upper_subsidy")


class Exclusion(Model):
    """A part of the base the clause excludes (第8条: 平台建设（不含土建）总投入)."""

    fact: str
    text: str
    quote: str


class FixedPart(Money):
    part: Literal["fixed"]


class UpToPart(Money):
    part: Literal["up_to"]


class RatePart(Percent):
    part: Literal["rate"]
    base: str | None = None
    """The money fact the rate applies to; inside ``each``, omitted: the element."""
    base_text: str
    exclude: tuple[Exclusion, ...] = ()


class PerUnitPart(Money):
    part: Literal["per_unit"]
    count: str
    """The count fact ('diagnosed_enterprises_count')."""
    count_text: str
    unit: str
    """The unit as the text counts it ('家')."""


class Band(Model):
    """One band of a scale: from ``threshold`` (exclusive, 0 for the first) up to the next threshold."""

    threshold: int
    rate: str | None = None
    amount: int | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Band:
        if (self.rate is None) == (self.amount is None):
            raise ValueError("a band or bracket gives exactly one of rate / amount")
        check_percent(self.rate, "rate")
        check_money(self.amount, "amount")
        if self.threshold < 0:
            raise ValueError("threshold must not be negative")
        return self


def _check_schedule(v: dict[date, Any]) -> dict[date, Any]:
    for rows in v.values():
        if rows is None:
            continue
        thresholds = [r.threshold for r in rows]
        if not rows or thresholds != sorted(set(thresholds)):
            raise ValueError("rows must be non-empty with strictly increasing thresholds")
    return check_dated(v, "schedule")


class ScalePart(Model):
    """Progressive bands: each band's rate applies to the part of the base within it."""

    part: Literal["scale"]
    quote: str
    base: str
    base_text: str
    values: dict[date, tuple[Band, ...] | None]

    @field_validator("values")
    @classmethod
    def _schedule(cls, v: dict[date, Any]) -> dict[date, Any]:
        v = _check_schedule(v)
        for rows in v.values():
            if rows and (rows[0].threshold != 0 or any(r.rate is None for r in rows)):
                raise ValueError("a scale starts at threshold 0 and gives a rate per band")
        return v


class BracketPart(Model):
    """A lookup: the highest bracket the base reaches gives the amount (or the rate on the whole base)."""

    part: Literal["bracket"]
    quote: str
    base: str
    base_text: str
    values: dict[date, tuple[Band, ...] | None]

    @field_validator("values")
    @classmethod
    def _schedule(cls, v: dict[date, Any]) -> dict[date, Any]:
        return _check_schedule(v)


class CapPart(Money):
    part: Literal["cap"]
    scope: CapScope = "project"
    """project: each claim on its own; applicant: all claims of the applicant (单个服务商…最高);
    applicant_year: all claims of a year (年度累计), less what was received this year (``received_fact``)."""
    received_fact: str | None = None

    @model_validator(mode="after")
    def _received_needs_scope(self) -> CapPart:
        if self.received_fact and self.scope == "project":
            raise ValueError("received_fact is for a cap per applicant or per applicant and year")
        return self


class BonusPart(Money):
    part: Literal["bonus"]
    when: When
    text: str
    """What earns the bonus, in the text's words ('被评为国家级专精特新“小巨人”企业')."""


class UpperSubsidyPart(Model):
    """第5条: with an upper-level subsidy and no matching required, the two together stay within this
    policy's cap; with matching required, 就高执行 (the higher of our standard and the required matching)."""

    part: Literal["upper_subsidy"]
    quote: str
    subsidy_fact: str
    matching_fact: str
    matching_amount_fact: str | None = None
    matching_ratio_fact: str | None = None
    """A ratio fact ("1:1配套": 上级:本级): the required matching is the upper subsidy × b/a when no amount is given."""
    upper: str
    """How the text names the upper level ('上级')."""
    own: str
    """How the text names this policy's level ('区级')."""
    matching_note: str


class EachPart(Model):
    """The sub-parts applied to each element of a money list (per person / product / event), then summed."""

    part: Literal["each"]
    fact: str
    element: str
    """How the text counts an element ('名工程师', '个产品', '项')."""
    parts: tuple[Part, ...]
    element_facts: tuple[str, ...] = ()
    """Facts said of one element at a time (where one event was held): an element whose value fails the item's
    condition on that fact drops out of the list, and the others still count."""


Part = Annotated[
    FixedPart | UpToPart | RatePart | PerUnitPart | ScalePart | BracketPart | EachPart | CapPart | BonusPart
    | UpperSubsidyPart,
    Field(discriminator="part"),
]
EachPart.model_rebuild()


def check_pipeline(parts: tuple[Any, ...], inside_each: bool = False) -> None:
    """A source first, then modifiers; ``each`` and ``up_to`` only at the top; caps in ``each`` per element."""
    if not parts or parts[0].part not in SOURCES:
        raise ValueError(f"an award starts with one of {', '.join(SOURCES)}")
    for p in parts[1:]:
        if p.part not in MODIFIERS:
            raise ValueError(f"after the first part only {', '.join(MODIFIERS)} may follow, got {p.part}")
    kinds = [p.part for p in parts]
    if "upper_subsidy" in kinds and "cap" not in kinds[: kinds.index("upper_subsidy")]:
        raise ValueError("upper_subsidy needs a cap before it (本政策补助上限)")
    if inside_each:
        if parts[0].part in ("each", "up_to"):
            raise ValueError(f"{parts[0].part} cannot be used inside each")
        if any(p.part == "cap" and p.scope != "project" for p in parts):
            raise ValueError("a cap inside each is per element: leave scope out")
    for p in parts:
        if isinstance(p, EachPart):
            check_pipeline(p.parts, inside_each=True)
        if isinstance(p, RatePart) and (p.base is None) != inside_each:
            raise ValueError("a rate names its base fact, except inside each where the base is the element")


def walk(parts: tuple[Any, ...]) -> list[Any]:
    """Every part, depth first (the parts of ``each`` after it)."""
    out: list[Any] = []
    for p in parts:
        out.append(p)
        if isinstance(p, EachPart):
            out += walk(p.parts)
    return out


def part_facts(p: Any) -> list[tuple[str, bool]]:
    """(fact, needed to compute) for every fact a part reads; not-needed ones have defaults or are asked
    only in some cases (第5条's matching question)."""
    out: list[tuple[str, bool]] = []
    if getattr(p, "by", None):
        out.append((p.by, True))
    if isinstance(p, RatePart | ScalePart | BracketPart) and p.base:
        out.append((p.base, True))
    if isinstance(p, RatePart):
        out += [(e.fact, False) for e in p.exclude]
    if isinstance(p, PerUnitPart):
        out.append((p.count, True))
    if isinstance(p, EachPart):
        out.append((p.fact, True))
    if isinstance(p, CapPart) and p.received_fact:
        out.append((p.received_fact, False))
    if isinstance(p, BonusPart):
        out.append((p.when.fact, True))
    if isinstance(p, UpperSubsidyPart):
        out += [(p.subsidy_fact, False), (p.matching_fact, False)]
        out += [(p.matching_amount_fact, False)] if p.matching_amount_fact else []
        out += [(p.matching_ratio_fact, False)] if p.matching_ratio_fact else []
    return out


def part_numbers(p: Any) -> list[tuple[str, Any]]:
    """Every policy number of a part as ('rate'|'money', value), for the data tests."""
    if isinstance(p, Money):
        return [("money", v) for v in p.all_values()]
    if isinstance(p, Percent):
        return [("rate", v) for v in p.values.values() if v is not None]
    out: list[tuple[str, Any]] = []
    if isinstance(p, ScalePart | BracketPart):
        for rows in p.values.values():
            for r in rows or ():
                out += [("money", r.threshold)] if r.threshold else []
                out += [("rate", r.rate)] if r.rate else [("money", r.amount)]
    return out


def part_quotes(p: Any) -> list[str]:
    """The clause words a part quotes (each must be the clause's own words)."""
    quotes = [p.quote] if getattr(p, "quote", None) else []
    if isinstance(p, RatePart):
        quotes += [e.quote for e in p.exclude]
    return quotes

