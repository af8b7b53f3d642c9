"""Policy parameters: values keyed by the date they start (OpenFisca manner), as money or as rates.

A parameter maps a start date to a value; ``null`` ends it. Money is positive integer yuan, a rate is the
percentage as the text writes it ("30%"), read as an exact fraction. A money parameter may instead be keyed
by a choice fact (``by: level`` with ``cases: {区级: …, 市级: …}``): 第5条's ceilings by level.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.errors import DataError

DatedValues = dict[date, Any]

_PERCENT = re.compile(r"^\d+(?:\.\d+)?%$")


class Model(BaseModel):
    """Base of every rules-file model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def value_at(values: DatedValues, on: date, what: str) -> Any:
    """The value that started last on or before ``on``; ``None`` ends a value (OpenFisca manner)."""
    started = [d for d in values if d <= on]
    if not started:
        raise DataError(f"规则数据中“{what}”在{on.isoformat()}没有取值")
    value = values[max(started)]
    if value is None:
        raise DataError(f"规则数据中“{what}”在{on.isoformat()}已不再适用")
    return value


def check_dated(values: DatedValues, what: str) -> DatedValues:
    if not values:
        raise ValueError(f"{what}: values are empty")
    return dict(sorted(values.items()))


def check_money(value: Any, what: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise ValueError(f"{what}: amounts are positive integer yuan, got {value!r}")


def check_percent(value: Any, what: str) -> None:
    if value is not None and not (isinstance(value, str) and _PERCENT.match(value)):
        raise ValueError(f"{what}: a rate is written as a percentage like '30%', got {value!r}")


def fraction(percent: str) -> Decimal:
    """'30%' → Decimal('0.3')."""
    return Decimal(percent[:-1]) / 100


def times_rate(base: int, percent: str) -> tuple[int, bool]:
    """``percent`` × ``base`` in whole yuan, rounded down (a ceiling is never exceeded by rounding);
    the flag says whether a fraction of a yuan was dropped."""
    exact = Decimal(base) * fraction(percent)
    whole = int(exact.to_integral_value(rounding=ROUND_DOWN))
    return whole, whole != exact


class Money(Model):
    """A money parameter: ``values`` keyed by date, or ``by`` a choice fact with ``cases`` per option."""

    quote: str
    values: DatedValues | None = None
    by: str | None = None
    cases: dict[str, DatedValues] | None = None

    @model_validator(mode="after")
    def _values_or_cases(self) -> Money:
        if (self.values is None) == (self.cases is None) or (self.by is None) != (self.cases is None):
            raise ValueError("give either values, or by + cases")
        groups = [self.values] if self.values is not None else list((self.cases or {}).values())
        for group in groups:
            check_dated(group or {}, "values")
            for v in (group or {}).values():
                check_money(v, "values")
        return self

    def at(self, on: date, case: str | None = None) -> int | None:
        """The amount on ``on``; for a parameter by case, None when ``case`` has no amount (e.g. 未认定)."""
        if self.cases is not None:
            if case not in self.cases:
                return None
            return int(value_at(self.cases[case], on, f"{self.quote}（{case}）"))
        assert self.values is not None
        return int(value_at(self.values, on, self.quote))

    def cases_at(self, on: date) -> dict[str, int]:
        return {case: int(value_at(v, on, case)) for case, v in (self.cases or {}).items()}

    def all_values(self) -> list[int]:
        groups = [self.values] if self.values is not None else list((self.cases or {}).values())
        return [v for g in groups if g for v in g.values() if v is not None]


class Percent(Model):
    """A rate parameter: percentages keyed by date."""

    quote: str
    values: DatedValues

    @field_validator("values")
    @classmethod
    def _percentages(cls, v: DatedValues) -> DatedValues:
        for value in v.values():
            check_percent(value, "rate")
        return check_dated(v, "rate")

    def at(self, on: date) -> str:
        return str(value_at(self.values, on, self.quote))
