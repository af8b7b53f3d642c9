"""Bounds: the largest figure a part allows whatever the facts (``None`` = unbounded or not known without them).

This is how the calculator knows a ceiling before all facts are in and how :func:`assistant.rules.maximum.max_award`
reads the data ("最高200万元"). Part kind → a small function; no policy number lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from assistant.rules.params import value_at

Bound = Callable[[Any, int | None, date, Mapping[str, Any]], int | None]


def _money_bound(part: Any, on: date, values: Mapping[str, Any]) -> int | None:
    return part.at(on, values.get(part.by) if part.by else None)


def _source_bound(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    return _money_bound(part, on, values)


def _unbounded(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    return None


def _bracket_bound(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    rows = value_at(part.values, on, part.quote)
    return None if any(r.amount is None for r in rows) else max(int(r.amount) for r in rows)


def _cap_bound(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    cap = _money_bound(part, on, values)
    if cap is None:
        return bound
    return cap if bound is None else min(bound, cap)


def _bonus_bound(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    if bound is None or part.when.holds(values.get(part.when.fact)) is False:
        return bound
    bonus = _money_bound(part, on, values)
    return bound + (bonus or 0)


def _keep(part: Any, bound: int | None, on: date, values: Mapping[str, Any]) -> int | None:
    return bound


BOUNDS: dict[str, Bound] = {
    "fixed": _source_bound,
    "up_to": _source_bound,
    "rate": _unbounded,
    "per_unit": _unbounded,
    "scale": _unbounded,
    "bracket": _bracket_bound,
    "each": _unbounded,
    "cap": _cap_bound,
    "bonus": _bonus_bound,
    "upper_subsidy": _keep,
}


def bound(parts: tuple[Any, ...], on: date, values: Mapping[str, Any]) -> int | None:
    """The largest figure ``parts`` can give for the choices known in ``values`` (None: no ceiling)."""
    result: int | None = None
    for part in parts:
        result = BOUNDS[part.part](part, result, on, values)
    return result
