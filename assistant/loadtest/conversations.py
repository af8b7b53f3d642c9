"""The simulated users' conversations: each user asks about the same item in three turns, with their own level and
invested amount, and must get their own figure, computed here by the calculator from the rules data (not by the
app). Part of :mod:`assistant.loadtest`, which re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.errors import InputError

LEVELS = ("区级", "市级", "国家级")
FIRST_TURN = "我们有个标杆示范项目，想问能补多少"
ITEM = "5"


@dataclass(frozen=True)
class Script:
    """One simulated user's conversation and the figure they must get."""

    user: int
    level: str
    invested_wan: int
    expected_yuan: int

    @property
    def turns(self) -> tuple[str, ...]:
        return (FIRST_TURN, f"{self.level}的", f"已投入{self.invested_wan}万元")


def scripts(users: int, as_of: date) -> list[Script]:
    """Different numbers per user: levels rotate, investments 100万, 107万, 114万, … (all under the caps)."""
    from assistant.config import Settings
    from assistant.corpus import load_corpus
    from assistant.rules import calculate, load_rules

    settings = Settings.from_env()
    policy = next(p for p in load_corpus(settings.corpus_dir) if _has_item(p))
    rules = load_rules(policy, settings.corpus_dir)
    out = []
    for i in range(users):
        level, wan = LEVELS[i % len(LEVELS)], 100 + 7 * i
        result = calculate(rules, ITEM, {"level": level, "invested_yuan": wan * 10_000}, as_of)
        if result.amount_yuan is None:
            raise InputError(f"负载测试脚本无法测算第{ITEM}条（缺少 {result.missing_facts}）")
        out.append(Script(i, level, wan, result.amount_yuan))
    return out


def _has_item(policy: Any) -> bool:
    try:
        from assistant.rules import load_rules

        load_rules(policy).item(ITEM)
        return True
    except Exception:
        return False
