"""The deterministic award calculator for one item: pure functions over the rules data.

``calculate`` reads the item's facts, runs its award parts (:mod:`assistant.rules.formulas`), then the
cross-item rules that act on one item's figure (other support deducted, "不再重复享受"), and returns the
figure with a structured, clause-cited trace and the notes an answer must carry.

Values are read on the as-of date clamped into the validity period (meta.yaml): a question asked after the
policy expired is answered as the text said, flagged ``in_force=False`` with the one validity notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.corpus.validity import validity_notice
from assistant.rules import bounds, formulas
from assistant.rules.cross import DeductOtherSupport, NotRepeated
from assistant.rules.facts import FactSpec
from assistant.rules.model import PolicyRules
from assistant.rules.money import format_yuan
from assistant.rules.parts import UpperSubsidyPart
from assistant.rules.schema import Item
from assistant.rules.trace import Note, TraceStep, make_step
from assistant.rules.wording import CONDITION_NOTE, ENTITLEMENT_VERB, ONCE_NOTES


@dataclass(frozen=True)
class ItemResult:
    """The award of one item for the facts given.

    ``amount_yuan`` is ``None`` when facts are missing (then ``missing_facts`` names them exactly, in asking
    order). Where the text says 不超过/最高 (``ceiling_is_entitlement`` False) the figure is a ceiling
    subject to review, not an entitlement.
    """

    policy_id: str
    item_id: str
    clause: str
    label: str
    title: str
    kind: str
    amount_yuan: int | None
    ceiling_yuan: int | None
    """The largest figure for the choices known so far ("最高可获…" before all facts are in)."""
    ceiling_is_entitlement: bool
    trace: tuple[TraceStep, ...]
    missing_facts: tuple[str, ...]
    in_force: bool
    as_of: date
    values_as_of: date
    """The date whose values were used: as_of clamped into the validity period."""
    notes: tuple[Note, ...]
    facts_used: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.amount_yuan is not None

    def clauses(self) -> list[str]:
        """Clause ids the result rests on (trace first, then notes), without duplicates."""
        return list(dict.fromkeys([s.clause for s in self.trace] + [n.clause for n in self.notes]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "item_id": self.item_id,
            "clause": self.clause,
            "label": self.label,
            "title": self.title,
            "kind": self.kind,
            "amount_yuan": self.amount_yuan,
            "amount_text": format_yuan(self.amount_yuan) if self.amount_yuan is not None else None,
            "ceiling_yuan": self.ceiling_yuan,
            "ceiling_is_entitlement": self.ceiling_is_entitlement,
            "trace": [s.to_dict() for s in self.trace],
            "missing_facts": list(self.missing_facts),
            "in_force": self.in_force,
            "as_of": self.as_of.isoformat(),
            "values_as_of": self.values_as_of.isoformat(),
            "notes": [n.to_dict() for n in self.notes],
            "facts_used": dict(self.facts_used),
            "clauses": self.clauses(),
        }


def read_facts(specs: Sequence[FactSpec], facts: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Coerce the facts named by ``specs``; return (values, missing required names).

    Optional facts take their declared default. Invalid values raise :class:`InputError`.
    """
    values: dict[str, Any] = {}
    missing: list[str] = []
    for spec in specs:
        value = spec.coerce(facts.get(spec.name))
        if value is None:
            if spec.required:
                missing.append(spec.name)
                continue
            value = spec.default
        values[spec.name] = value
    return values, missing


def validity_notes(rules: PolicyRules, as_of: date) -> list[Note]:
    """The validity notice as a note, when the policy is not in force on ``as_of``."""
    text = validity_notice(rules.meta, as_of)
    clause = rules.meta.validity_clause or ""
    return [Note(text, clause, "validity", rules.label(clause))] if text else []


def item_notes(rules: PolicyRules, item: Item, values: Mapping[str, Any], as_of: date) -> list[Note]:
    """Validity, the item's own notes, once, its conditions, then the policy's award notes."""
    notes = validity_notes(rules, as_of)
    notes += [Note(n.text, item.clause, "item", item.label) for n in item.notes]
    if item.once:
        element = item.each.element if item.each else ""
        notes.append(Note(ONCE_NOTES[item.once].format(element=element), item.clause, "item", item.label))
    for cond in item.conditions:
        text = CONDITION_NOTE.format(text=cond.text, unknown_note=cond.unknown_note or "")
        notes.append(Note(text, item.clause, "condition", item.label))
    for rule in rules.cross_rules_for(item.id, "deduct_other_support"):
        if rule.note:
            notes.append(Note(rule.note, rule.clause, "general", rules.label(rule.clause)))
    for n in rules.notes_for(item.id, "award"):
        text = n.text_when if n.when and n.when.holds(values.get(n.when.fact)) and n.text_when else n.text
        notes.append(Note(text, n.clause, n.kind, rules.label(n.clause)))
    return notes


def _conditional_missing(item: Item, values: Mapping[str, Any]) -> list[str]:
    """Facts asked only in some cases: 第5条 treats an upper-level subsidy differently with and without
    matching funds, so once a subsidy is named, ask which."""
    return [
        part.matching_fact
        for part in item.parts
        if isinstance(part, UpperSubsidyPart) and values.get(part.subsidy_fact)
        and values.get(part.matching_fact) is None
    ]


def _one_item_rules(rules: PolicyRules, item: Item, values: Mapping[str, Any], amount: int) -> tuple[list[TraceStep], int]:
    """Cross-item rules that act on this item's figure alone."""
    steps: list[TraceStep] = []
    for rule in rules.cross_rules:
        label = rules.label(rule.clause)
        if isinstance(rule, NotRepeated) and rule.then == item.id and rule.fact and values.get(rule.fact):
            words = {"quote": rule.quote, "fact_label": rules.facts[rule.fact].label, "then_label": item.label}
            steps.append(make_step("not_repeated", 0, rule.clause, label, {}, words))
            amount = 0
        if isinstance(rule, DeductOtherSupport) and rule.covers(item.id):
            # e.g. 从高不重复: the project ends up with the higher of the two, so this policy adds at most
            # the difference.
            other = int(values.get(rule.fact) or 0)
            if other > 0:
                new = max(amount - other, 0)
                words = {"support": rule.support, "principle": rule.principle,
                         "compare": "高于" if amount > other else "不高于"}
                steps.append(make_step("other_support", new, rule.clause, label,
                                       {"other_yuan": other, "standard_yuan": amount}, words))
                amount = new
    return steps, amount


def calculate(rules: PolicyRules, item_id: str, facts: Mapping[str, Any], as_of: date) -> ItemResult:
    """The maximum award of one item for ``facts`` on ``as_of``, with a clause-cited trace.

    Raises :class:`InputError` for an unknown item or an unusable fact value.
    """
    item = rules.item(item_id)
    on = rules.reference_date(as_of)
    values, missing = read_facts(rules.amount_facts(item.id), facts)
    missing += _conditional_missing(item, values)
    ctx = formulas.Ctx(on, values, item.clause, item.label, {n: f.label for n, f in rules.facts.items()})
    amount: int | None = None
    if not missing:
        amount = formulas.run(item.award, ctx)
        steps, amount = _one_item_rules(rules, item, values, amount)
        ctx.steps += steps
        ctx.steps.append(make_step("result", amount, item.clause, item.label, {},
                                   {"verb": ENTITLEMENT_VERB[item.entitlement]}))
    notes = item_notes(rules, item, values, as_of) + ctx.notes
    return ItemResult(
        policy_id=rules.policy_id,
        item_id=item.id,
        clause=item.clause,
        label=item.label,
        title=item.title,
        kind=item.kind,
        amount_yuan=amount,
        ceiling_yuan=bounds.bound(item.award, on, values),
        ceiling_is_entitlement=item.entitlement,
        trace=tuple(ctx.steps),
        missing_facts=tuple(missing),
        in_force=rules.in_force(as_of),
        as_of=as_of,
        values_as_of=on,
        notes=tuple(notes),
        facts_used={k: v for k, v in values.items() if v is not None},
    )


def __getattr__(name: str) -> Any:
    # Several items used to be computed here; their home is now assistant.rules.combine (imported lazily,
    # as combine builds on this module). Prefer ``from assistant.rules import calculate_many``.
    if name in ("CalcRequest", "CombinedResult", "calculate_many"):
        from assistant.rules import combine

        return getattr(combine, name)
    raise AttributeError(name)
