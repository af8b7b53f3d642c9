"""The retriever's state: everything a search reads (corpus, analyser, BM25 index, clauses, records, vectors),
swapped as one object when a policy is added, and how a state with more records appended is built (each clause's
BM25 fields and the senses it carries).

Part of :mod:`assistant.retrieval.retriever`, which re-exports :func:`clause_senses`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.corpus import Clause, Corpus, Policy
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.learned import LearnedReranker
from assistant.retrieval.lexicon import Analyzer, normalise
from assistant.retrieval.places import carries_place
from assistant.retrieval.records import Record, lexical_fields, own_text
from assistant.retrieval.vocabulary import Sense


@dataclass(frozen=True)
class _State:
    """Everything a search reads, swapped as one object when a policy is added (searches never see half of it)."""

    corpus: Corpus
    analyzer: Analyzer
    bm25: BM25Index
    clauses: list[Clause]
    """Every clause ever indexed, in index order (a replaced policy's old clauses stay, marked dead)."""
    alive: np.ndarray
    clause_policy: np.ndarray
    """Index of each clause's policy in ``policy_ids``."""
    policy_ids: dict[str, int]
    clause_index: dict[tuple[str, str], int]
    records: list[Record]
    vectors: np.ndarray
    record_clause: np.ndarray
    first_record: np.ndarray
    """Each clause's first record (records of a clause are consecutive)."""
    learned: LearnedReranker | None = None
    """The learned reranker over these clauses (None: hybrid without it)."""

    def parent_of(self, policy_id: str, clause_id: str) -> str | None:
        """The id of the part a clause sits in (None: at the top, or not indexed)."""
        ci = self.clause_index.get((policy_id, clause_id))
        return None if ci is None else self.clauses[ci].parent_id


def clause_senses(policy: Policy, clause: Clause, senses: Sequence[Sense]) -> list[str]:
    """The tokens of the senses a clause carries: a policy's sense names its clauses; a genre sense finds its clause
    by an anchor word in the clause's own heading or text, or by the clause's kind (a heading-only section, the
    preamble)."""
    fields = lexical_fields(policy, clause)
    own = normalise(f"{fields['title']} {fields['body']}")
    heading_only = not own_text(clause)
    tokens: list[str] = []
    for sense in senses:
        if sense.policy_id is not None and sense.policy_id != clause.policy_id:
            continue
        carried = clause.clause_id in sense.clauses or any(normalise(a) in own for a in sense.anchors)
        if sense.kinds and clause.kind in sense.kinds and (clause.kind == "preamble" or heading_only):
            # a place ("第二大类") is carried by the part of that number only
            carried = not sense.number or carries_place(policy, clause, sense.number)
        if carried:
            tokens.append(sense.token)
    return tokens


def appended(
    state: _State,
    corpus: Corpus,
    records: Sequence[Record],
    vectors: np.ndarray,
    prebuilt: BM25Index | None = None,
) -> _State:
    """A new state with ``records`` (whole policies, in document order) and their vectors appended. ``prebuilt``:
    the BM25 index of exactly these clauses, loaded from the cache, for a state that is still empty."""
    clauses = list(state.clauses)
    clause_index = dict(state.clause_index)
    policy_ids = dict(state.policy_ids)
    by_policy: dict[str | None, list[Sense]] = {}
    for sense in state.analyzer.vocabulary.senses:
        by_policy.setdefault(sense.policy_id, []).append(sense)
    new_clauses: list[Clause] = []
    record_clause: list[int] = []
    first_record: list[int] = []
    base = len(state.records)
    for n, record in enumerate(records):
        key = (record.clause.policy_id, record.clause.clause_id)
        ci = clause_index.get(key)
        if ci is None or ci < len(state.clauses):  # a new clause (or a new version of a replaced one)
            ci = len(clauses)
            clause_index[key] = ci
            clauses.append(record.clause)
            new_clauses.append(record.clause)
            first_record.append(base + n)
        record_clause.append(ci)
    def documents() -> Iterator[dict[str, list[str]]]:  # analysed one at a time: the BM25 index streams them
        for clause in new_clauses:
            policy = corpus.policy(clause.policy_id)
            fields = lexical_fields(policy, clause)
            tokens: dict[str, list[str]] = {name: state.analyzer.tokens(text) for name, text in fields.items()}
            senses = [*by_policy.get(None, ()), *by_policy.get(clause.policy_id, ())]
            tokens["sense"] = clause_senses(policy, clause, senses)
            yield tokens

    if prebuilt is not None and not state.clauses and prebuilt.size == len(new_clauses):
        bm25 = prebuilt
    else:
        bm25 = state.bm25.clone()
        bm25.add_tokens(documents())
    for clause in new_clauses:
        policy_ids.setdefault(clause.policy_id, len(policy_ids))
    return _State(
        corpus=corpus,
        analyzer=state.analyzer,
        bm25=bm25,
        clauses=clauses,
        alive=np.concatenate([state.alive, np.ones(len(new_clauses), dtype=bool)]),
        clause_policy=np.concatenate(
            [state.clause_policy, np.array([policy_ids[c.policy_id] for c in new_clauses], dtype=np.int32)]
        ),
        policy_ids=policy_ids,
        clause_index=clause_index,
        records=[*state.records, *records],
        vectors=np.concatenate([state.vectors, np.asarray(vectors, dtype=np.float32)]),
        record_clause=np.concatenate([state.record_clause, np.array(record_clause, dtype=np.int64)]),
        first_record=np.concatenate([state.first_record, np.array(first_record, dtype=np.int64)]),
    )
