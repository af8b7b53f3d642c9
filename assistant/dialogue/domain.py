"""The loaded policies as the dialogue sees them: corpus, rules and the reader's vocabulary, with the few
questions the tracker and the dialogue policy ask of them (which facts an item needs, which item a fact
belongs to, whether a policy is in force).

Read-only and shared by every conversation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from assistant.corpus import Clause, Corpus, Policy
from assistant.nlu.vocabulary import Catalog


@dataclass(frozen=True)
class Domain:
    corpus: Corpus
    rules: Mapping[str, Any]
    """Policy id → PolicyRules (policies without rules.yaml are absent)."""
    catalog: Catalog

    # -- policies --------------------------------------------------------------------------------------
    def policy(self, policy_id: str) -> Policy:
        return self.corpus.policy(policy_id)

    @property
    def policy_ids(self) -> list[str]:
        return [p.policy_id for p in self.corpus]

    @property
    def several(self) -> bool:
        return len(self.corpus) > 1

    def in_force(self, policy_id: str, as_of: date) -> bool:
        return self.policy(policy_id).meta.in_force(as_of)

    def has_rules(self, policy_id: str) -> bool:
        return policy_id in self.rules

    def clause(self, policy_id: str, clause_id: str) -> Clause | None:
        policy = self.policy(policy_id)
        return policy.clause(clause_id) if policy.has_clause(clause_id) else None

    def clause_refs(self, policy_id: str, refs: Sequence[Any]) -> tuple[str, ...]:
        """The clause ids a message's references name in this policy ("第5条", "附则"), each once, in order."""
        policy = self.policy(policy_id)
        out: list[str] = []
        for ref in refs:
            clause = policy.resolve_clause(ref.text)
            if clause is None and ref.title:
                clause = next((c for c in policy.clauses if c.title == ref.title), None)
            if clause is not None and clause.clause_id not in out:
                out.append(clause.clause_id)
        return tuple(out)

    def label(self, policy_id: str, clause_id: str) -> str:
        clause = self.clause(policy_id, clause_id)
        return clause.label if clause else clause_id

    # -- items and facts -------------------------------------------------------------------------------
    def item_ids(self, policy_id: str) -> list[str]:
        rules = self.rules.get(policy_id)
        return [i.id for i in rules.items] if rules is not None else []

    def item_by_clause(self, policy_id: str, clause_id: str) -> str | None:
        rules = self.rules.get(policy_id)
        if rules is None:
            return None
        return next((i.id for i in rules.items if i.clause == clause_id), None)

    def item_clauses(self, policy_id: str, items: Sequence[str]) -> frozenset[str]:
        """The clause ids of these items."""
        rules = self.rules.get(policy_id)
        return frozenset(i.clause for i in rules.items if i.id in items) if rules is not None else frozenset()

    def fact_spec(self, policy_id: str, name: str) -> Any | None:
        vocab = self.catalog.policy(policy_id)
        return vocab.facts.get(name)

    def applicant_facts(self, policy_id: str) -> set[str]:
        """The facts about who may apply (registration, tax, operation, credit): conditions of every item."""
        rules = self.rules.get(policy_id)
        return {f.name for f in rules.general_facts()} if rules is not None else set()

    def amount_facts(self, policy_id: str, items: Sequence[str]) -> list[str]:
        rules = self.rules.get(policy_id)
        if rules is None:
            return []
        names: list[str] = []
        for item in items:
            names += [s.name for s in rules.amount_facts(item)]
        return list(dict.fromkeys(names))

    def item_facts(self, policy_id: str, items: Sequence[str]) -> list[str]:
        """Every fact of these items (amount and eligibility), in form order."""
        rules = self.rules.get(policy_id)
        if rules is None:
            return []
        names: list[str] = []
        for item in items:
            names += [s.name for s in rules.facts_for(item)]
        return list(dict.fromkeys(names))

    @cached_property
    def _fact_items(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(policy, fact) → the items whose own facts include it (facts shared by every item map to none)."""
        out: dict[tuple[str, str], list[str]] = {}
        for pid, rules in self.rules.items():
            general = {s.name for s in rules.cross_cutting_facts()}
            for item in rules.items:
                for spec in rules.facts_for(item.id):
                    if spec.name not in general:
                        out.setdefault((pid, spec.name), []).append(item.id)
        return {k: tuple(v) for k, v in out.items()}

    def items_of_fact(self, policy_id: str, fact: str) -> tuple[str, ...]:
        return self._fact_items.get((policy_id, fact), ())

