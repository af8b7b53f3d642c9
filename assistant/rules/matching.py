"""政策匹配: every award item of a policy run through eligibility and the calculator for one profile.

An item **fits** (``eligible``) when its own conditions hold and its figure can be computed; it **may fit**
(``need_info``) when a fact that decides it is unknown — exactly those facts are listed, and one question to
ask next; it **does not fit** (``not_eligible``) when a condition is known to fail, with the reasons. The
conditions every applicant must meet (支持对象, 取消资格) are judged once for the policy: one known to fail
makes every item not fit; unknown ones are listed once as what must still hold, not item by item.

The total is what the cross-item rules allow (:func:`~assistant.rules.combine.calculate_many`: each item a
project of its own unless the profile says otherwise, 不再重复享受, 就高不重复, mutual exclusions), never a
plain sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from assistant.errors import InputError
from assistant.rules.calculator import calculate
from assistant.rules.combine import CalcRequest, calculate_many
from assistant.rules.eligibility import Reason, check_eligibility
from assistant.rules.maximum import max_award
from assistant.rules.model import PolicyRules
from assistant.rules.trace import TraceStep

MatchStatus = Literal["eligible", "need_info", "not_eligible"]
STATUS_WORDS: dict[MatchStatus, str] = {"eligible": "符合", "need_info": "还需确认", "not_eligible": "不符合"}


@dataclass(frozen=True)
class ItemMatch:
    policy_id: str
    item_id: str
    clause: str
    label: str
    title: str
    status: MatchStatus
    amount_yuan: int | None
    """The calculator's figure when the item fits (None otherwise)."""
    max_text: str
    """The item's largest figure in words ("最高200万元"), from the calculator's bounds."""
    trace: tuple[TraceStep, ...]
    missing_facts: tuple[str, ...]
    """Exactly the facts that decide the item (its own conditions, then its figure), in asking order."""
    reasons: tuple[Reason, ...]
    """Its own conditions' outcomes (each with its clause); for ``not_eligible``, the failed ones first."""
    question: str | None = None
    """The one question to ask next (for ``need_info``)."""
    entitlement: bool = False
    known: int = 0
    """How many of its own facts the profile already gives (items the user spoke about come first)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "policy_id": self.policy_id,
            "clause": self.clause,
            "label": self.label,
            "title": self.title,
            "status": self.status,
            "amount_yuan": self.amount_yuan,
            "max_text": self.max_text,
            "missing_facts": list(self.missing_facts),
            "question": self.question,
            "reasons": [{"text": r.description, "clause": r.clause, "status": r.status} for r in self.reasons],
            "trace": [s.to_dict() for s in self.trace],
        }


@dataclass(frozen=True)
class PolicyMatch:
    """One policy's items for one profile."""

    policy_id: str
    in_force: bool
    items: tuple[ItemMatch, ...]
    general_failed: tuple[Reason, ...]
    """Conditions every applicant must meet that the profile fails (every item then does not fit)."""
    general_unknown: tuple[Reason, ...]
    """Conditions every applicant must meet that are not known yet (said once, for every item)."""
    total_yuan: int | None
    """What the fitting items allow together under the cross-item rules; None with fewer than two."""
    total_trace: tuple[TraceStep, ...] = field(default_factory=tuple)

    def of(self, status: MatchStatus) -> list[ItemMatch]:
        return [m for m in self.items if m.status == status]


def _own(rules: PolicyRules, item_id: str, facts: Mapping[str, Any], as_of: date) -> list[Reason]:
    clause = rules.item(item_id).clause
    return [r for r in check_eligibility(rules, item_id, facts, as_of).reasons if r.clause == clause]


def match_item(rules: PolicyRules, item_id: str, facts: Mapping[str, Any], as_of: date) -> ItemMatch:
    item = rules.item(item_id)
    own = _own(rules, item_id, facts, as_of)
    best = max_award(rules, item_id, as_of)
    base: dict[str, Any] = dict(policy_id=rules.policy_id, item_id=item.id, clause=item.clause, label=item.label,
                                title=item.title, max_text=best.text, entitlement=item.entitlement)
    own_facts = list(dict.fromkeys([c.fact for c in item.conditions] + [s.name for s in rules.amount_facts(item.id)]))
    known = sum(1 for f in own_facts if facts.get(f) not in (None, ""))
    failed = [r for r in own if r.status == "not_met"]
    if failed:
        return ItemMatch(**base, status="not_eligible", amount_yuan=None, trace=(), missing_facts=(),
                         reasons=tuple(failed + [r for r in own if r not in failed]), known=known)
    try:
        result = calculate(rules, item_id, facts, as_of)
    except InputError:
        result = None
    unknown = [r.fact for r in own if r.status == "unknown"]
    missing = list(dict.fromkeys(unknown + list(result.missing_facts if result else ())))
    if missing or result is None or result.amount_yuan is None:
        first = missing[0] if missing else None
        question = rules.facts[first].question if first and first in rules.facts else None
        return ItemMatch(**base, status="need_info", amount_yuan=None, trace=(), missing_facts=tuple(missing),
                         reasons=tuple(own), question=question, known=known)
    return ItemMatch(**base, status="eligible", amount_yuan=result.amount_yuan, trace=result.trace,
                     missing_facts=(), reasons=tuple(own), known=known)


def _project_facts(rules: PolicyRules, facts: Mapping[str, Any]) -> Any:
    """Facts per item. Amounts that concern "the same project" across items (other support already received:
    从高不重复) belong to the items whose project the profile describes by an amount — not to a fixed award
    such as a certification bonus in the same profile."""
    shared = {s.name for s in rules.cross_cutting_facts() if s.type in ("money", "money_list")}

    def of(item_id: str) -> Mapping[str, Any]:
        own = [s.name for s in rules.amount_facts(item_id) if s.name not in shared and s.type in ("money", "money_list")]
        if any(facts.get(n) for n in own):
            return facts
        return {k: v for k, v in facts.items() if k not in shared}

    return of


def match_policy(
    rules: PolicyRules, facts: Mapping[str, Any], as_of: date, same_project: bool = False
) -> PolicyMatch:
    """Every item of ``rules`` for ``facts``: fits, may fit, does not fit; the total the rules allow."""
    general = list(check_eligibility(rules, None, facts, as_of).reasons)
    projects = _project_facts(rules, facts)
    general_failed = tuple(r for r in general if r.status == "not_met")
    general_unknown = tuple(r for r in general if r.status == "unknown")
    items = [match_item(rules, i.id, projects(i.id), as_of) for i in rules.items]
    if general_failed:
        items = [
            replace(m, status="not_eligible", amount_yuan=None, reasons=(*general_failed, *m.reasons),
                    missing_facts=(), question=None, trace=())
            for m in items
        ]
    fitting = [m for m in items if m.status == "eligible"]
    total: int | None = None
    trace: tuple[TraceStep, ...] = ()
    if len(fitting) >= 2:
        project = "本项目" if same_project else None
        combined = calculate_many(rules, [CalcRequest(m.item_id, projects(m.item_id), project) for m in fitting], as_of)
        total, trace = combined.total_yuan, combined.trace
    order = {"eligible": 0, "need_info": 1, "not_eligible": 2}
    items.sort(key=lambda m: (order[m.status], -(m.amount_yuan or 0), -m.known))
    return PolicyMatch(rules.policy_id, rules.in_force(as_of), tuple(items), general_failed, general_unknown,
                       total, trace)
