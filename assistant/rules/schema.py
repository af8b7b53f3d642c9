"""The schema of ``corpus/<policy-id>/rules.yaml``: items composed of formula parts, one fact dictionary,
condition groups, notes and cross-item rules — every section optional except ``items``.

Validation here is about the file on its own (types, references between its sections); the clauses it
cites are checked when the rules are bound to their policy (:func:`assistant.rules.model.bind`).
See docs/rules-schema.md for a maintainer's guide with a worked example per part.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from assistant.rules import parts as p
from assistant.rules.conditions import Condition, ConditionGroup, When
from assistant.rules.cross import CrossRule, DeductOtherSupport, NoteRule, NotRepeated
from assistant.rules.facts import FactSpec, facts_dictionary
from assistant.rules.params import Model

Once = Literal["applicant", "project", "person"]


class ItemNote(Model):
    """A sentence about one item (its clause is the item's); ``quote`` when it restates the clause."""

    text: str
    quote: str | None = None


class Item(Model):
    """One award item: its clause, how users name it, and its award as a composition of parts."""

    id: str
    clause: str
    title: str
    aliases: tuple[str, ...] = ()
    entitlement: bool
    """True when the text grants the figure (给予20万元); False when it is a ceiling (不超过/最高)."""
    once: Once | None = None
    """一次性 / 限享受一次: per applicant, per project or per person (the elements of ``each``)."""
    award: tuple[p.Part, ...]
    conditions: tuple[Condition, ...] = ()
    notes: tuple[ItemNote, ...] = ()
    label: str = ""
    """Bound from the policy's clause parser ('第5条', '第三条'); never written in the file."""

    @field_validator("notes", mode="before")
    @classmethod
    def _plain_notes(cls, v: Any) -> Any:
        return [{"text": n} if isinstance(n, str) else n for n in v or ()]

    @model_validator(mode="after")
    def _shape(self) -> Item:
        try:
            p.check_pipeline(self.award)
        except ValueError as err:
            raise ValueError(f"item {self.id}: {err}") from None
        if self.award[0].part == "up_to" and self.entitlement:
            raise ValueError(f"item {self.id}: up_to (最高…) is a ceiling, not an entitlement")
        if self.once == "person" and not self.each:
            raise ValueError(f"item {self.id}: once: person needs an each part (the persons)")
        tested = {c.fact for c in self.conditions}
        for fact in self.each.element_facts if self.each else ():
            if fact not in tested:
                raise ValueError(f"item {self.id}: element fact {fact} has no condition of the item")
        return self

    @property
    def kind(self) -> str:
        """The kind of the part that computes the figure ('fixed', 'rate', 'per_unit', …)."""
        return str(self.award[0].part)

    @property
    def each(self) -> p.EachPart | None:
        return next((x for x in self.award if isinstance(x, p.EachPart)), None)

    @property
    def parts(self) -> list[Any]:
        return p.walk(self.award)

    def part_facts(self) -> list[tuple[str, bool]]:
        out: dict[str, bool] = {}
        for part in self.parts:
            for name, needed in p.part_facts(part):
                out[name] = out.get(name, False) or needed
        return list(out.items())

    @property
    def fact_names(self) -> list[str]:
        """Every fact the item reads: its award's, then its conditions'."""
        return list(dict.fromkeys([n for n, _ in self.part_facts()] + [c.fact for c in self.conditions]))

    def numbers(self) -> list[tuple[str, Any]]:
        """Every policy number of the item as ('rate'|'money', value) — for the data tests."""
        return [n for part in self.parts for n in p.part_numbers(part)]

    def quotes(self) -> list[str]:
        return [q for part in self.parts for q in p.part_quotes(part)] + [n.quote for n in self.notes if n.quote]


class RulesFile(Model):
    """A whole rules.yaml, validated on its own."""

    policy_id: str
    title: str
    facts: tuple[FactSpec, ...] = ()
    condition_groups: tuple[ConditionGroup, ...] = ()
    notes: tuple[NoteRule, ...] = ()
    cross_rules: tuple[CrossRule, ...] = ()
    items: tuple[Item, ...] = Field(min_length=1)

    @field_validator("facts", mode="before")
    @classmethod
    def _dictionary(cls, v: Any) -> Any:
        return facts_dictionary(v)

    @model_validator(mode="after")
    def _references(self) -> RulesFile:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate item ids: {ids}")
        names = [f.name for f in self.facts]
        if len(names) != len(set(names)):
            raise ValueError("a fact is declared twice")
        facts = {f.name: f for f in self.facts}
        for item in self.items:
            _check_item(item, facts)
        for group in self.condition_groups:
            _check_items(group.applies_to, ids, f"clause {group.clause}")
            for cond in group.conditions:
                _check_condition(cond, facts, f"clause {group.clause}")
        for note in self.notes:
            _check_items(note.items, ids, f"note of clause {note.clause}")
            if note.when:
                _check_when(note.when, facts, f"note of clause {note.clause}")
        for rule in self.cross_rules:
            where = f"{rule.rule} of clause {rule.clause}"
            _check_items(getattr(rule, "items", "all"), ids, where)
            if isinstance(rule, NotRepeated):
                _check_items((rule.first, rule.then), ids, where)
                if rule.fact:
                    _need(facts, rule.fact, ("bool",), where)
            if isinstance(rule, DeductOtherSupport):
                _need(facts, rule.fact, ("money",), where)
        return self


def _need(facts: dict[str, FactSpec], name: str, types: tuple[str, ...], where: str) -> FactSpec:
    spec = facts.get(name)
    if spec is None:
        raise ValueError(f"{where}: fact {name} is used but not declared")
    if spec.type not in types:
        raise ValueError(f"{where}: fact {name} must be of type {'/'.join(types)}, is {spec.type}")
    return spec


def _check_items(items: Any, ids: list[str], where: str) -> None:
    if items != "all":
        unknown = [i for i in items if i not in ids]
        if unknown:
            raise ValueError(f"{where}: unknown items {unknown}")


def _check_when(when: When, facts: dict[str, FactSpec], where: str) -> None:
    spec = _need(facts, when.fact, ("bool",) if when.require is not None else ("choice",), where)
    if when.one_of is not None and not set(when.one_of) <= set(spec.options or ()):
        raise ValueError(f"{where}: one_of of {when.fact} must be among its options")


def _check_condition(cond: Condition, facts: dict[str, FactSpec], where: str) -> None:
    if cond.require is not None:
        _need(facts, cond.fact, ("bool",), where)
    elif cond.one_of is not None:
        spec = _need(facts, cond.fact, ("choice",), where)
        if not set(cond.one_of) <= set(spec.real_options):
            raise ValueError(f"{where}: one_of of {cond.fact} must be among its options (not a none option)")
    else:
        _need(facts, cond.fact, ("count", "money"), where)


def _check_item(item: Item, facts: dict[str, FactSpec]) -> None:
    where = f"item {item.id}"
    for part in item.parts:
        for name, _ in p.part_facts(part):
            if name not in facts:
                raise ValueError(f"{where}: fact {name} is used but not declared")
        if getattr(part, "by", None):
            spec = _need(facts, part.by, ("choice",), where)
            if set(spec.real_options) != set(part.cases or {}):
                raise ValueError(f"{where}: the cases of {part.part} must be the options of {part.by}")
        if isinstance(part, p.RatePart | p.ScalePart | p.BracketPart) and part.base:
            _need(facts, part.base, ("money",), where)
        if isinstance(part, p.RatePart):
            for ex in part.exclude:
                _need(facts, ex.fact, ("money",), where)
        if isinstance(part, p.PerUnitPart):
            _need(facts, part.count, ("count",), where)
        if isinstance(part, p.EachPart):
            _need(facts, part.fact, ("money_list",), where)
        if isinstance(part, p.CapPart) and part.received_fact:
            _need(facts, part.received_fact, ("money",), where)
        if isinstance(part, p.BonusPart):
            _check_when(part.when, facts, where)
        if isinstance(part, p.UpperSubsidyPart):
            _need(facts, part.subsidy_fact, ("money",), where)
            _need(facts, part.matching_fact, ("bool",), where)
            if part.matching_amount_fact:
                _need(facts, part.matching_amount_fact, ("money",), where)
            if part.matching_ratio_fact:
                _need(facts, part.matching_ratio_fact, ("ratio",), where)
    for cond in item.conditions:
        _check_condition(cond, facts, where)
