"""The learned reranker: which clause a look-up question is about, learned from questions people asked.

BM25 and the small offline embedders compare a question with the *clause text*; a caller's words often share
nothing with it ("钱啥时候到账", "入统了吗"). Questions compare far better with questions. So each policy may
bring example look-ups with the clause that answers each (``corpus/<policy-id>/lookups.yaml``), and every
policy brings its clauses' own sentences (title and each sentence of the text), so a policy with no examples
still has a model. Per policy:

* a classifier: multinomial naive Bayes over character 1–3-grams (TF-IDF, sublinear;
  :mod:`assistant.retrieval.char_bayes`), trained on the examples and the clause sentences; its probability over
  the policy's clauses (they sum to 1 within a policy, so no policy wins by having more examples);
* the nearest example: each clause's best cosine between the question and that clause's example questions.

Fused into hybrid retrieval as ``LEARNED_WEIGHT × probability + EXAMPLE_WEIGHT × lift of the nearest example``,
damped when the question's words match one clause decisively (:func:`lexical_gate`). The model, the weights, the
gate and the smoothing were chosen by 5-fold cross-validation on the training questions (recall@3 first, then
recall@1); docs/retrieval.md §9 has the measurements on held-out sets.

Training is one pass over a few hundred short texts at start (plus embedding the examples) and is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from assistant.corpus import Clause, Policy
from assistant.errors import DataError
from assistant.retrieval.char_bayes import CharBayes
from assistant.retrieval.lexicon import normalise

LOOKUPS_FILE = "lookups.yaml"
#: Weight of the classifier's probability in the hybrid score (the lexical half is at most 1).
LEARNED_WEIGHT = 1.0
#: Weight of the nearest example question's lift.
EXAMPLE_WEIGHT = 1.0
#: Cosines at or below this are unrelated questions (the lift is 0); the lift reaches 1 at cosine 1.
EXAMPLE_FLOOR = 0.5
#: How much a decisive lexical match damps the learned boost: the boost is multiplied by 1 − LEXICAL_GATE × the
#: BM25 margin (best − second) / best. "钱啥时候到账": the word 到账 names one clause far ahead of any other, and
#: the question's form (啥时候, asked mostly of the validity clause) must not outvote it.
LEXICAL_GATE = 0.8
#: Additive smoothing of the naive Bayes classifier.
ALPHA = 0.03
#: Clause sentences shorter than this (after normalising) teach nothing.
MIN_SENTENCE = 4
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


@dataclass(frozen=True)
class LookupExample:
    """One example question and the clause(s) of its policy that answer it."""

    policy_id: str
    query: str
    clauses: tuple[str, ...]
    source: str = ""


def read_lookups(policy: Policy, clause_ids: Sequence[str]) -> list[LookupExample]:
    """A policy's ``lookups.yaml`` (none: no examples). A malformed file, or a clause id the policy does not have,
    is a :class:`DataError`."""
    if policy.folder is None or not (policy.folder / LOOKUPS_FILE).exists():
        return []
    path: Path = policy.folder / LOOKUPS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取检索示例 {path}：{err}") from err
    if not isinstance(data, list):
        raise DataError(f"检索示例 {path} 应是一个列表。")
    known = set(clause_ids)
    out: list[LookupExample] = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not str(item.get("query") or "").strip() or not item.get("clauses"):
            raise DataError(f"检索示例 {path} 第 {n} 项格式不对（需要 query 和 clauses）：{item!r}")
        clauses = tuple(str(c) for c in item["clauses"])
        if unknown := [c for c in clauses if c not in known]:
            raise DataError(f"检索示例 {path} 第 {n} 项的条款 {'、'.join(unknown)} 不在政策 {policy.policy_id} 中。")
        out.append(LookupExample(policy.policy_id, str(item["query"]).strip(), clauses, str(item.get("from", ""))))
    return out


def clause_sentences(clause: Clause) -> list[str]:
    """What a clause says, sentence by sentence (with its title): the examples every clause has."""
    pieces = [clause.title, *_SENTENCE_END.split(clause.text)]
    return [p for p in (normalise(x) for x in pieces if x) if len(p) >= MIN_SENTENCE]


def lexical_gate(lexical: np.ndarray) -> float:
    """The factor on the learned boost for a question whose BM25 scores (over the candidate clauses) are
    ``lexical``: 1 when no clause leads, down to 1 − LEXICAL_GATE when one clause alone matches."""
    if len(lexical) < 2:
        return 1.0
    first, second = np.partition(lexical, len(lexical) - 2)[-1:-3:-1]
    return 1.0 - LEXICAL_GATE * float((first - second) / first) if first > 0 else 1.0


@dataclass
class _PolicyModel:
    policy: Policy
    columns: np.ndarray
    """State clause index of each label of the classifier."""
    classifier: CharBayes
    example_vectors: np.ndarray
    example_columns: np.ndarray


#: Embeds a policy's example questions (the retriever's embedder, through its cache).
Embed = Callable[[Sequence[str]], np.ndarray]


def _fit_policy(policy: Policy, index: dict[str, int], clauses: Sequence[Clause], embed: Embed | None
                ) -> _PolicyModel | None:
    """One policy's model; ``index``: its live clauses' ids → state index."""
    texts: list[str] = []
    labels: list[int] = []
    for example in read_lookups(policy, list(index)):
        for clause_id in example.clauses:
            texts.append(normalise(example.query))
            labels.append(index[clause_id])
    asked = len(labels)
    for ci in index.values():
        for sentence in clause_sentences(clauses[ci]):
            texts.append(sentence)
            labels.append(ci)
    if len(set(labels)) < 2:
        return None
    classifier = CharBayes(texts, labels, ALPHA)
    vectors = np.zeros((0, 0), dtype=np.float32)
    if embed is not None and asked:
        vectors = np.asarray(embed(texts[:asked]), dtype=np.float32)
    return _PolicyModel(policy, classifier.labels, classifier, vectors, np.asarray(labels[:len(vectors)], dtype=np.int64))


class LearnedReranker:
    """One model per policy over the live clauses of a retriever state; :meth:`scores` gives each clause's boost."""

    def __init__(self, models: Sequence[_PolicyModel], size: int) -> None:
        self._models = list(models)
        self._size = size

    @property
    def empty(self) -> bool:
        return not self._models

    @classmethod
    def fit(
        cls,
        clauses: Sequence[Clause],
        alive: np.ndarray,
        policies: dict[str, Policy],
        embed: Embed | None,
        previous: LearnedReranker | None = None,
    ) -> LearnedReranker:
        """Train a model for every policy with at least two live clauses (``clauses`` in state order). A model of
        ``previous`` is kept for a policy whose object and clauses are unchanged (a policy added beside it does not
        retrain, nor embed again, the others)."""
        kept = {id(m.policy): m for m in (previous._models if previous is not None else ())}
        models: list[_PolicyModel] = []
        for policy_id, policy in policies.items():
            index = {c.clause_id: i for i, c in enumerate(clauses) if alive[i] and c.policy_id == policy_id}
            old = kept.get(id(policy))
            if old is not None and set(old.columns) <= set(index.values()):
                models.append(old)
            elif len(index) >= 2 and (model := _fit_policy(policy, index, clauses, embed)) is not None:
                models.append(model)
        return cls(models, len(clauses))

    def scores(self, query: str, vector: np.ndarray | None) -> np.ndarray:
        """Each clause's boost for ``query`` (0 for clauses no model covers); ``vector``: the query's embedding."""
        boost = np.zeros(self._size, dtype=np.float64)
        text = normalise(query)
        for model in self._models:
            boost[model.columns] += LEARNED_WEIGHT * model.classifier.probabilities(text)
            if vector is not None and len(model.example_columns):
                sims = model.example_vectors @ vector
                lift = np.clip((sims - EXAMPLE_FLOOR) / (1.0 - EXAMPLE_FLOOR), 0.0, None)
                nearest = np.zeros(self._size, dtype=np.float64)
                np.maximum.at(nearest, model.example_columns, lift)
                boost += EXAMPLE_WEIGHT * nearest
        return boost
