"""The largest award an item can give, read from its parts — for the "which item?" menu.

``max_award`` walks the item's parts with the same bound functions the calculator uses
(:data:`assistant.rules.bounds.BOUNDS`): a single figure ("最高200万元"), one per case of a choice
("区级200万元、市级500万元、国家级1000万元"), a figure per unit ("每家1万元，最高30万元") or per element
("每名工程师最高5万元"), with a bonus named apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.rules import bounds
from assistant.rules.model import PolicyRules
from assistant.rules.money import format_yuan
from assistant.rules.parts import BonusPart, EachPart, PerUnitPart
from assistant.rules.wording import cases_text, max_text, per_element_text, per_unit_text


@dataclass(frozen=True)
class MaxAward:
    """The most an item gives, with the clause and a short Chinese text."""

    item_id: str
    clause: str
    label: str
    title: str
    amount_yuan: int | None
    """The largest single figure (over every case); None when the text sets no ceiling."""
    entitlement: bool
    text: str
    by_case: dict[str, int] = field(default_factory=dict)
    per_unit_yuan: int | None = None
    unit: str | None = None
    per_element_yuan: int | None = None
    element: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _case_fact(parts: list[Any]) -> str | None:
    return next((p.by for p in parts if getattr(p, "by", None)), None)


def max_award(rules: PolicyRules, item_id: str, as_of: date) -> MaxAward:
    """The largest figure ``item_id`` can give on ``as_of`` (values clamped into the validity period)."""
    item = rules.item(item_id)
    on = rules.reference_date(as_of)
    base_parts = tuple(p for p in item.award if not isinstance(p, BonusPart))
    bonuses = [p for p in item.award if isinstance(p, BonusPart)]
    by = _case_fact(item.parts)
    by_case: dict[str, int] = {}
    if by:
        for case in rules.facts[by].real_options:
            value = bounds.bound(item.award, on, {by: case})
            if value is not None:
                by_case[case] = value
    amount = max(by_case.values()) if by_case else bounds.bound(item.award, on, {})
    base = bounds.bound(base_parts, on, {})
    first = item.award[0]
    extra: dict[str, Any] = {}
    if by_case and len(by_case) == len(rules.facts[by or ""].real_options):
        text = cases_text(by_case)
    elif isinstance(first, PerUnitPart) and not first.by:
        unit_amount = first.at(on)
        assert unit_amount is not None
        text = per_unit_text(first.unit, unit_amount, amount)
        extra = {"per_unit_yuan": unit_amount, "unit": first.unit}
    elif isinstance(first, EachPart):
        inner = bounds.bound(first.parts, on, {})
        text = per_element_text(first.element, inner, amount) if inner is not None else max_text(amount, False)
        extra = {"per_element_yuan": inner, "element": first.element}
    else:
        # Only a bare fixed amount is exact; anything computed or capped is "最高…".
        text = max_text(base, item.entitlement and base_parts == (first,) and item.kind == "fixed")
    for bonus in bonuses:
        value = bonus.at(on)
        if value is not None:
            text += f"；{bonus.text}的，再加{format_yuan(value)}"
    return MaxAward(item.id, item.clause, item.label, item.title, amount, item.entitlement, text, by_case, **extra)
