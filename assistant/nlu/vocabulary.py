"""What the reader knows of each loaded policy, built from its data only.

For every policy: the words that name it (region, issuer, short title), its award items with their aliases
(from ``rules.yaml``) weighted by how specific each alias is, its facts (types, options) and how users phrase
them (``lexicon.yaml``), and its own training examples (``nlu.yaml``, optional). A policy without rules still
has a vocabulary (its names), so questions can be routed to it for look-ups.

Alias weights are learned from the clause texts, not written by hand: an alias that also occurs in another
item's clause (a keyword such as "5G" in two items) names its item less surely than one that occurs only in
its own clause.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.corpus import Corpus, Policy
from assistant.errors import DataError
from assistant.nlu.lexicon import FactCues, load_lexicon

NLU_FILE = "nlu.yaml"
LEXICON_FILE = "lexicon.yaml"
#: Weight of an alias that also appears in another item's clause or alias list.
SHARED_ALIAS_WEIGHT = 0.5
#: Suffixes of a policy title that carry no name of their own.
_TITLE_SUFFIXES = ("实施细则", "实施意见", "实施办法", "若干措施", "若干政策", "管理办法", "办法", "意见", "措施", "细则", "规定")


@dataclass(frozen=True)
class Alias:
    """One way users name an item, with how surely it names that item (0–1)."""

    text: str
    weight: float


@dataclass(frozen=True)
class ItemVocab:
    """An award item as the reader sees it."""

    policy_id: str
    item_id: str
    clause: str
    label: str
    title: str
    aliases: tuple[Alias, ...]


@dataclass(frozen=True)
class PolicyVocab:
    """One policy's words."""

    policy_id: str
    title: str
    short_title: str
    region: str
    region_short: str
    issuer: str
    names: tuple[str, ...]
    """Words that name this policy: region, issuer, short title, title."""
    items: tuple[ItemVocab, ...]
    facts: Mapping[str, Any]
    """Fact name → FactSpec (every fact its rules declare); empty without rules."""
    lexicon: Mapping[str, FactCues]
    examples: Mapping[str, tuple[str, ...]]
    """Intent → this policy's own training sentences (nlu.yaml)."""
    has_rules: bool
    region_parent: str = ""
    """The region the policy's region lies in (上海市): a place no amount is said to be outside of."""

    def item(self, item_id: str) -> ItemVocab:
        return next(i for i in self.items if i.item_id == item_id)

    def cues(self, fact: str) -> FactCues:
        return self.lexicon.get(fact, FactCues())


@dataclass(frozen=True)
class Catalog:
    """Every loaded policy's vocabulary, in corpus order."""

    policies: tuple[PolicyVocab, ...]
    _by_id: dict[str, PolicyVocab] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({p.policy_id: p for p in self.policies})

    def __iter__(self) -> Iterator[PolicyVocab]:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def policy(self, policy_id: str) -> PolicyVocab:
        return self._by_id[policy_id]

    @property
    def regions(self) -> set[str]:
        return {p.region for p in self.policies if p.region}


def short_title(title: str, region: str) -> str:
    """'«region»«subject»专项支持实施意见' → '«subject»专项支持'."""
    text = title
    for prefix in (region, region[:2] if len(region) > 2 else "", "上海市"):
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in _TITLE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            text = text[: -len(suffix)]
            break
    return text.removeprefix("关于")


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text) if len(w.strip()) >= 2]


def _alias_weights(policy: Policy, items: Sequence[Any]) -> dict[str, list[Alias]]:
    """Weight each item's aliases by specificity. An alias is shared — it names its item less surely — when it
    occurs in another item's clause or alias list, or when every word of it does ("数字化改造" where another
    clause says "数字化、网络化、智能化改造")."""
    texts = {i.id: (policy.clause(i.clause).text if policy.has_clause(i.clause) else "").lower() for i in items}
    out: dict[str, list[Alias]] = {}
    for item in items:
        names = [a for a in dict.fromkeys([*item.aliases, item.title]) if a and len(a) >= 2]
        weighted = []
        for name in names:
            low = name.lower()
            words = _words(low)
            shared = any(
                other.id != item.id
                and (
                    low in texts[other.id]
                    or any(low == a.lower() for a in other.aliases)
                    or (len(words) > 1 and all(w in texts[other.id] for w in words))
                )
                for other in items
            )
            weighted.append(Alias(name, SHARED_ALIAS_WEIGHT if shared else 1.0))
        out[item.id] = weighted
    return out


def _examples(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取训练样例 {path}：{err}") from err
    examples = data.get("examples") if isinstance(data, Mapping) else None
    if not isinstance(examples, Mapping):
        raise DataError(f"训练样例 {path} 应为 examples: {{意图: [句子…]}}")
    return {str(k): tuple(str(s) for s in v or ()) for k, v in examples.items()}


def policy_vocab(policy: Policy, rules: Any | None, folder: Path) -> PolicyVocab:
    meta = policy.meta
    region = meta.region or ""
    items: list[ItemVocab] = []
    if rules is not None:
        weights = _alias_weights(policy, rules.items)
        for item in rules.items:
            label = item.label or item.clause
            items.append(ItemVocab(policy.policy_id, item.id, item.clause, label, item.title, tuple(weights[item.id])))
    facts: dict[str, Any] = dict(rules.facts) if rules is not None else {}
    short = short_title(meta.title, region)
    names = tuple(x for x in dict.fromkeys([region, meta.issuer, short, meta.title]) if x and len(x) >= 2)
    return PolicyVocab(
        policy_id=policy.policy_id,
        title=meta.title,
        short_title=short,
        region=region,
        region_short=region[:-1] if len(region) > 2 and region[-1] in "区县市" else region,
        region_parent=meta.region_parent or "",
        issuer=meta.issuer,
        names=names,
        items=tuple(items),
        facts=facts,
        lexicon=load_lexicon(folder / LEXICON_FILE),
        examples=_examples(folder / NLU_FILE),
        has_rules=rules is not None,
    )


def build_catalog(corpus: Corpus, rules: Mapping[str, Any]) -> Catalog:
    """The vocabulary of every policy in ``corpus`` (``rules``: policy id → PolicyRules, where it has any)."""
    return Catalog(tuple(policy_vocab(p, rules.get(p.policy_id), _folder(corpus, p)) for p in corpus))


def _folder(corpus: Corpus, policy: Policy) -> Path:
    """The policy's own folder (a corpus may gather policies from several folders)."""
    folder = getattr(policy, "folder", None)
    return Path(folder) if folder else corpus.root / policy.policy_id
