"""Eligibility of an applicant for one award item: 符合 / 不符合 / 还需信息 / 需确认.

Checks, in order, the item's own conditions (e.g. 第1条 “获得‘上海市智能工厂’授牌”), the applicant
conditions of 一、支持对象 and the disqualification of 第14条. Every reason names its clause; a
condition whose threshold the text does not give (第7条 “达到一定数量”) is never decided here: it is
“需确认，以申报指南为准”.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from assistant.rules.calculator import Note, clause_label, validity_notes
from assistant.rules.model import Condition, FactSpec, PolicyRules

ConditionStatus = Literal["met", "not_met", "unknown", "to_confirm"]
EligibilityStatus = Literal["eligible", "ineligible", "needs_info", "to_confirm"]

#: Chinese words for the overall status, for answers and the UI.
STATUS_TEXT: dict[EligibilityStatus, str] = {
    "eligible": "符合",
    "ineligible": "不符合",
    "needs_info": "还需确认信息",
    "to_confirm": "需确认（以申报指南为准）",
}


@dataclass(frozen=True)
class Reason:
    """The outcome of one condition, with the clause it comes from."""

    fact: str
    condition: str
    clause: str
    status: ConditionStatus
    description: str
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "condition": self.condition,
            "clause": self.clause,
            "status": self.status,
            "description": self.description,
            "value": self.value,
        }


@dataclass(frozen=True)
class Eligibility:
    """Whether an applicant may claim an item.

    ``status``: ``eligible`` (all conditions met), ``ineligible`` (see ``failed``), ``needs_info``
    (``missing_facts`` names exactly the facts to ask for) or ``to_confirm`` (everything known is met but
    a condition depends on a number the text does not give — 以申报指南为准).
    """

    policy_id: str
    item_id: str
    clause: str
    title: str
    status: EligibilityStatus
    reasons: tuple[Reason, ...]
    missing_facts: tuple[str, ...]
    in_force: bool
    as_of: date
    notes: tuple[Note, ...]

    @property
    def failed(self) -> list[Reason]:
        return [r for r in self.reasons if r.status == "not_met"]

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    def clauses(self) -> list[str]:
        return list(dict.fromkeys([r.clause for r in self.reasons] + [n.clause for n in self.notes]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "item_id": self.item_id,
            "clause": self.clause,
            "title": self.title,
            "status": self.status,
            "status_text": self.status_text,
            "reasons": [r.to_dict() for r in self.reasons],
            "missing_facts": list(self.missing_facts),
            "in_force": self.in_force,
            "as_of": self.as_of.isoformat(),
            "notes": [n.to_dict() for n in self.notes],
            "clauses": self.clauses(),
        }


def evaluate_condition(cond: Condition, spec: FactSpec, clause: str, facts: Mapping[str, Any]) -> Reason:
    """Decide one condition from the facts (coercing the user's value to the fact's type)."""
    value = spec.coerce(facts.get(cond.fact))
    where = clause_label(clause)
    if cond.threshold_unknown:
        shown = f"（已知：{spec.label}{value}）" if value is not None else ""
        return Reason(
            cond.fact,
            cond.text,
            clause,
            "to_confirm",
            f"需确认：{cond.text}{shown}。{cond.unknown_note}（{where}）",
            value,
        )
    if value is None:
        return Reason(cond.fact, cond.text, clause, "unknown", f"待确认：{cond.text}（{where}）", None)
    if cond.require is not None:
        ok = value == cond.require
    elif cond.one_of is not None:
        ok = value in cond.one_of
    else:
        assert cond.at_least is not None
        ok = value >= cond.at_least
    status: ConditionStatus = "met" if ok else "not_met"
    verdict = "符合" if ok else "不符合"
    return Reason(cond.fact, cond.text, clause, status, f"{verdict}：{cond.text}（{where}）", value)


def check_eligibility(rules: PolicyRules, item_id: str, facts: Mapping[str, Any], as_of: date) -> Eligibility:
    """Check one item's own conditions, 一、支持对象 and 第14条 for ``facts`` on ``as_of``."""
    item = rules.item(item_id)
    reasons: list[Reason] = []
    for cond in item.conditions:
        reasons.append(evaluate_condition(cond, rules.fact_spec(item.id, cond.fact), item.clause, facts))
    for group in (rules.applicant, rules.disqualification):
        specs = {f.name: f for f in group.facts}
        for cond in group.conditions:
            reasons.append(evaluate_condition(cond, specs[cond.fact], group.clause, facts))

    missing = tuple(dict.fromkeys(r.fact for r in reasons if r.status == "unknown"))
    status: EligibilityStatus
    if any(r.status == "not_met" for r in reasons):
        status = "ineligible"
    elif missing:
        status = "needs_info"
    elif any(r.status == "to_confirm" for r in reasons):
        status = "to_confirm"
    else:
        status = "eligible"

    notes = validity_notes(rules, as_of)
    if rules.applicant.note:
        notes.append(Note(rules.applicant.note, rules.applicant.clause))
    nd = rules.no_duplication
    notes.append(Note(nd.apply_note, nd.clause))
    notes += [Note(n.text, n.clause) for n in rules.general_notes]
    return Eligibility(
        policy_id=rules.policy_id,
        item_id=item.id,
        clause=item.clause,
        title=item.title,
        status=status,
        reasons=tuple(reasons),
        missing_facts=missing,
        in_force=rules.in_force(as_of),
        as_of=as_of,
        notes=tuple(notes),
    )
