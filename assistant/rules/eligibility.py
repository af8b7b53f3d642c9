"""Eligibility of an applicant for one award item, or for the policy in general: 符合 / 不符合 / 还需信息 / 需确认.

Checks the item's own conditions, then every condition group that governs it (e.g. 一、支持对象 and the
disqualification clause); with no item, only the groups that govern every item. Every reason names its clause
and label; a condition whose threshold the text does not give ("达到一定数量") is never decided here: it is
"需确认，以申报指南为准".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from assistant.rules.calculator import validity_notes
from assistant.rules.conditions import Condition, ConditionStatus
from assistant.rules.facts import FactSpec
from assistant.rules.model import PolicyRules
from assistant.rules.trace import Note
from assistant.rules.wording import STATUS_TEXT, VERDICTS

EligibilityStatus = Literal["eligible", "ineligible", "needs_info", "to_confirm"]


@dataclass(frozen=True)
class Reason:
    """The outcome of one condition, with the clause it comes from."""

    fact: str
    condition: str
    clause: str
    status: ConditionStatus
    description: str
    value: Any = None
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "condition": self.condition,
            "clause": self.clause,
            "label": self.label,
            "status": self.status,
            "description": self.description,
            "value": self.value,
        }


@dataclass(frozen=True)
class Eligibility:
    """Whether an applicant may claim an item (``item_id`` None: the policy's general conditions).

    ``status``: ``eligible`` (all conditions met), ``ineligible`` (see ``failed``), ``needs_info``
    (``missing_facts`` names exactly the facts to ask for) or ``to_confirm`` (everything known is met but
    a condition depends on a number the text does not give — 以申报指南为准).
    """

    policy_id: str
    item_id: str | None
    clause: str | None
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


def evaluate_condition(
    cond: Condition, spec: FactSpec, clause: str, facts: Mapping[str, Any], label: str | None = None
) -> Reason:
    """Decide one condition from the facts (coercing the user's value to the fact's type)."""
    value = spec.coerce(facts.get(cond.fact))
    status = cond.decide(value)
    shown = f"（已知：{spec.label}{value}）" if value is not None else ""
    where = label or clause
    text = VERDICTS[status].format(text=cond.text, label=where, shown=shown, unknown_note=cond.unknown_note or "")
    return Reason(cond.fact, cond.text, clause, status, text, value, where)


def _status(reasons: list[Reason]) -> tuple[EligibilityStatus, tuple[str, ...]]:
    missing = tuple(dict.fromkeys(r.fact for r in reasons if r.status == "unknown"))
    if any(r.status == "not_met" for r in reasons):
        return "ineligible", missing
    if missing:
        return "needs_info", missing
    if any(r.status == "to_confirm" for r in reasons):
        return "to_confirm", missing
    return "eligible", missing


def check_eligibility(
    rules: PolicyRules, item_id: str | None, facts: Mapping[str, Any], as_of: date
) -> Eligibility:
    """Check one item's conditions and the groups that govern it (``item_id`` None: the general groups)."""
    item = rules.item(item_id) if item_id is not None else None
    reasons: list[Reason] = []
    if item is not None:
        for cond in item.conditions:
            reasons.append(evaluate_condition(cond, rules.facts[cond.fact], item.clause, facts, item.label))
    groups = rules.groups_for(item.id if item else None)
    for group in groups:
        for cond in group.conditions:
            reasons.append(
                evaluate_condition(cond, rules.facts[cond.fact], group.clause, facts, rules.label(group.clause))
            )
    status, missing = _status(reasons)
    notes = validity_notes(rules, as_of)
    notes += [Note(g.note, g.clause, "condition", rules.label(g.clause)) for g in groups if g.note]
    notes += [Note(n.text, n.clause, n.kind, rules.label(n.clause))
              for n in rules.notes_for(item.id if item else None, "eligibility")]
    return Eligibility(
        policy_id=rules.policy_id,
        item_id=item.id if item else None,
        clause=item.clause if item else None,
        title=item.title if item else rules.title,
        status=status,
        reasons=tuple(reasons),
        missing_facts=missing,
        in_force=rules.in_force(as_of),
        as_of=as_of,
        notes=tuple(notes),
    )


__all__ = ["STATUS_TEXT", "Eligibility", "EligibilityStatus", "Reason", "check_eligibility", "evaluate_condition"]
