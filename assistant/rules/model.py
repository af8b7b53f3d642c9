"""A policy's award rules bound to the policy: clause labels and validity come from the policy itself.

``load_rules(policy)`` reads ``<policy folder>/rules.yaml`` (schema: :mod:`assistant.rules.schema`), checks
that every clause it cites exists, and binds each item to its clause's label as the clause parser wrote it
('第5条', '第三条'). Validity is read from the policy's metadata only (meta.yaml). YAML and validation
errors become :class:`assistant.errors.DataError`; a policy without rules.yaml raises
:class:`assistant.errors.RulesNotFound` and is simply left out by :func:`load_all_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from assistant.corpus.model import PolicyMeta
from assistant.errors import DataError, InputError, RulesNotFound
from assistant.rules.conditions import ConditionGroup
from assistant.rules.cross import CrossRule, DeductOtherSupport, NoteRule, NotRepeated
from assistant.rules.facts import FactSpec
from assistant.rules.schema import Item, RulesFile
from assistant.rules.wording import NO_FACT, NO_ITEM

if TYPE_CHECKING:
    from assistant.corpus import Corpus, Policy

RULES_FILE = "rules.yaml"


@dataclass(frozen=True)
class PolicyRules:
    """All award rules of one policy, bound to it (labels, validity)."""

    data: RulesFile
    meta: PolicyMeta
    labels: Mapping[str, str]
    """Clause id → label, from the clause parser."""
    items: tuple[Item, ...]
    _items: dict[str, Item] = field(default_factory=dict, init=False, repr=False, compare=False)
    _resolve: Any = field(default=None, repr=False, compare=False)
    _facts: dict[str, FactSpec] = field(default_factory=dict, init=False, repr=False, compare=False)
    _amount_facts: dict[str, list[FactSpec]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._items.update({i.id: i for i in self.items})
        self._facts.update({f.name: f for f in self.data.facts})

    # -- identity ---------------------------------------------------------------------------------------

    @property
    def policy_id(self) -> str:
        return self.data.policy_id

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def facts(self) -> dict[str, FactSpec]:
        """Every fact of the policy, by name, in declaration order (the asking order). Read-only."""
        return self._facts

    @property
    def condition_groups(self) -> tuple[ConditionGroup, ...]:
        return self.data.condition_groups

    @property
    def notes(self) -> tuple[NoteRule, ...]:
        return self.data.notes

    @property
    def cross_rules(self) -> tuple[CrossRule, ...]:
        return self.data.cross_rules

    def label(self, clause_id: str) -> str:
        """The clause's label in the policy's numbering ('第5条', '第三条', '一、支持对象')."""
        return self.labels.get(clause_id, clause_id)

    # -- items ----------------------------------------------------------------------------------------

    def item(self, item_id: str | int) -> Item:
        """An item by id, or by what people type for its clause ('第5条', '第三条', '3')."""
        key = str(item_id).strip()
        if key in self._items:
            return self._items[key]
        clause = self._resolve(key) if self._resolve else None
        hits = [i for i in self.items if clause is not None and i.clause == clause.clause_id]
        if len(hits) == 1:
            return hits[0]
        bare = key.removeprefix("第").removesuffix("条").removesuffix("项")
        if bare in self._items:
            return self._items[bare]
        choices = "、".join(f"{i.id}（{i.label}）" for i in self.items)
        raise InputError(NO_ITEM.format(title=self.title, item=bare, choices=choices))

    def match_items(self, text: str) -> list[str]:
        """Item ids whose title or aliases occur in ``text``, best (longest alias) first."""
        scores: dict[str, int] = {}
        for item in self.items:
            names = [*item.aliases, item.title]
            best = max((len(n) for n in names if n and n.lower() in text.lower()), default=0)
            if best:
                scores[item.id] = best
        order = [i.id for i in self.items]
        return sorted(scores, key=lambda i: (-scores[i], order.index(i)))

    # -- facts ----------------------------------------------------------------------------------------

    def groups_for(self, item_id: str | None) -> list[ConditionGroup]:
        """Condition groups that govern ``item_id`` (None: those that govern every item)."""
        return [g for g in self.condition_groups if g.applies(item_id)]

    def notes_when(self, facts: Iterable[str]) -> list[NoteRule]:
        """Notes that turn on one of ``facts`` (一事一议 on a project the district government approved)."""
        names = set(facts)
        return [n for n in self.notes if n.when and n.when.fact in names]

    def notes_for(self, item_id: str | None, where: str) -> list[NoteRule]:
        """Notes shown with an award or an eligibility answer about ``item_id`` (None: general ones)."""
        return [n for n in self.notes if where in n.show_in and n.covers(item_id)]

    def cross_rules_for(self, item_id: str, kind: str) -> list[Any]:
        return [r for r in self.cross_rules if r.rule == kind and r.covers(item_id)]

    def rule_clauses_of(self, facts: Iterable[str]) -> list[str]:
        """The clauses of the cross-item rules that read one of ``facts`` (support already received → 第13条)."""
        wanted = set(facts)
        return list(dict.fromkeys(r.clause for r in self.cross_rules if getattr(r, "fact", None) in wanted))

    def fact_spec(self, item_id: str, name: str) -> FactSpec:
        spec = self.facts.get(name)
        if spec is None or spec not in self.facts_for(item_id):
            raise InputError(NO_FACT.format(label=self.item(item_id).label, name=name))
        return spec

    def _specs(self, names: Iterable[str]) -> list[FactSpec]:
        facts = self.facts
        return [facts[n] for n in dict.fromkeys(names)]

    def amount_facts(self, item_id: str) -> list[FactSpec]:
        """Facts the figure depends on: the item's own (required first, in declaration order), then those of
        cross-item rules and award notes (e.g. other support, 一事一议). Worked out once per item (the rules
        are frozen); callers get a copy."""
        item = self.item(item_id)
        if item.id not in self._amount_facts:
            self._amount_facts[item.id] = self._amount_facts_of(item)
        return list(self._amount_facts[item.id])

    def _amount_facts_of(self, item: Item) -> list[FactSpec]:
        order = list(self.facts)
        own = sorted((n for n, _ in item.part_facts()), key=lambda n: (not self.facts[n].required, order.index(n)))
        cross = [r.fact for r in self.cross_rules if (isinstance(r, DeductOtherSupport) and r.covers(item.id))
                 or (isinstance(r, NotRepeated) and r.fact and r.then == item.id)]
        notes = [n.when.fact for n in self.notes_for(item.id, "award") if n.when]
        return self._specs([*own, *(c for c in cross if c), *notes])

    def eligibility_facts(self, item_id: str) -> list[FactSpec]:
        """Facts eligibility depends on: the item's conditions, then its condition groups'."""
        item = self.item(item_id)
        names = [c.fact for c in item.conditions]
        names += [c.fact for g in self.groups_for(item.id) for c in g.conditions]
        return self._specs(names)

    def general_facts(self) -> list[FactSpec]:
        """Facts of the conditions that govern every item (一、支持对象, 第14条 …)."""
        return self._specs(c.fact for g in self.groups_for(None) for c in g.conditions)

    def cross_cutting_facts(self) -> list[FactSpec]:
        """Facts that concern every item: the general conditions' facts, then those of cross-item rules and
        notes that apply to all items (e.g. other support for the same project, 一事一议)."""
        names = [f.name for f in self.general_facts()]
        names += [r.fact for r in self.cross_rules if isinstance(r, DeductOtherSupport) and r.items == "all"]
        names += [n.when.fact for n in self.notes if n.when and n.items == "all"]
        return self._specs(names)

    def facts_for(self, item_id: str) -> list[FactSpec]:
        """Every fact of an item, without duplicates, in the order a form shows them."""
        return self._specs(f.name for f in [*self.amount_facts(item_id), *self.eligibility_facts(item_id)])

    # -- dates ----------------------------------------------------------------------------------------

    def in_force(self, as_of: date) -> bool:
        return self.meta.in_force(as_of)

    def reference_date(self, as_of: date) -> date:
        """The date whose values apply: ``as_of`` clamped into the validity period, so a question asked
        after expiry (or before the start) is answered as the text said."""
        on = max(as_of, self.meta.effective_from)
        return min(on, self.meta.valid_until) if self.meta.valid_until else on

    def to_dict(self) -> dict[str, Any]:
        d = self.data.model_dump(mode="json")
        d["items"] = [i.model_dump(mode="json") for i in self.items]
        return d


# ---------------------------------------------------------------------------------------------------
# Loading and binding
# ---------------------------------------------------------------------------------------------------


def _format_validation(err: ValidationError) -> str:
    return "；".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in err.errors()[:5])


def parse_rules(data: Mapping[str, Any], source: str = RULES_FILE) -> RulesFile:
    """Validate a rules mapping (already read from YAML)."""
    try:
        return RulesFile.model_validate(data)
    except ValidationError as err:
        raise DataError(f"规则文件 {source} 格式有误：{_format_validation(err)}") from err


def load_rules_file(path: Path) -> RulesFile:
    """Read and validate one rules file (not yet bound to its policy)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DataError(f"无法读取规则文件 {path}：{err.strerror or err}") from err
    except yaml.YAMLError as err:
        raise DataError(f"规则文件 {path} 不是有效的 YAML：{err}") from err
    if not isinstance(data, Mapping):
        raise DataError(f"规则文件 {path} 应为一个映射（policy_id、items …）")
    return parse_rules(data, str(path))


def cited_clauses(data: RulesFile) -> list[str]:
    """Every clause id the rules cite (items, groups, notes, cross-item rules)."""
    ids = [i.clause for i in data.items] + [g.clause for g in data.condition_groups]
    ids += [n.clause for n in data.notes] + [r.clause for r in data.cross_rules]
    return list(dict.fromkeys(ids))


def bind(data: RulesFile, policy: Policy) -> PolicyRules:
    """Bind validated rules to their policy: every cited clause must exist; items get their labels."""
    if data.policy_id != policy.policy_id:
        raise DataError(f"规则文件的 policy_id 为“{data.policy_id}”，与政策“{policy.policy_id}”不符")
    missing = [c for c in cited_clauses(data) if not policy.has_clause(c)]
    if missing:
        raise DataError(f"规则文件引用了《{policy.meta.title}》中不存在的条款：{'、'.join(missing)}")
    labels = {c.clause_id: c.label for c in policy.clauses}
    items = tuple(i.model_copy(update={"label": labels[i.clause]}) for i in data.items)
    return PolicyRules(data, policy.meta, labels, items, _resolve=policy.resolve_clause)


def has_rules(policy: Policy) -> bool:
    return policy.folder is not None and (policy.folder / RULES_FILE).is_file()


def load_rules(policy: Policy | str, corpus_dir: Path | None = None) -> PolicyRules:
    """The rules of a policy (a :class:`Policy`, or its id in ``corpus_dir``), bound to it.

    The rules file is the one beside the policy's text (``policy.folder``). Raises RulesNotFound when the
    policy has none, DataError when it is malformed or cites a clause the policy does not have.
    """
    if isinstance(policy, str):
        from assistant.corpus import load_corpus

        policy = load_corpus(corpus_dir).policy(policy)
    if not has_rules(policy):
        raise RulesNotFound(f"《{policy.meta.name}》（{policy.policy_id}）暂无测算规则（缺少 {RULES_FILE}）")
    assert policy.folder is not None
    return bind(load_rules_file(policy.folder / RULES_FILE), policy)


def load_all_rules(corpus: Corpus) -> dict[str, PolicyRules]:
    """The rules of every policy that has them, by policy id; policies without rules.yaml are left out."""
    return {p.policy_id: load_rules(p) for p in corpus if has_rules(p)}


__all__ = ["RULES_FILE", "FactSpec", "Item", "PolicyRules", "bind", "load_all_rules", "load_rules"]
