"""The simulated users' conversations, generated from a loaded policy's rules data: the first item whose figure
needs one choice (a level keying the cap) and one amount (the rate's base). Each user asks about that item in
three turns — the item by its short name, then their own option, then their own amount — and must get their own
figure, computed here by the calculator from the rules data (not by the app). Part of :mod:`assistant.loadtest`,
which re-exports every public name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.errors import InputError


@dataclass(frozen=True)
class Scenario:
    """Which item the users ask about and which two facts they give, all read from the rules data."""

    policy_id: str
    item: str
    """The item's id; its clause is the one every answer must cite."""
    clause: str
    name: str
    """What users call it: the short name in the item's title ("…（标杆示范项目）"), else the title."""
    choice_fact: str
    options: tuple[str, ...]
    base_fact: str
    base_text: str

    def turns(self, option: str, wan: int) -> tuple[str, ...]:
        return (f"我们有个{self.name}，想问能补多少", f"{option}的", f"{self.base_text}{wan}万元")


@dataclass(frozen=True)
class Script:
    """One simulated user's conversation and the figure they must get."""

    user: int
    level: str
    invested_wan: int
    expected_yuan: int
    turns: tuple[str, ...]
    clause: str


_SHORT_NAME = re.compile(r"（([^（）]+)）\s*$")


def scenario_of(rules: Any) -> Scenario | None:
    """The first item of ``rules`` whose award is a rate on one amount, capped by one choice fact."""
    from assistant.rules.parts import RatePart

    facts = rules.facts
    for item in rules.items:
        rate = next((p for p in item.award if isinstance(p, RatePart) and p.base and not p.exclude), None)
        keyed = next((getattr(p, "by", None) for p in item.award if getattr(p, "by", None)), None)
        spec = facts.get(keyed or "")
        if rate is None or spec is None or not spec.options:
            continue
        options = tuple(o for o in spec.options if o not in spec.none_options)
        short = _SHORT_NAME.search(item.title)
        return Scenario(rules.policy_id, item.id, item.clause, short.group(1) if short else item.title, spec.name,
                        options, str(rate.base), rate.base_text)
    return None


def load_scenario() -> tuple[Scenario, Any]:
    """The scenario of the first loaded policy that has one, with that policy's rules."""
    from assistant.config import Settings
    from assistant.corpus import load_corpus
    from assistant.rules import load_rules

    settings = Settings.from_env()
    for policy in load_corpus(settings.corpus_dir):
        try:
            rules = load_rules(policy, settings.corpus_dir)
        except Exception:  # noqa: BLE001 - a policy without rules data has no scenario
            continue
        found = scenario_of(rules)
        if found is not None:
            return found, rules
    raise InputError("负载测试需要一项“按金额比例资助、按级别封顶”的资助项目，已收录的政策中没有")


def scripts(users: int, as_of: date, scenario: tuple[Scenario, Any] | None = None) -> list[Script]:
    """Different numbers per user: options rotate, amounts 100万, 107万, 114万, …"""
    from assistant.rules import calculate

    chosen, rules = scenario or load_scenario()
    out = []
    for i in range(users):
        option, wan = chosen.options[i % len(chosen.options)], 100 + 7 * i
        facts = {chosen.choice_fact: option, chosen.base_fact: wan * 10_000}
        result = calculate(rules, chosen.item, facts, as_of)
        if result.amount_yuan is None:
            raise InputError(f"负载测试脚本无法测算第{chosen.item}项（缺少 {result.missing_facts}）")
        out.append(Script(i, option, wan, result.amount_yuan, chosen.turns(option, wan), chosen.clause))
    return out
