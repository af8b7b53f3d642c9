"""The largest figure an award item can give, computed from its rules data (for the "which item?" menu).

A fixed amount is itself; a ceiling is the largest figure (one per case when the ceiling depends on a choice:
区级/市级/国家级). Nothing here is a policy number: every value is read from the rules for the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.rules.model import PolicyRules
from assistant.rules.money import format_yuan


@dataclass(frozen=True)
class MaxAward:
    item_id: str
    clause: str
    amount_yuan: int | None
    """The largest figure over all cases (None when the text gives none)."""
    by_case: tuple[tuple[str, int], ...] = ()
    entitlement: bool = False

    @property
    def text(self) -> str:
        if self.by_case:
            return "、".join(f"{case}最高{format_yuan(v)}" for case, v in self.by_case)
        if self.amount_yuan is None:
            return "按申报指南"
        return f"{format_yuan(self.amount_yuan)}" if self.entitlement else f"最高{format_yuan(self.amount_yuan)}"


def max_award(rules: PolicyRules, item_id: str, as_of: date) -> MaxAward:
    item = rules.item(item_id)
    on = rules.reference_date(as_of)
    if item.amount is not None:
        return MaxAward(item.id, item.clause, item.amount.at(on), entitlement=True)
    ceiling = item.ceiling
    if ceiling is None:
        return MaxAward(item.id, item.clause, None)
    if ceiling.cases is not None:
        cases = tuple((case, ceiling.at(on, case)) for case in ceiling.cases)
        return MaxAward(item.id, item.clause, max(v for _, v in cases), cases)
    return MaxAward(item.id, item.clause, ceiling.at(on))
